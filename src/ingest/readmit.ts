import { AisleError } from '../core/errors.js';
import type { QuarantineRecord, RecordProblem } from '../store/store.js';
import type { MappedRecord } from './columns.js';
import { type ImportContext, validateMapped } from './import-records.js';
import { fieldsWithReplacementChars } from './read/decode.js';
import { RecordWriter } from './record-writer.js';

/** A fix for one quarantined record: field values to change, or a whole new record. */
export interface QuarantineFix {
  /** Field → new value (text is fine: it is validated like a CSV cell). */
  set?: Record<string, unknown>;
  /** Replaces the stored record entirely (needed when the original could not be read at all). */
  record?: Record<string, unknown>;
  /** Accept text that still shows bytes that were not valid UTF-8 (as U+FFFD). */
  acceptReplacementChars?: boolean;
}

export interface ReadmitOutcome {
  id: number;
  readmitted: boolean;
  /** Why the record is still invalid (it stays in quarantine with these problems). */
  problems: RecordProblem[];
  /** Readmitted, but already stored as it is (e.g. re-sent meanwhile): nothing changed. */
  duplicate: boolean;
}

/**
 * Re-validates quarantined records (with fixes applied) and stores the ones that now pass. A record
 * that still fails stays in quarantine with its new problems; nothing is lost either way.
 *
 * @example
 * await readmitQuarantined(context, [42], new Map([[42, { set: { timestamp: '874724710' } }]]));
 */
export async function readmitQuarantined(
  context: ImportContext,
  ids: readonly number[],
  fixes: ReadonlyMap<number, QuarantineFix> = new Map(),
): Promise<ReadmitOutcome[]> {
  const { store } = context;
  const batchId = await store.beginBatch(`readmit:${ids.length} record(s)`, 'readmit');
  const writer = new RecordWriter(store, batchId, context.batchSize);
  const outcomes: ReadmitOutcome[] = [];
  for (const id of ids) {
    const entry = await store.getQuarantine(id);
    if (!entry) throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`, { id });
    if (entry.status !== 'open') {
      throw new AisleError('CONFLICT', `Quarantined record ${id} is already ${entry.status}`, {
        id,
        status: entry.status,
      });
    }
    const fix = fixes.get(id) ?? {};
    const base = fix.record ?? entry.record;
    if (base === null) {
      outcomes.push({
        id,
        readmitted: false,
        duplicate: false,
        problems: [
          {
            field: null,
            reason: 'unreadable',
            message: 'the original record could not be read; give the whole corrected record (--record JSON)',
          },
        ],
      });
      continue;
    }
    const fixed = { ...base, ...fix.set };
    const problems = replacementProblems(entry, fixed, fix);
    const valid =
      problems.length === 0 ? validateMapped(context.schemas, entry.kind, toMapped(fixed)) : { problems };
    if ('problems' in valid) {
      await store.updateQuarantine(id, { status: 'open', problems: valid.problems, record: fixed });
      outcomes.push({ id, readmitted: false, duplicate: false, problems: valid.problems });
      continue;
    }
    // Readmits are few: write each on its own to tell a new record from one already stored.
    const before = storedCount(writer);
    await writer.add(valid.record);
    await writer.flush();
    const duplicate = storedCount(writer) === before;
    await store.updateQuarantine(id, {
      status: 'readmitted',
      note: `readmitted in batch ${batchId}`,
      record: fixed,
    });
    outcomes.push({ id, readmitted: true, problems: [], duplicate });
  }
  const readmitted = outcomes.filter((outcome) => outcome.readmitted).length;
  await store.finishBatch(batchId, {
    readmitted,
    stillInvalid: outcomes.length - readmitted,
    stored: storedCount(writer),
  });
  return outcomes;
}

function storedCount(writer: RecordWriter): number {
  let stored = 0;
  for (const totals of writer.totals.values()) stored += totals.inserted + totals.updated;
  return stored;
}

/** A quarantined users-file record keeps its protected part under `protected`. */
function toMapped(record: Record<string, unknown>): MappedRecord {
  const { protected: sensitive, ...input } = record;
  const mapped: MappedRecord = { input, ignored: [] };
  if (typeof sensitive === 'object' && sensitive !== null) {
    mapped.protectedInput = { ...(sensitive as Record<string, unknown>), userId: input['id'] };
  }
  return mapped;
}

function replacementProblems(
  entry: QuarantineRecord,
  fixed: Record<string, unknown>,
  fix: QuarantineFix,
): RecordProblem[] {
  if (fix.acceptReplacementChars || !entry.problems.some((problem) => problem.reason === 'invalid_utf8'))
    return [];
  return fieldsWithReplacementChars(fixed).map((field) => ({
    field,
    reason: 'invalid_utf8',
    message: `${field} still shows bytes that were not valid UTF-8 (�): set a corrected value, or accept the text as it is`,
  }));
}
