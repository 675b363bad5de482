import { type ImportContext, importRecords } from '../import-records.js';
import type { RecordSource } from '../produce-records.js';
import { openDelimitedAdapterSource } from './adapter-source.js';
import type { DatasetImportSummary } from './dataset-import.js';
import { deriveItemsOnce } from './derive-items.js';

/**
 * Imports a Taobao UserBehavior file (`user,item,category,behavior,timestamp`, no header; plain or
 * gzip). Items are created from the events with their category (the data set has no titles, so an
 * item's title names its id); users are created from their events.
 *
 * @example
 * await importTaobao(context, '../shared/datasets/taobao-userbehavior/betashepherd-HotItems/UserBehavior.csv.gz');
 */
export async function importTaobao(context: ImportContext, path: string): Promise<DatasetImportSummary> {
  return {
    dataset: 'taobao-userbehavior',
    steps: [await importRecords(context, await openTaobaoSource(path))],
    notes: [
      'pv → view, cart → cart, fav → favorite, buy → purchase; items are created from the log with their Taobao category id',
    ],
  };
}

/** Taobao's behaviour codes → Aisle event types. */
const BEHAVIOURS: Record<string, string> = { pv: 'view', cart: 'cart', fav: 'favorite', buy: 'purchase' };

/** The Taobao file as a record source (events, deriving each item once with its category). */
export async function openTaobaoSource(path: string): Promise<RecordSource> {
  // The importer maps, validates and derives one record at a time, so the row's category can wait here.
  let rowCategory = '';
  const source = await openDelimitedAdapterSource({
    path,
    kind: 'event',
    delimiter: ',',
    encoding: 'utf8',
    quoted: false,
    hasHeader: false,
    columns: 5,
    columnNames: ['user_id', 'item_id', 'category_id', 'behavior_type', 'timestamp'],
    toInput: ([userId, itemId, categoryId, behaviour, timestamp]) => {
      rowCategory = categoryId?.trim() ?? '';
      return { userId, itemId, type: BEHAVIOURS[behaviour?.trim() ?? ''] ?? behaviour, timestamp };
    },
  });
  source.derive = deriveItemsOnce((itemId) => ({
    id: itemId,
    title: `Taobao item ${itemId}`,
    categoryPath: rowCategory ? [rowCategory] : [],
    attributes: { titleFromId: true },
    tags: [],
    available: true,
  }));
  return source;
}
