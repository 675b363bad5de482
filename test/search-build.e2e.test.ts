import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import type { SyncProgress } from '../src/search/index-sync.js';
import {
  closeSearchEngine,
  rebuildSearchIndex,
  searchEngineFor,
  searchEngineOpening,
} from '../src/search/engine-registry.js';
import { artifactNames, loadIndex } from '../src/search/search-state.js';
import { type SearchConfigInput, parseSearchConfig } from '../src/search/search-config.js';
import { SearchEngine } from '../src/search/search-engine.js';
import { parseSearchRequest } from '../src/search/search-request.js';
import { startServer } from '../src/server/app.js';
import { searchCatalogue } from './support/search-catalogue.js';
import { tempDir } from './support/temp.js';

/**
 * The first search index of a shop, built in a worker thread (a real one, with its own connection
 * to a real SQLite file) while the serving thread goes on, then loaded; cancelled when the engine
 * closes first; and reported by GET /search/status while it runs.
 */
const temp = tempDir('aisle-search-build-');
const opened: Aisle[] = [];
const small = { semantic: { epochs: 2, dimensions: 32, threads: 1 } } satisfies SearchConfigInput;

async function shop(name: string): Promise<Aisle> {
  const aisle = await openAisle(
    configSchema.parse({
      database: join(temp.dir, `${name}.db`),
      // Lag in this process is the rest of the suite's load: load shedding must not refuse these.
      server: { maxEventLoopDelayMs: 60_000, maxEventLoopUtilization: 1 },
    }),
  );
  opened.push(aisle);
  await aisle.store.upsertItems(searchCatalogue);
  return aisle;
}

let servers = 0;

/** A real server on the shop (search settings from AISLE_SEARCH_CONFIG, as in production) for `run`. */
async function withServer(
  aisle: Aisle,
  options: { prepareSearch?: boolean },
  run: (base: string) => Promise<void>,
): Promise<void> {
  process.env['AISLE_SEARCH_CONFIG'] = temp.file(`search-${++servers}.json`, JSON.stringify(small));
  const app = await startServer(aisle, options);
  try {
    await run(await app.listen({ host: '127.0.0.1', port: 0 }));
  } finally {
    delete process.env['AISLE_SEARCH_CONFIG'];
    await app.close();
  }
}

/** The hits of a lexical search on the server at `base`. */
async function lexicalSearch(base: string, q: string): Promise<{ hits: { itemId: string }[] }> {
  const response = await fetch(`${base}/search?mode=lexical&q=${encodeURIComponent(q)}`);
  return (await response.json()) as { hits: { itemId: string }[] };
}

afterEach(async () => {
  vi.restoreAllMocks();
  for (const aisle of opened.splice(0)) {
    await closeSearchEngine(aisle);
    await aisle.close();
  }
});

describe('first search index in a worker thread', () => {
  it('is built off the serving thread, stored, loaded and searched', async () => {
    const aisle = await shop('worker');
    const build = vi.spyOn(SearchEngine.prototype, 'build');
    const phases = new Set<string>();
    const engine = await searchEngineFor(aisle, {
      config: parseSearchConfig(small),
      onProgress: (progress) => phases.add(progress.phase),
    });
    // The worker reported its phases here; this thread never ran a build.
    expect([...phases]).toEqual(expect.arrayContaining(['index', 'train', 'embed', 'save']));
    expect(build).not.toHaveBeenCalled();
    expect(engine.ready).toBe(true);
    expect(engine.size).toBe(searchCatalogue.length);
    expect(engine.status()['semantic']).toMatch(/^trained/);
    expect(await aisle.store.loadArtifact(artifactNames.index)).toBeDefined();
    const { hits } = await engine.search(parseSearchRequest({ q: '红色纯棉T恤' }));
    expect(hits[0]?.itemId).toBe('tee-red');
    expect(searchEngineOpening(aisle)).toBeUndefined();
  });

  it('builds on the calling thread with buildInWorker off', async () => {
    const aisle = await shop('inline');
    const build = vi.spyOn(SearchEngine.prototype, 'build');
    const engine = await searchEngineFor(aisle, {
      config: parseSearchConfig({ ...small, buildInWorker: false }),
    });
    expect(build).toHaveBeenCalledTimes(1);
    expect(engine.size).toBe(searchCatalogue.length);
  });

  it('is cancelled before it stores anything when the engine closes first, and built again next time', async () => {
    const aisle = await shop('cancel');
    // A long training, so the build is still running when the cancel comes.
    const config = parseSearchConfig({ semantic: { epochs: 100, dimensions: 256, threads: 1 } });
    let reported!: () => void;
    const started = new Promise<void>((resolve) => (reported = resolve));
    const opening = searchEngineFor(aisle, { config, onProgress: () => reported() });
    await started;
    expect(searchEngineOpening(aisle)?.progress).toBeDefined();
    await closeSearchEngine(aisle);
    await expect(opening).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await aisle.store.loadArtifact(artifactNames.index)).toBeUndefined();
    const engine = await searchEngineFor(aisle, { config: parseSearchConfig(small) });
    expect(engine.size).toBe(searchCatalogue.length);
  });

  it('fails with the code and reason the worker gave, and the next call tries again', async () => {
    const aisle = await shop('failing');
    const previous = process.env['AISLE_MODEL_DIR'];
    process.env['AISLE_MODEL_DIR'] = join(temp.dir, 'no-such-model');
    try {
      await expect(
        searchEngineFor(aisle, { config: parseSearchConfig({ semantic: { encoder: 'onnx' } }) }),
      ).rejects.toMatchObject({
        // The worker's own code comes through (a configuration problem, not an internal error).
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/Building the search index failed: .*onnx but no model was found/),
      });
    } finally {
      if (previous === undefined) delete process.env['AISLE_MODEL_DIR'];
      else process.env['AISLE_MODEL_DIR'] = previous;
    }
    expect(searchEngineOpening(aisle)).toBeUndefined();
    const engine = await searchEngineFor(aisle, { config: parseSearchConfig(small) });
    expect(engine.ready).toBe(true);
  });
});

