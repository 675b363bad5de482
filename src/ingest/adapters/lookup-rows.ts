import { openInput } from '../read/open-input.js';
import { readDelimited } from '../read/read-table.js';

/** A row of a lookup file, by column name. */
export type LookupRow = (column: string) => string;

/**
 * Reads a small CSV side file of a data set (aisles, links, tags, orders) row by row after its
 * header, giving each row's cells by column name (trimmed). Rows that cannot be read (broken quoting,
 * invalid UTF-8, wrong column count) are not passed on: their line numbers are returned, so callers
 * can report them.
 */
export async function forEachLookupRow(
  path: string,
  onRow: (row: LookupRow, line: number) => void,
): Promise<number[]> {
  const skipped: number[] = [];
  let header: string[] | undefined;
  for await (const records of readDelimited(await openInput(path), {
    delimiter: ',',
    encoding: 'utf8',
    quoted: true,
  })) {
    for (const record of records) {
      if (record.kind === 'blank') continue;
      if (header === undefined) {
        header = record.kind === 'cells' ? record.cells.map((cell) => cell.trim()) : [];
        continue;
      }
      if (record.kind !== 'cells' || record.invalidUtf8 || record.cells.length !== header.length) {
        skipped.push(record.line);
        continue;
      }
      const cells = record.cells;
      const columns = header;
      onRow((column) => cells[columns.indexOf(column)]?.trim() ?? '', record.line);
    }
  }
  return skipped;
}
