import type { RecordKind } from '../store/store.js';
import { mapObject } from './file-sources.js';
import { type ImportContext, type ImportSummary, importRecords } from './import-records.js';
import type { TableRecord } from './read/read-table.js';

/**
 * Imports records given as parsed JSON values (an API batch): the same mapping, validation and
 * quarantine as files, with each record's 1-based position in the batch as its line.
 *
 * @example
 * const summary = await importObjects(context, 'event', 'api:POST /events', body.events);
 */
export async function importObjects(
  context: ImportContext,
  kind: RecordKind,
  source: string,
  values: readonly unknown[],
): Promise<ImportSummary> {
  const records: TableRecord[] = values.map((value, index): TableRecord => {
    const line = index + 1;
    const raw = safeJson(value);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return {
        kind: 'unreadable',
        line,
        raw,
        problem: { field: null, reason: 'invalid_record', message: 'each record must be a JSON object' },
      };
    }
    return { kind: 'object', line, raw, object: value as Record<string, unknown>, invalidUtf8: false };
  });
  return importRecords(context, {
    kind,
    source,
    records: (async function* () {
      yield records;
    })(),
    map: (record) =>
      record.kind === 'object'
        ? mapObject(kind, record.object)
        : {
            problem: { field: null, reason: 'invalid_record', message: 'each record must be a JSON object' },
          },
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
