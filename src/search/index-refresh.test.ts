import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Item } from '../core/entities.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { parseSearchConfig } from './search-config.js';
import { SearchEngine } from './search-engine.js';
import { parseSearchRequest } from './search-request.js';
import { artifactNames, loadIndex } from './search-state.js';
import { turnsDuring } from '../../test/support/event-loop-turns.js';

/**
 * How the index catches up with the store on a serving thread: a refresh after a large import and
 * a save give the event loop turns between their parts, never overlap each other, and a save held
 * for an index another thread is building writes nothing.
 */
const config = parseSearchConfig({ semantic: { encoder: 'none' }, refreshSeconds: 0 });
const words = ['cotton', 'linen', 'wool', 'silk', 'denim', 'leather', 'canvas', 'suede'];
const kinds = ['shirt', 'dress', 'jacket', 'scarf', 'bag', 'shoe', 'hat', 'coat'];

function items(from: number, count: number): Item[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return {
      id: `item-${i}`,
      title: `${words[i % 8]} ${kinds[(i >> 3) % 8]} model${i} 红色 款${i % 97}`,
      description: `A ${words[(i >> 6) % 8]} piece number ${i}`,
      categoryPath: ['服装', kinds[(i >> 3) % 8]!],
      brand: `brand${i % 31}`,
      attributes: {},
      tags: [],
      available: true,
    };
  });
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function indexedStore(count: number, now?: () => number): Promise<SearchEngine> {
  store = await openStore('sqlite::memory:');
  await store.upsertItems(items(0, count));
  const engine = await SearchEngine.open(store, { config, ...(now ? { now } : {}) });
  await engine.build();
  return engine;
}

