import { isAisleError } from '../core/errors.js';
import type { RecordKind, RecordProblem } from '../store/store.js';
import type { MappedRecord } from './columns.js';
import { fieldsWithReplacementChars } from './read/decode.js';
import type { TableRecord } from './read/read-table.js';
import type { ValidRecord } from './record-writer.js';
import { validateRecord } from './schemas/validate.js';
import type { RecordSchemas } from './validators.js';

/** Turns one read record into a record input, or says why it cannot. */
export type RecordMapper = (
  record: Extract<TableRecord, { kind: 'cells' | 'object' }>,
) => MappedRecord | { problem: RecordProblem };

/** One file (or API batch) to import as records of one kind. */
export interface RecordSource {
  kind: RecordKind;
  /** File path or `api:<route>`: recorded with every quarantined record. */
  source: string;
  records: AsyncIterable<TableRecord[]>;
  map: RecordMapper;
  /** For progress: bytes consumed and total. */
  progress?: () => { done: number; total: number };
  /**
   * Records of other kinds implied by an accepted record (a behaviour log's items, with the category
   * it names). They are written with it and counted under `derived`.
   */
  derive?: (record: ValidRecord) => ValidRecord[];
}

/** A rejected record, as it goes to quarantine. */
export interface RejectedRecord {
  line: number | null;
  raw: string;
  record: Record<string, unknown> | null;
  problems: RecordProblem[];
}

/** What reading and validating one slice of a source produced. Plain data: it crosses worker threads. */
export interface ProducedChunk {
  /** Records read (blank lines excluded). */
  read: number;
  blankLines: number;
  /** Valid records in file order, each preceded by the records it implies. */
  valid: ValidRecord[];
  rejected: RejectedRecord[];
  /** Fields with no place in the record, and how often. */
  ignored: Record<string, number>;
  progress: { done: number; total: number };
}

/**
 * Reads, maps and validates a source, one chunk per batch of records read. This is the CPU-bound
 * half of an import; `consumeRecords` (the writing half) may run on another thread.
 * Reading errors that end the file early (a cut-off gzip stream) end the generator with `error`.
 */
export async function* produceRecords(
  source: RecordSource,
  schemas: RecordSchemas,
): AsyncGenerator<ProducedChunk, { error?: string }> {
  try {
    for await (const records of source.records) {
      const chunk: ProducedChunk = {
        read: 0,
        blankLines: 0,
        valid: [],
        rejected: [],
        ignored: {},
        progress: { done: 0, total: 0 },
      };
      for (const record of records) {
        if (record.kind === 'blank') {
          chunk.blankLines++;
          continue;
        }
        chunk.read++;
        if (record.kind === 'unreadable') {
          chunk.rejected.push({
            line: record.line,
            raw: record.raw,
            record: null,
            problems: [record.problem],
          });
          continue;
        }
        const mapped = source.map(record);
        if ('problem' in mapped) {
          chunk.rejected.push({
            line: record.line,
            raw: record.raw,
            record: null,
            problems: [mapped.problem],
          });
          continue;
        }
        for (const name of mapped.ignored) chunk.ignored[name] = (chunk.ignored[name] ?? 0) + 1;
        if (record.invalidUtf8) {
          chunk.rejected.push({
            line: record.line,
            raw: record.raw,
            record: quarantinedFields(mapped),
            problems: invalidUtf8Problems(mapped),
          });
          continue;
        }
        const valid = validateMapped(schemas, source.kind, mapped);
        if ('problems' in valid) {
          chunk.rejected.push({
            line: record.line,
            raw: record.raw,
            record: quarantinedFields(mapped),
            problems: valid.problems,
          });
          continue;
        }
        if (source.derive) chunk.valid.push(...source.derive(valid.record));
        chunk.valid.push(valid.record);
      }
      chunk.progress = source.progress?.() ?? { done: 0, total: 0 };
      yield chunk;
    }
  } catch (error) {
    if (!isAisleError(error, 'UNSUPPORTED_FORMAT')) throw error;
    return { error: error.message };
  }
  return {};
}

/** Validates a mapped record with its kind's schema (users also validate their protected part). */
export function validateMapped(
  schemas: RecordSchemas,
  kind: RecordKind,
  mapped: MappedRecord,
): { record: ValidRecord } | { problems: RecordProblem[] } {
  switch (kind) {
    case 'item':
      return wrap(validateRecord(schemas.item, mapped.input), (value) => ({ kind, value }));
    case 'protected':
      return wrap(validateRecord(schemas.protected, mapped.input), (value) => ({ kind, value }));
    case 'event':
      return wrap(validateRecord(schemas.event, mapped.input), (value) => ({ kind, value }));
    case 'query':
      return wrap(validateRecord(schemas.query, mapped.input), (value) => ({ kind, value }));
    case 'user': {
      const user = validateRecord(schemas.user, mapped.input);
      const sensitive = mapped.protectedInput
        ? validateRecord(schemas.protected, mapped.protectedInput)
        : undefined;
      const problems = [
        ...(user.ok ? [] : user.problems),
        ...(sensitive && !sensitive.ok ? sensitive.problems : []),
      ];
      if (!user.ok || (sensitive && !sensitive.ok)) return { problems };
      const record: ValidRecord = { kind, value: user.value };
      if (sensitive?.ok) record.protected = sensitive.value;
      return { record };
    }
  }
}

function wrap<T>(
  result: { ok: true; value: T } | { ok: false; problems: RecordProblem[] },
  toRecord: (value: T) => ValidRecord,
): { record: ValidRecord } | { problems: RecordProblem[] } {
  return result.ok ? { record: toRecord(result.value) } : { problems: result.problems };
}

/** The fields kept with a quarantined record; a users-file row keeps its protected part under `protected`. */
function quarantinedFields(mapped: MappedRecord): Record<string, unknown> {
  if (!mapped.protectedInput) return mapped.input;
  const { userId: _userId, ...sensitive } = mapped.protectedInput;
  return { ...mapped.input, protected: sensitive };
}

function invalidUtf8Problems(mapped: MappedRecord): RecordProblem[] {
  const fields = fieldsWithReplacementChars({ ...mapped.input, ...mapped.protectedInput });
  if (fields.length === 0) {
    return [
      { field: null, reason: 'invalid_utf8', message: 'the record has bytes that are not valid UTF-8' },
    ];
  }
  return fields.map((field) => ({
    field,
    reason: 'invalid_utf8',
    message: `${field} has bytes that are not valid UTF-8 (shown as �); re-export the file as UTF-8 or fix the value`,
  }));
}
