import type { Item } from '../core/entities.js';
import type { Store } from '../store/store.js';

/** The catalogue as the serving path reads it: items by id, and an index per item for models. */
export interface ServingCatalogue {
  items: Map<string, Item>;
  /** Leaf category path of each item ('' when none), for filters and diversity. */
  categoryOf(itemId: string): string;
}

/** Loads every item of the store into memory (filters, titles and diversity need them per request). */
export async function loadCatalogue(store: Store): Promise<ServingCatalogue> {
  const items = new Map<string, Item>();
  for await (const page of store.scanItems(50_000)) for (const item of page) items.set(item.id, item);
  return catalogueOf(items);
}

export function catalogueOf(items: Map<string, Item>): ServingCatalogue {
  return {
    items,
    categoryOf: (itemId) => items.get(itemId)?.categoryPath.join(' > ') ?? '',
  };
}
