import type { Item } from '../core/entities.js';
import { TimeSlices } from '../core/yield.js';
import type { Store } from '../store/store.js';
import { DocTable } from './doc-table.js';
import { itemFingerprint } from './item-text.js';
import { LexicalIndex } from './lexical-index.js';
import type { SearchConfig } from './search-config.js';
import type { SearchState } from './search-state.js';
import { type SuggestEntry, SuggestIndex } from './suggest.js';

/** Progress of a build or refresh: a phase and how far it got. */
export interface SyncProgress {
  phase: 'read' | 'index' | 'popularity' | 'suggest' | 'train' | 'embed' | 'save';
  done: number;
  total: number;
  /** Training loss, during the `train` phase. */
  loss?: number;
}

/** The batch kinds that write items (imports, API posts, re-admitted quarantine). */
const ITEM_BATCH_KINDS = new Set(['item', 'readmit']);

/**
 * The newest ingest batch that may have written items (0 when none), and whether it is still open
 * (its writes may go on). One small query: a refresh asks it every `refreshSeconds`.
 */
export async function latestItemBatch(store: Store): Promise<{ batch: number; open: boolean }> {
  for (const batch of await store.listBatches(200)) {
    if (ITEM_BATCH_KINDS.has(batch.kind)) return { batch: batch.id, open: batch.finishedAt === null };
  }
  return { batch: 0, open: false };
}

/** Reads every item of the store, in store order. */
export function readAllItems(store: Store, onProgress?: (done: number) => void): Promise<Item[]> {
  return readPages(store.scanItems(1000), onProgress);
}

/** Reads the items written at or after `since` (the store's `updated_at`). */
export function readItemsUpdatedSince(store: Store, since: number): Promise<Item[]> {
  return readPages(store.scanItemsUpdatedSince(since, 1000));
}

// Pages of 1,000 with pauses between: a refresh reads on the serving thread.
async function readPages(pages: AsyncIterable<Item[]>, onProgress?: (done: number) => void): Promise<Item[]> {
  const items: Item[] = [];
  const slices = new TimeSlices();
  for await (const page of pages) {
    items.push(...page);
    onProgress?.(items.length);
    await slices.pause();
  }
  return items;
}

/**
 * Builds the lexical side from scratch: documents, the BM25F index (compacted once at the end, with
 * its translation table) and the item-side suggestions.
 */
export function buildLexical(
  items: readonly Item[],
  config: SearchConfig,
  onProgress?: (progress: SyncProgress) => void,
): { docs: DocTable; lexical: LexicalIndex } {
  const docs = new DocTable();
  const lexical = LexicalIndex.create(config);
  items.forEach((item, index) => {
    const doc = docs.allocate(item.id);
    docs.set(doc, item, itemFingerprint(item));
    lexical.setItem(doc, item, true);
    if ((index + 1) % 5000 === 0) onProgress?.({ phase: 'index', done: index + 1, total: items.length });
  });
  lexical.compact();
  onProgress?.({ phase: 'index', done: items.length, total: items.length });
  return { docs, lexical };
}

/** What an incremental pass changed. */
export interface ItemChanges {
  /** Items added or changed, with their documents (to re-encode). */
  changed: { doc: number; item: Item; fingerprint: number }[];
  removed: number;
}

/**
 * Brings the documents and the lexical index up to date with the store's items: only items whose
 * fingerprint changed are analysed again. When `items` are all the store holds (`complete`), items
 * missing from them are removed; a partial read (the items written lately) removes nothing. Runs on
 * the serving thread after an import, so it yields between items every few milliseconds; a search
 * in between sees each item either before or after its change, never half of one.
 */
export async function applyItemChanges(
  state: SearchState,
  items: readonly Item[],
  complete = true,
): Promise<ItemChanges> {
  const slices = new TimeSlices();
  const seen = new Set<string>();
  const changed: ItemChanges['changed'] = [];
  for (const item of items) {
    // Before the fingerprint check too: fingerprinting 100,000 unchanged items takes 0.3 s.
    await slices.pause();
    seen.add(item.id);
    const fingerprint = itemFingerprint(item);
    const known = state.docs.docOf(item.id);
    if (known !== undefined && state.docs.fingerprint[known] === fingerprint) continue;
    const doc = state.docs.allocate(item.id);
    state.docs.set(doc, item, fingerprint);
    state.lexical.setItem(doc, item);
    changed.push({ doc, item, fingerprint });
  }
  let removed = 0;
  for (const itemId of complete ? [...state.docs.liveItemIds()] : []) {
    await slices.pause();
    if (seen.has(itemId)) continue;
    const doc = state.docs.remove(itemId);
    if (doc === undefined) continue;
    state.lexical.removeDoc(doc);
    state.semantic?.remove(doc);
    removed++;
  }
  await state.lexical.maybeCompact();
  return { changed, removed };
}

/**
 * Adds the weight of every event after `afterSeq` to its item's popularity; returns the newest
 * sequence number read.
 */
export async function followEvents(
  store: Store,
  docs: DocTable,
  afterSeq: number,
  eventWeights: Readonly<Record<string, number>>,
): Promise<number> {
  let seq = afterSeq;
  const slices = new TimeSlices();
  // Batches of 5,000: a bulk import of events is read on the serving thread, a batch at a time.
  for await (const batch of store.scanEvents({ afterSeq, batchSize: 5000 })) {
    await slices.pause();
    for (const event of batch) {
      seq = Math.max(seq, event.seq);
      if (event.itemId === undefined) continue;
      const doc = docs.docOf(event.itemId);
      if (doc !== undefined) docs.popularity[doc]! += eventWeights[event.type] ?? 0;
    }
  }
  return seq;
}

/**
 * Suggestions from the query log (each distinct query weighted by how often it was searched) and the
 * catalogue: brands, category names and the index's words held by two or more items, shown as
 * typed in the catalogue.
 */
export async function buildSuggest(
  store: Store,
  docs: DocTable,
  lexical: LexicalIndex,
): Promise<SuggestIndex> {
  const entries: SuggestEntry[] = [];
  for await (const batch of store.scanQueries(10_000)) {
    for (const query of batch) entries.push({ text: query.text, source: 'query', weight: 1 });
  }
  const brandCounts = new Float64Array(docs.brands.values.length);
  const categoryCounts = new Float64Array(docs.categories.values.length);
  for (let doc = 0; doc < docs.documentSlots; doc++) {
    if (docs.itemIds[doc] === undefined) continue;
    if (docs.brand[doc]! >= 0) brandCounts[docs.brand[doc]!]! += 1;
    if (docs.category[doc]! >= 0)
      for (const id of docs.categoryAncestors[docs.category[doc]!] ?? []) categoryCounts[id]! += 1;
  }
  docs.brands.values.forEach((brand, id) =>
    entries.push({ text: brand, source: 'catalogue', weight: brandCounts[id]! }),
  );
  docs.categories.values.forEach((path, id) =>
    entries.push({ text: path.split(' > ').at(-1)!, source: 'catalogue', weight: categoryCounts[id]! }),
  );
  const index = lexical.index;
  for (const [term, surface] of lexical.surfaces()) {
    const frequency = index.documentFrequency(index.termId(term));
    if (frequency >= 2 && [...surface].length >= 2)
      entries.push({ text: surface, source: 'catalogue', weight: frequency });
  }
  return SuggestIndex.build(entries);
}