describe('search index refresh on a serving thread', () => {
  it('lets other work run between the slices of a refresh after a large import', async () => {
    const engine = await indexedStore(100);
    await store!.upsertItems(items(100, 5000));
    const { result: report, turns } = await turnsDuring(() => engine.refresh(true));
    expect(report.changed).toBe(5000);
    // Without the pauses the refresh runs to its end before the first of these turns.
    expect(turns).toBeGreaterThanOrEqual(2);
    expect((await engine.search(parseSearchRequest({ q: 'model5099' }))).hits[0]?.itemId).toBe('item-5099');
    await engine.close();
  });

  it('waits for a save under way, so the stored documents and lexical index are of one moment', async () => {
    store = await openStore('sqlite::memory:');
    await store.upsertItems(items(0, 200));
    const engine = await SearchEngine.open(store, { config });
    let refreshed: Promise<unknown> | undefined;
    // At the `save` phase the new state is in place and its save begins: a refresh started now
    // would change the documents between the parts the save writes.
    await engine.build((progress) => {
      if (progress.phase !== 'save' || refreshed) return;
      refreshed = store!.upsertItems(items(200, 50)).then(() => engine.refresh(true));
    });
    expect(await refreshed).toMatchObject({ changed: 50 });
    const stored = (await loadIndex(store, config))!;
    expect(stored.docs.size).toBe(200);
    expect(stored.lexical.index.documentCount).toBe(stored.docs.size);
    expect(engine.size).toBe(250);
    await engine.close();
    const reopened = (await loadIndex(store, config))!;
    expect([reopened.docs.size, reopened.lexical.index.documentCount]).toEqual([250, 250]);
  });

  it('writes nothing while saves are held, and saves on the first due refresh after release', async () => {
    let clock = 1_000_000;
    const engine = await indexedStore(50, () => clock);
    const savedAt = async () => {
      const { version, meta } = (await store!.loadArtifact(artifactNames.index))!;
      return { version, items: meta['items'] };
    };
    const before = await savedAt();
    const release = await engine.holdSaves();
    await store!.upsertItems(items(50, 10));
    clock += 11 * 60_000;
    expect((await engine.refresh(true)).changed).toBe(10);
    expect(await savedAt()).toEqual(before);
    release();
    await store!.upsertItems(items(60, 1));
    await engine.refresh(true);
    expect(await savedAt()).toEqual({ version: before.version + 1, items: 61 });
    await engine.close();
  });

  it('catches up the state a reload swapped in, not only the one a refresh under way began on', async () => {
    const engine = await indexedStore(100);
    await store!.upsertItems(items(100, 5000));
    const first = engine.refresh(true);
    // The stored index (the 100 items) swapped in while the first refresh works on the old state.
    expect(await engine.reload()).toBe(true);
    const second = await engine.refresh(true);
    await first;
    expect(second.changed).toBe(5000);
    expect(engine.size).toBe(5100);
    await engine.close();
  });

  it('after an item batch, reads only the items written since the newest write it holds', async () => {
    const engine = await indexedStore(300);
    const newest = await store!.latestItemUpdate();
    const everything = vi.spyOn(store!, 'scanItems');
    const since = vi.spyOn(store!, 'scanItemsUpdatedSince');
    const batch = await store!.beginBatch('test', 'item');
    await store!.upsertItems([{ ...items(5, 1)[0]!, title: 'renamed wool scarf' }]);
    await store!.finishBatch(batch, {});
    expect(await engine.refresh()).toMatchObject({ changed: 1, removed: 0 });
    expect(everything).not.toHaveBeenCalled();
    // Less a margin of five minutes for writes that commit late.
    expect(since.mock.calls.map((call) => call[0])).toEqual([newest - 5 * 60_000]);
    expect((await engine.search(parseSearchRequest({ q: 'renamed' }))).hits[0]?.itemId).toBe('item-5');
    // No new batch: nothing is read, not even the newest write time (a scan of the items).
    const newestRead = vi.spyOn(store!, 'latestItemUpdate');
    expect(await engine.refresh()).toMatchObject({ changed: 0 });
    expect(since).toHaveBeenCalledTimes(1);
    expect(newestRead).not.toHaveBeenCalled();
    // A forced refresh (a start) checks every item.
    await engine.refresh(true);
    expect(everything).toHaveBeenCalledTimes(1);
    await engine.close();
  });

  it('reads an item batch again while it is open, so writes after a refresh are not missed', async () => {
    const engine = await indexedStore(10);
    const since = vi.spyOn(store!, 'scanItemsUpdatedSince');
    const batch = await store!.beginBatch('test', 'item');
    await store!.upsertItems(items(10, 1));
    expect((await engine.refresh()).changed).toBe(1);
    // The same batch writes on after that refresh: no newer batch tells of it.
    await store!.upsertItems(items(11, 1));
    expect((await engine.refresh()).changed).toBe(1);
    await store!.finishBatch(batch, {});
    expect((await engine.refresh()).changed).toBe(0);
    expect(since).toHaveBeenCalledTimes(3);
    // Finished at the last look: no more reads.
    await engine.refresh();
    expect(since).toHaveBeenCalledTimes(3);
    expect(engine.size).toBe(12);
    await engine.close();
  });

  it('runs a retrain of the encoder in a turn of its own, so items changed meanwhile get new vectors', async () => {
    store = await openStore('sqlite::memory:');
    await store.upsertItems(items(0, 60));
    const trained = parseSearchConfig({
      semantic: { epochs: 1, dimensions: 16, threads: 1 },
      refreshSeconds: 0,
    });
    const engine = await SearchEngine.open(store, { config: trained });
    await engine.build();
    const order: string[] = [];
    const retrain = engine.retrainEncoder().then(() => order.push('retrain'));
    const renamed = { ...items(7, 1)[0]!, title: 'renamed velvet gown' };
    await store.upsertItems([renamed]);
    const refresh = engine.refresh(true).then((report) => {
      order.push('refresh');
      return report;
    });
    await Promise.all([retrain, refresh]);
    expect(order).toEqual(['retrain', 'refresh']);
    expect((await refresh).changed).toBe(1);
    const { docs, semantic } = engine.current;
    const doc = docs.docOf('item-7')!;
    expect(semantic!.isCurrent(doc, docs.fingerprint[doc]!)).toBe(true);
    await engine.close();
  });

  it('follows a refresh under way with another when asked to refresh soon', async () => {
    const engine = await indexedStore(100);
    await store!.upsertItems(items(100, 2000));
    const passes = vi.spyOn(engine as unknown as { doRefresh: () => Promise<unknown> }, 'doRefresh');
    const first = engine.refresh(true);
    // An item posted now may come after the first refresh looked at the store.
    engine.refreshSoon();
    engine.refreshSoon();
    await first;
    await vi.waitFor(() => expect(passes).toHaveBeenCalledTimes(2));
    await (passes.mock.results[1]!.value as Promise<unknown>);
    // Asked again: one more pass.
    engine.refreshSoon();
    await vi.waitFor(() => expect(passes).toHaveBeenCalledTimes(3));
    await (passes.mock.results[2]!.value as Promise<unknown>);
    await engine.close();
  });
});
