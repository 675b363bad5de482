import type { RecordKind } from '../../store/store.js';
import type { MappedRecord } from '../columns.js';
import type { RecordSource } from '../import-records.js';
import type { TextEncoding } from '../read/decode.js';
import { openInput } from '../read/open-input.js';
import { type TableRecord, columnCountProblem, readDelimited, readJsonLines } from '../read/read-table.js';

export interface DelimitedAdapterOptions {
  path: string;
  kind: RecordKind;
  delimiter: string;
  encoding: TextEncoding;
  /** RFC 4180 quoting; off for `::`/`|`/tab formats where quotes are plain text. */
  quoted: boolean;
  /** The file starts with a header row to skip. */
  hasHeader: boolean;
  /** Exact number of columns a row must have (rows with more or fewer are quarantined). */
  columns: number;
  /** Names of the columns, for messages. */
  columnNames: readonly string[];
  /** Builds the record input from a row's cells. */
  toInput: (cells: string[]) => Record<string, unknown> | MappedRecord;
}

/**
 * A data-set file with a fixed layout, as a record source: rows with the wrong number of columns are
 * quarantined (`truncated_record` when the file ends inside the row), the rest go through `toInput`.
 */
export async function openDelimitedAdapterSource(options: DelimitedAdapterOptions): Promise<RecordSource> {
  const input = await openInput(options.path);
  const table = readDelimited(input, {
    delimiter: options.delimiter,
    encoding: options.encoding,
    quoted: options.quoted,
  });
  return {
    kind: options.kind,
    source: options.path,
    records: options.hasHeader ? dropFirstRecord(table) : table,
    progress: () => ({ done: input.bytesRead(), total: input.sizeBytes }),
    map: (record) => {
      if (record.kind === 'object')
        return { problem: { field: null, reason: 'invalid_record', message: 'expected a delimited row' } };
      if (record.cells.length !== options.columns) {
        return { problem: columnCountProblem(options.columnNames, record.cells.length, record.terminated) };
      }
      return asMapped(options.toInput(record.cells));
    },
  };
}

/** A JSON Lines data-set file whose objects `toInput` maps to record inputs. */
export async function openJsonLinesAdapterSource(
  path: string,
  kind: RecordKind,
  toInput: (object: Record<string, unknown>) => Record<string, unknown> | MappedRecord,
): Promise<RecordSource> {
  const input = await openInput(path);
  return {
    kind,
    source: path,
    records: readJsonLines(input),
    progress: () => ({ done: input.bytesRead(), total: input.sizeBytes }),
    map: (record) =>
      record.kind === 'object'
        ? asMapped(toInput(record.object))
        : { problem: { field: null, reason: 'invalid_json', message: 'expected a JSON object' } },
  };
}

/** Records produced in code (data-set rows already parsed elsewhere, generated demo data). */
export function inMemorySource(
  kind: RecordKind,
  source: string,
  rows: Iterable<{ line: number; input: Record<string, unknown>; protectedInput?: Record<string, unknown> }>,
  chunkSize = 10_000,
): RecordSource {
  const sensitive = new Map<number, Record<string, unknown>>();
  async function* records(): AsyncGenerator<TableRecord[]> {
    let chunk: TableRecord[] = [];
    for (const row of rows) {
      if (row.protectedInput) sensitive.set(row.line, row.protectedInput);
      chunk.push({
        kind: 'object',
        line: row.line,
        raw: JSON.stringify(row.input),
        object: row.input,
        invalidUtf8: false,
      });
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  return {
    kind,
    source,
    records: records(),
    map: (record) => {
      if (record.kind !== 'object')
        return { problem: { field: null, reason: 'invalid_record', message: 'expected an object' } };
      const protectedInput = sensitive.get(record.line);
      sensitive.delete(record.line);
      return protectedInput
        ? { input: record.object, protectedInput, ignored: [] }
        : { input: record.object, ignored: [] };
    },
  };
}

function asMapped(value: Record<string, unknown> | MappedRecord): MappedRecord {
  return 'input' in value && 'ignored' in value && Array.isArray(value.ignored)
    ? (value as MappedRecord)
    : { input: stripEmpty(value as Record<string, unknown>), ignored: [] };
}

/** Drops undefined and empty-text values: absent, as in the generic readers. */
function stripEmpty(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

async function* dropFirstRecord(table: AsyncIterable<TableRecord[]>): AsyncGenerator<TableRecord[]> {
  let dropped = false;
  for await (const records of table) {
    if (!dropped) {
      const index = records.findIndex((record) => record.kind !== 'blank');
      if (index === -1) {
        yield records;
        continue;
      }
      dropped = true;
      yield records.filter((_, at) => at !== index);
    } else yield records;
  }
}
