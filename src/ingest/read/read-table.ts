import type { RecordProblem } from '../../store/store.js';
import { splitCsvFields } from './csv-fields.js';
import type { TextEncoding } from './decode.js';
import type { InputFile } from './open-input.js';
import { splitRecords } from './split-records.js';

/** One record of a file, read but not yet validated. */
export type TableRecord =
  | { kind: 'cells'; line: number; raw: string; cells: string[]; terminated: boolean; invalidUtf8: boolean }
  | { kind: 'object'; line: number; raw: string; object: Record<string, unknown>; invalidUtf8: boolean }
  /** A record that could not be read at all (broken quoting, bad JSON, cut off). */
  | { kind: 'unreadable'; line: number; raw: string; problem: RecordProblem }
  | { kind: 'blank'; line: number };

export interface DelimitedOptions {
  delimiter: string;
  encoding: TextEncoding;
  /** RFC 4180 quoting (CSV). Off for formats where `"` is ordinary text (MovieLens `::` and `|` files). */
  quoted: boolean;
}

/** Reads a delimited text file (CSV, TSV, `::`- or `|`-separated) record by record. */
export async function* readDelimited(
  input: InputFile,
  options: DelimitedOptions,
): AsyncGenerator<TableRecord[]> {
  for await (const raws of splitRecords(input.chunks, {
    quoted: options.quoted,
    encoding: options.encoding,
  })) {
    const out: TableRecord[] = [];
    for (const raw of raws) {
      const { text } = raw;
      const valid = !raw.invalidUtf8;
      if (text.trim() === '') {
        out.push({ kind: 'blank', line: raw.line });
        continue;
      }
      if (raw.unbalancedQuote) {
        out.push(unreadable(raw.line, text, 'invalid_csv', 'a quote is opened and never closed'));
        continue;
      }
      if (!options.quoted) {
        out.push({
          kind: 'cells',
          line: raw.line,
          raw: text,
          cells: text.split(options.delimiter),
          terminated: raw.terminated,
          invalidUtf8: !valid,
        });
        continue;
      }
      const split = splitCsvFields(text, options.delimiter);
      if (split.ok) {
        out.push({
          kind: 'cells',
          line: raw.line,
          raw: text,
          cells: split.fields,
          terminated: raw.terminated,
          invalidUtf8: !valid,
        });
      } else {
        out.push(
          raw.terminated
            ? unreadable(raw.line, text, 'invalid_csv', split.message)
            : unreadable(
                raw.line,
                text,
                'truncated_record',
                `the file ends inside this record (${split.message})`,
              ),
        );
      }
    }
    yield out;
  }
}

/** Reads a JSON Lines file: one JSON object per line. */
export async function* readJsonLines(input: InputFile): AsyncGenerator<TableRecord[]> {
  for await (const raws of splitRecords(input.chunks, { quoted: false, encoding: 'utf8' })) {
    const out: TableRecord[] = [];
    for (const raw of raws) {
      const { text } = raw;
      const valid = !raw.invalidUtf8;
      if (text.trim() === '') {
        out.push({ kind: 'blank', line: raw.line });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        out.push(
          raw.terminated
            ? unreadable(raw.line, text, 'invalid_json', `not valid JSON: ${detail}`)
            : unreadable(raw.line, text, 'truncated_record', `the file ends inside this record: ${detail}`),
        );
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push(unreadable(raw.line, text, 'invalid_json', 'each line must be a JSON object'));
        continue;
      }
      out.push({
        kind: 'object',
        line: raw.line,
        raw: text,
        object: value as Record<string, unknown>,
        invalidUtf8: !valid,
      });
    }
    yield out;
  }
}

function unreadable(line: number, raw: string, reason: string, message: string): TableRecord {
  return { kind: 'unreadable', line, raw, problem: { field: null, reason, message } };
}

/**
 * The problem of a row with the wrong number of columns: `truncated_record` when the file ends inside
 * it (a cut-off last line), `wrong_column_count` otherwise.
 */
export function columnCountProblem(
  columnNames: readonly string[],
  found: number,
  terminated: boolean,
): RecordProblem {
  const expected = `expected ${columnNames.length} columns (${columnNames.join(', ')}), found ${found}`;
  return terminated
    ? { field: null, reason: 'wrong_column_count', message: expected }
    : { field: null, reason: 'truncated_record', message: `the file ends inside this record: ${expected}` };
}