describe('POST /search/index on a serving process', () => {
  it('rebuilds in a worker thread and swaps the new index in, while searches go on over the old one', async () => {
    const aisle = await shop('rebuild');
    await withServer(aisle, {}, async (base) => {
      const search = (q: string) => lexicalSearch(base, q);
      expect((await search('红色纯棉T恤')).hits[0]?.itemId).toBe('tee-red');
      // Written past the API, so no refresh sees it: only a rebuild indexes it.
      await aisle.store.upsertItems([
        {
          id: 'kettle-new',
          title: '美的 电水壶 保温 1.7升',
          categoryPath: [],
          attributes: {},
          tags: [],
          available: true,
        },
      ]);
      const build = vi.spyOn(SearchEngine.prototype, 'build');
      const rebuilding = fetch(`${base}/search/index`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      // Served from the old index meanwhile.
      expect((await search('红色纯棉T恤')).hits[0]?.itemId).toBe('tee-red');
      const response = await rebuilding;
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ items: searchCatalogue.length + 1 });
      expect(build).not.toHaveBeenCalled();
      expect((await search('保温 电水壶')).hits.map((hit) => hit.itemId)).toContain('kettle-new');
      const status = (await (await fetch(`${base}/search/status`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ ready: true, items: searchCatalogue.length + 1 });
    });
  });
});

describe('items posted to a serving process', () => {
  it('are searchable without waiting for the next periodic refresh', async () => {
    const aisle = await shop('posted');
    await withServer(aisle, {}, async (base) => {
      const search = (q: string) => lexicalSearch(base, q);
      // Ready, and just refreshed: the periodic check would wait `refreshSeconds` (5) from here.
      expect((await search('红色纯棉T恤')).hits[0]?.itemId).toBe('tee-red');
      const refresh = vi.spyOn(SearchEngine.prototype, 'refresh');
      const posted = await fetch(`${base}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ id: 'kettle-posted', title: '美的 电水壶 保温 1.7升' }] }),
      });
      expect(await posted.json()).toMatchObject({ accepted: 1 });
      // The post started a refresh of its own; no search asked for it.
      await vi.waitFor(() => expect(refresh).toHaveBeenCalled());
      await Promise.all(refresh.mock.results.map((result) => result.value as Promise<unknown>));
      expect((await search('保温 电水壶')).hits.map((hit) => hit.itemId)).toContain('kettle-posted');
    });
  });
});

describe('the periodic save of a serving process', () => {
  it('is written by a worker thread, with the items and the searches recorded since the last save', async () => {
    const aisle = await shop('saved');
    await withServer(aisle, {}, async (base) => {
      expect((await lexicalSearch(base, '红色纯棉T恤')).hits[0]?.itemId).toBe('tee-red');
      const before = (await aisle.store.loadArtifact(artifactNames.index))!.version;
      // This thread's connection: the worker has its own.
      const saveArtifact = vi.spyOn(aisle.store, 'saveArtifact');
      const saveCaughtUp = vi.spyOn(SearchEngine.prototype, 'saveCaughtUp');
      // A search with a user is recorded into this engine's suggestions (and the query log).
      await fetch(`${base}/search?mode=lexical&userId=u-saver&q=${encodeURIComponent('保温杯 大容量')}`);
      await vi.waitFor(async () => {
        const response = await fetch(`${base}/search/suggest?q=${encodeURIComponent('保温杯')}`);
        const body = (await response.json()) as { suggestions: { text: string }[] };
        expect(body.suggestions.map((suggestion) => suggestion.text)).toContain('保温杯 大容量');
      });
      // The first change since the engine opened makes a save due at once.
      await fetch(`${base}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ id: 'kettle-saved', title: '美的 电水壶 保温 1.7升' }] }),
      });
      await vi.waitFor(
        async () =>
          expect((await aisle.store.loadArtifact(artifactNames.index))!.version).toBeGreaterThan(before),
        { timeout: 60_000, interval: 100 },
      );
      expect(saveArtifact.mock.calls.filter(([name]) => name.startsWith('search.'))).toEqual([]);
      expect(saveCaughtUp).not.toHaveBeenCalled();
      const saved = (await loadIndex(aisle.store, parseSearchConfig(small)))!;
      expect(saved.docs.docOf('kettle-saved')).toBeDefined();
      expect(saved.suggest.suggest('保温杯', 5).map((suggestion) => suggestion.text)).toContain(
        '保温杯 大容量',
      );
    });
  });
});

