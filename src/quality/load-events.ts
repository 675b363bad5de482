import type { Item } from '../core/entities.js';
import type { ScanEventsOptions, Store } from '../store/store.js';
import { type EventTable, EventTableBuilder } from './event-table.js';

/** Reads events from the store into columns (a page at a time; only the columns stay in memory). */
export async function loadEventTable(store: Store, options: ScanEventsOptions = {}): Promise<EventTable> {
  const builder = new EventTableBuilder();
  for await (const page of store.scanEventColumns({ batchSize: 20_000, ...options }))
    builder.addColumns(page);
  return builder.build();
}

/** The stored items among the table's item ids (missing ones are simply absent). */
export async function loadCatalogue(store: Store, table: EventTable): Promise<Map<string, Item>> {
  const catalogue = new Map<string, Item>();
  const ids = table.items;
  for (let start = 0; start < ids.length; start += 10_000) {
    for (const item of await store.getItems(ids.slice(start, start + 10_000))) catalogue.set(item.id, item);
  }
  return catalogue;
}
