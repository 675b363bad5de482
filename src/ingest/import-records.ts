import { type QualityGateSummary, runQualityGate } from '../quality/gate.js';
import type { BulkLoad, QuarantineInput, RecordKind, RecordProblem, Store } from '../store/store.js';
import { type ProducedChunk, type RecordSource, produceRecords } from './produce-records.js';
import { type KindTotals, RecordWriter } from './record-writer.js';
import type { RecordSchemas } from './validators.js';

export type { RecordMapper, RecordSource } from './produce-records.js';
export { validateMapped } from './produce-records.js';

/** What one import did. Every record read is counted once: read = accepted + duplicates + quarantined. */
export interface ImportSummary {
  kind: RecordKind;
  source: string;
  batchId: number;
  read: number;
  /** Stored: new records plus changed ones. */
  accepted: number;
  inserted: number;
  updated: number;
  /** Already stored as they are (re-sent): nothing changed. */
  duplicates: number;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
  /** Of the quarantined, how many were already in quarantine from an earlier import. */
  alreadyQuarantined: number;
  blankLines: number;
  usersCreated: number;
  /** Records of other kinds written along (protected attributes from a users file, items from events). */
  derived: Partial<Record<RecordKind, KindTotals>>;
  /** Columns or keys with no place in the record, and on how many records they were seen. */
  ignoredFields: Record<string, number>;
  seconds: number;
  recordsPerSecond: number;
  /** Set when reading stopped early (e.g. a cut-off gzip file); records before it are imported. */
  error?: string;
  /** Quarantined records of this import, up to `keepProblems`, for API responses and messages. */
  problems: { line: number | null; problems: RecordProblem[] }[];
  /** What the data-quality gate found in this batch (docs/quality.md). */
  quality?: QualityGateSummary;
}

export interface ImportContext {
  store: Store;
  schemas: RecordSchemas;
  batchSize: number;
  /** Called about every 10,000 records. */
  onProgress?: (progress: { records: number; bytesDone: number; bytesTotal: number }) => void;
  /** How many problems to keep in the summary (all are in the quarantine table). */
  keepProblems?: number;
}

const QUARANTINE_FLUSH = 1_000;

/** Records a source will yield, extrapolated from its first chunk and the share of the file it read. */
function expectedRecords(first: ProducedChunk): number {
  const { done, total } = first.progress;
  return done > 0 && total > done ? Math.round((first.read * total) / done) : first.read;
}

/**
 * Imports one source on this thread: validates every record, stores the good ones in large
 * transactions and puts every bad one in quarantine with its line, field and reason. A bad record
 * never stops the import.
 */
export async function importRecords(context: ImportContext, source: RecordSource): Promise<ImportSummary> {
  const chunks = produceRecords(source, context.schemas);
  return consumeRecords(context, source.kind, source.source, chunks);
}

/**
 * The writing half of an import: takes produced chunks, writes valid records, quarantines rejected
 * ones and counts everything. (Reading and validating on a worker thread was measured slower than
 * doing both here: handing records between threads costs more than parsing them; docs/benchmarks.md.)
 */
export async function consumeRecords(
  context: ImportContext,
  kind: RecordKind,
  sourceLabel: string,
  chunks: AsyncGenerator<ProducedChunk, { error?: string }>,
): Promise<ImportSummary> {
  const { store } = context;
  const started = performance.now();
  const batchId = await store.beginBatch(sourceLabel, kind);
  const writer = new RecordWriter(store, batchId, context.batchSize);
  const keepProblems = context.keepProblems ?? 100;
  const summary: ImportSummary = {
    kind,
    source: sourceLabel,
    batchId,
    read: 0,
    accepted: 0,
    inserted: 0,
    updated: 0,
    duplicates: 0,
    quarantined: 0,
    quarantinedByReason: {},
    alreadyQuarantined: 0,
    blankLines: 0,
    usersCreated: 0,
    derived: {},
    ignoredFields: {},
    seconds: 0,
    recordsPerSecond: 0,
    problems: [],
  };
  let quarantine: QuarantineInput[] = [];
  const flushQuarantine = async (): Promise<void> => {
    if (quarantine.length === 0) return;
    const counts = await store.addQuarantine(quarantine);
    summary.alreadyQuarantined += counts.duplicates;
    quarantine = [];
  };

  let nextProgress = 10_000;
  let bulkLoad: BulkLoad | undefined;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        if (next.value.error !== undefined) summary.error = next.value.error;
        break;
      }
      const chunk = next.value;
      // Before the first write (the writer buffers a whole batch), tell the store how big this gets.
      if (bulkLoad === undefined && kind === 'event')
        bulkLoad = await store.beginBulkLoad(expectedRecords(chunk));
      summary.read += chunk.read;
      summary.blankLines += chunk.blankLines;
      for (const [name, count] of Object.entries(chunk.ignored))
        summary.ignoredFields[name] = (summary.ignoredFields[name] ?? 0) + count;
      for (const rejected of chunk.rejected) {
        summary.quarantined++;
        const reason = rejected.problems[0]?.reason ?? 'invalid_record';
        summary.quarantinedByReason[reason] = (summary.quarantinedByReason[reason] ?? 0) + 1;
        if (summary.problems.length < keepProblems)
          summary.problems.push({ line: rejected.line, problems: rejected.problems });
        quarantine.push({ kind, source: sourceLabel, batchId, ...rejected });
      }
      for (const record of chunk.valid) await writer.add(record);
      if (quarantine.length >= QUARANTINE_FLUSH) await flushQuarantine();
      if (context.onProgress && summary.read >= nextProgress) {
        nextProgress = summary.read + 10_000;
        context.onProgress({
          records: summary.read,
          bytesDone: chunk.progress.done,
          bytesTotal: chunk.progress.total,
        });
      }
    }
  } finally {
    try {
      await writer.flush();
      await flushQuarantine();
    } finally {
      if (bulkLoad) writer.usersCreated += (await bulkLoad.finish()).usersCreated;
    }
  }

  const totals = writer.totalsOf(kind);
  summary.inserted = totals.inserted;
  summary.updated = totals.updated;
  summary.accepted = totals.inserted + totals.updated;
  summary.duplicates = totals.duplicates;
  summary.usersCreated = writer.usersCreated;
  for (const [otherKind, kindTotals] of writer.totals)
    if (otherKind !== kind) summary.derived[otherKind] = kindTotals;
  summary.seconds = (performance.now() - started) / 1000;
  summary.recordsPerSecond = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : summary.read;
  const { problems: _problems, ...stored } = summary;
  await store.finishBatch(batchId, stored);
  // After the batch is recorded: the gate reads what it stored, and its run is kept apart (by batch id).
  summary.quality = await runQualityGate(store, { ...summary, batchId });
  return summary;
}
