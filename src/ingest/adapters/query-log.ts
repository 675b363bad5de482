import { basename } from 'node:path';
import { type ImportContext, importRecords } from '../import-records.js';
import { formatFromName, openFileSource } from '../file-sources.js';
import { openDelimitedAdapterSource } from './adapter-source.js';
import type { DatasetImportSummary } from './dataset-import.js';

/**
 * Imports a search-query log. A `.txt` file is read as `id<TAB>query` lines (the Multi-CPR layout);
 * CSV, TSV and JSON Lines files need `id` and `text` (or `query`) columns, optionally `userId` and
 * `timestamp`. Ids are prefixed with the file's base name so two logs never collide.
 *
 * @example
 * await importQueryLog(context, '../shared/datasets/multi-cpr-ecom-queries/train.query.txt.gz');
 */
export async function importQueryLog(
  context: ImportContext,
  path: string,
  idPrefix?: string,
): Promise<DatasetImportSummary> {
  const prefix =
    idPrefix ??
    `${basename(path)
      .replace(/(\.gz)?$/, '')
      .replace(/\.[^.]+$/, '')}:`;
  const plainText = formatFromName(path) === undefined;
  const source = plainText
    ? await openDelimitedAdapterSource({
        path,
        kind: 'query',
        delimiter: '\t',
        encoding: 'utf8',
        quoted: false,
        hasHeader: false,
        columns: 2,
        columnNames: ['query id', 'query'],
        toInput: ([id, text]) => ({ id: id?.trim() ? `${prefix}${id.trim()}` : '', text }),
      })
    : await openFileSource(path, 'query');
  if (!plainText) {
    const map = source.map;
    source.map = (record) => {
      const mapped = map(record);
      if ('problem' in mapped || mapped.input['id'] === undefined) return mapped;
      return { ...mapped, input: { ...mapped.input, id: `${prefix}${String(mapped.input['id'])}` } };
    };
  }
  return {
    dataset: 'query-log',
    steps: [await importRecords(context, source)],
    notes: [`query ids are prefixed with "${prefix}"`],
  };
}
