import { basename } from 'node:path';
import { AisleError } from '../core/errors.js';
import type { RecordKind } from '../store/store.js';
import { type ColumnTarget, mapColumns, mapValues } from './columns.js';
import type { RecordMapper, RecordSource } from './import-records.js';
import { openInput } from './read/open-input.js';
import { type TableRecord, columnCountProblem, readDelimited, readJsonLines } from './read/read-table.js';

export type FileFormat = 'csv' | 'tsv' | 'jsonl';

/** Guesses the format from the file name (`.gz` ignored); undefined when the name does not tell. */
export function formatFromName(path: string): FileFormat | undefined {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.tsv') || name.endsWith('.tab')) return 'tsv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  return undefined;
}

export interface FileSourceOptions {
  format?: FileFormat;
  /** Column delimiter for CSV (default `,`; `\t` for TSV). */
  delimiter?: string;
  /** Column names for a CSV without a header row. */
  columns?: readonly string[];
}

/**
 * A generic file of records of one kind: CSV/TSV with a header row (or given column names) or JSON
 * Lines. Column and key names are matched loosely (see `columns.ts`).
 *
 * @example
 * const source = await openFileSource('events.csv.gz', 'event');
 * const summary = await importRecords(context, source);
 */
export async function openFileSource(
  path: string,
  kind: RecordKind,
  options: FileSourceOptions = {},
): Promise<RecordSource> {
  const format = options.format ?? formatFromName(path);
  if (format === undefined) {
    throw new AisleError(
      'UNSUPPORTED_FORMAT',
      `Cannot tell the format of ${path} from its name; pass --format csv|tsv|jsonl`,
      {
        path,
      },
    );
  }
  const input = await openInput(path);
  const progress = () => ({ done: input.bytesRead(), total: input.sizeBytes });
  if (format === 'jsonl') {
    return { kind, source: path, records: readJsonLines(input), map: objectMapper(kind), progress };
  }
  const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : ',');
  const table = readDelimited(input, { delimiter, encoding: 'utf8', quoted: true });
  const header = options.columns
    ? { names: [...options.columns] }
    : { names: undefined as string[] | undefined };
  return {
    kind,
    source: path,
    records: skipHeader(table, header, options.columns !== undefined),
    map: headerMapper(kind, header),
    progress,
  };
}

/** Takes the first non-blank record as the header (unless columns were given) and passes the rest on. */
async function* skipHeader(
  table: AsyncIterable<TableRecord[]>,
  header: { names: string[] | undefined },
  given: boolean,
): AsyncGenerator<TableRecord[]> {
  for await (const records of table) {
    if (header.names !== undefined || given) {
      yield records;
      continue;
    }
    const index = records.findIndex((record) => record.kind !== 'blank');
    if (index === -1) {
      yield records;
      continue;
    }
    const first = records[index]!;
    if (first.kind !== 'cells') {
      throw new AisleError(
        'UNSUPPORTED_FORMAT',
        `The header row (line ${first.line}) cannot be read as CSV`,
        {
          line: first.line,
        },
      );
    }
    header.names = first.cells.map((cell) => cell.trim());
    yield records.filter((_, at) => at !== index);
  }
}

function headerMapper(kind: RecordKind, header: { names: string[] | undefined }): RecordMapper {
  let targets: ColumnTarget[] | undefined;
  return (record) => {
    if (record.kind === 'object') return mapObject(kind, record.object);
    const names = header.names ?? [];
    targets ??= mapColumns(kind, names);
    if (record.cells.length !== names.length) {
      return { problem: columnCountProblem(names, record.cells.length, record.terminated) };
    }
    return mapValues(kind, targets, record.cells);
  };
}

function objectMapper(kind: RecordKind): RecordMapper {
  return (record) => {
    if (record.kind === 'object') return mapObject(kind, record.object);
    return { problem: { field: null, reason: 'invalid_json', message: 'expected a JSON object' } };
  };
}

const targetCache = new Map<string, ColumnTarget[]>();

/** Maps a JSON object's keys like CSV columns (cached per key set: exports repeat the same keys). */
export function mapObject(kind: RecordKind, object: Record<string, unknown>) {
  const keys = Object.keys(object);
  const signature = `${kind}\u0000${keys.join('\u0000')}`;
  let targets = targetCache.get(signature);
  if (!targets) {
    targets = mapColumns(kind, keys);
    if (targetCache.size > 1000) targetCache.clear();
    targetCache.set(signature, targets);
  }
  return mapValues(
    kind,
    targets,
    keys.map((key) => object[key]),
  );
}
