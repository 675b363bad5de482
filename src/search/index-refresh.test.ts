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

describe('the periodic save in another thread', () => {
  /** An engine whose saves go to a stand-in for the worker thread, which ends each when told. */
  async function savedElsewhere() {
    let clock = 1_000_000;
    const sent: string[][] = [];
    const finish: (() => void)[] = [];
    store = await openStore('sqlite::memory:');
    await store.upsertItems(items(0, 100));
    const engine = await SearchEngine.open(store, {
      config,
      now: () => clock,
      saveInBackground: (recordedQueries) => {
        sent.push([...recordedQueries]);
        return new Promise<void>((resolve) => finish.push(resolve));
      },
    });
    // Recorded before a save here, so in it: never sent to the other thread.
    await engine.recordSearch('silk tie', undefined, 0);
    // Built here, so saved here: the clock starts from this save.
    await engine.build();
    const later = () => (clock += 11 * 60_000);
    return { engine, sent, finish, later };
  }
  const indexWrites = (calls: unknown[][]) => calls.filter(([name]) => String(name).startsWith('search.'));

  it('hands a due save to the other thread with the searches recorded since the last save, writing nothing here', async () => {
    const { engine, sent, finish, later } = await savedElsewhere();
    await engine.recordSearch('linen scarf', undefined, 1);
    const saveArtifact = vi.spyOn(store!, 'saveArtifact');
    await store!.upsertItems(items(100, 1));
    later();
    await engine.refresh(true);
    expect(sent).toEqual([['linen scarf']]);
    // Not asked again while it runs, however due.
    await engine.recordSearch('wool coat', undefined, 2);
    await store!.upsertItems(items(101, 1));
    later();
    await engine.refresh(true);
    expect(sent).toHaveLength(1);
    finish[0]!();
    await vi.waitFor(() =>
      expect((engine as unknown as { backgroundSave: unknown }).backgroundSave).toBeUndefined(),
    );
    // The change seen while it ran may have come after it read the store: still unsaved, and the
    // next save sends only the search recorded after the first one was sent.
    later();
    await engine.refresh(true);
    expect(sent).toEqual([['linen scarf'], ['wool coat']]);
    // A close waits for it: its own last save must be the newer of the two.
    let closed = false;
    const closing = engine.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    finish[1]!();
    await closing;
    expect(indexWrites(saveArtifact.mock.calls)).toEqual([]);
  });

  it('is waited for by a hold (a rebuild) and by a close, which then saves what came meanwhile here', async () => {
    const { engine, finish, later } = await savedElsewhere();
    await store!.upsertItems(items(100, 1));
    later();
    await engine.refresh(true);
    let held = false;
    const hold = engine.holdSaves().then((release) => {
      held = true;
      return release;
    });
    await store!.upsertItems(items(101, 1));
    await engine.refresh(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held).toBe(false);
    finish[0]!();
    (await hold)();
    const saveArtifact = vi.spyOn(store!, 'saveArtifact');
    await engine.close();
    expect(indexWrites(saveArtifact.mock.calls).length).toBeGreaterThan(0);
    expect((await loadIndex(store!, config))!.docs.size).toBe(102);
  });

  it('adds the searches recorded since the last save to an index another thread stored, unless built from the query log', async () => {
    const engine = await indexedStore(100);
    await engine.recordSearch('velvet hat', undefined, 1);
    const suggested = () => engine.suggest('velvet', 5).map((suggestion) => suggestion.text);
    // A retrain's index: the suggestions of the last save, which came before the search.
    expect(await engine.reload()).toBe(true);
    expect(suggested()).toContain('velvet hat');
    await engine.close();
    expect((await loadIndex(store!, config))!.suggest.suggest('velvet', 5).map((s) => s.text)).toContain(
      'velvet hat',
    );
    // A rebuild's: built from the query log, which holds the search already.
    const rebuilt = await SearchEngine.open(store!, { config });
    await rebuilt.recordSearch('velvet hat', undefined, 2);
    expect(await rebuilt.reload({ suggestionsFromStore: true })).toBe(true);
    expect((rebuilt as unknown as { recordedQueries: string[] }).recordedQueries).toEqual([]);
    await rebuilt.close();
  });

  it('catches the stored index up, with the searches another engine recorded, when it is the other thread', async () => {
    const serving = await indexedStore(100);
    await store!.upsertItems(items(100, 5));
    const saver = await SearchEngine.open(store!, { config });
    const report = await saver.saveCaughtUp(['silk dress red']);
    expect(report.changed).toBe(5);
    await saver.close();
    const stored = (await loadIndex(store!, config))!;
    expect(stored.docs.size).toBe(105);
    expect(stored.suggest.suggest('silk dr', 5).map((suggestion) => suggestion.text)).toContain(
      'silk dress red',
    );
    // Nothing changed and no searches: nothing written.
    const again = await SearchEngine.open(store!, { config });
    const saveArtifact = vi.spyOn(store!, 'saveArtifact');
    await again.saveCaughtUp([]);
    expect(saveArtifact).not.toHaveBeenCalled();
    await again.close();
    await serving.close();
  });
});