describe('POST /search/index {"retrain": true} on a serving process', () => {
  it('retrains the encoder in a worker thread and swaps the re-encoded index in', async () => {
    const aisle = await shop('retrain');
    await withServer(aisle, {}, async (base) => {
      const status = async () =>
        (await (await fetch(`${base}/search/status`)).json()) as { ready: boolean; semantic: string };
      // The first index builds on the first status call: wait until it is ready.
      let before = await status();
      for (let attempt = 0; attempt < 600 && !before.ready; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        before = await status();
      }
      expect(before.semantic).toMatch(/^trained/);
      const retrain = vi.spyOn(SearchEngine.prototype, 'retrainEncoder');
      const response = await fetch(`${base}/search/index`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ retrain: true }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { training: { sentences: number; warmStart: boolean } };
      expect(body.training).toMatchObject({ sentences: expect.any(Number), warmStart: true });
      expect(retrain).not.toHaveBeenCalled();
      const after = await status();
      expect(after.ready).toBe(true);
      expect(after.semantic).toMatch(/^trained/);
      expect(after.semantic).not.toBe(before.semantic);
      const search = await fetch(`${base}/search?mode=semantic&q=${encodeURIComponent('红色纯棉T恤')}`);
      expect(search.status).toBe(200);
    });
  });
});

describe('rebuilds and a close', () => {
  const closedOut = {
    code: 'CONFLICT',
    message: expect.stringMatching(/closed before this job could start/),
  };

  it('starts no job that was still waiting for the other job when the engine closed', async () => {
    const aisle = await shop('close-waiting');
    await searchEngineFor(aisle, { config: parseSearchConfig(small) });
    const jobs = vi.spyOn(SearchEngine.prototype, 'holdSaves');
    const retrain = rebuildSearchIndex(aisle, { retrain: true });
    await vi.waitFor(() => expect(jobs).toHaveBeenCalledTimes(1));
    // The other job waits for the retrain to end first.
    const rebuild = expect(rebuildSearchIndex(aisle)).rejects.toMatchObject(closedOut);
    // A turn of the event loop: the rebuild is past its opening check and waiting.
    await new Promise((resolve) => setImmediate(resolve));
    await closeSearchEngine(aisle);
    // The retrain was cancelled, or ended before the cancel reached it.
    await retrain.catch(() => undefined);
    await rebuild;
    expect(jobs).toHaveBeenCalledTimes(1);
  });

  it('runs no job, on a worker or here, that was asked for as the engine closed', async () => {
    const aisle = await shop('close-asked');
    await searchEngineFor(aisle, { config: parseSearchConfig(small) });
    const here = [
      vi.spyOn(SearchEngine.prototype, 'holdSaves'),
      vi.spyOn(SearchEngine.prototype, 'build'),
      vi.spyOn(SearchEngine.prototype, 'retrainEncoder'),
    ];
    const jobs = [rebuildSearchIndex(aisle, { retrain: true }), rebuildSearchIndex(aisle)].map((job) =>
      expect(job).rejects.toMatchObject(closedOut),
    );
    await closeSearchEngine(aisle);
    await Promise.all(jobs);
    for (const spy of here) expect(spy).not.toHaveBeenCalled();
  });
});

describe('GET /search/status while the first index builds', () => {
  it('answers at once with the progress, then the ready index; prepareSearch starts the build at listen', async () => {
    const aisle = await shop('server');
    await withServer(aisle, { prepareSearch: true }, async (base) => {
      // Started by the server itself, before any search.
      expect(searchEngineOpening(aisle)).toBeDefined();
      const seen: Record<string, unknown>[] = [];
      for (let attempt = 0; attempt < 600; attempt++) {
        const status = (await (await fetch(`${base}/search/status`)).json()) as Record<string, unknown>;
        seen.push(status);
        if (status['ready'] === true) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const building = seen.filter((status) => status['ready'] === false);
      expect(building.length).toBeGreaterThan(0);
      expect(
        building.some((status) => typeof (status['building'] as SyncProgress | null)?.phase === 'string'),
      ).toBe(true);
      expect(seen.at(-1)).toMatchObject({ ready: true, items: searchCatalogue.length });
      const search = await fetch(`${base}/search?q=${encodeURIComponent('红色纯棉T恤')}`);
      expect(((await search.json()) as { hits: { itemId: string }[] }).hits[0]?.itemId).toBe('tee-red');
    });
  });
});

afterAll(() => temp.cleanup());
