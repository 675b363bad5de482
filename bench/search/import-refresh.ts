import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSearchConfig } from '../../src/search/search-config.js';
import { parseSearchRequest } from '../../src/search/search-request.js';
import { SearchEngine } from '../../src/search/search-engine.js';
import { readAllItems } from '../../src/search/index-sync.js';
import type { Item } from '../../src/core/entities.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { percentileOf } from '../serve/open-loop.js';
import { watchStalls } from '../support/event-loop.js';
import { type CatalogueName, generateVariants, openCatalogue, requireDatasets } from './catalogues.js';
import { workerSave } from './worker-save.js';

/**
 * Searching while the index catches up with a large import. A real catalogue (default `instacart`,
 * 25,070 items with the Multi-CPR query log and Instacart's purchases) is imported into a SQLite
 * file and indexed once (both cached in the system temporary folder). Each run takes a fresh copy,
 * opens its index, adds `--items` new items (seeded variants of the catalogue's own), and refreshes
 * the index on this thread — what a serving process does at its next search after an import —
 * while an open-loop client searches every `--every` ms (titles' first words, in turn). The
 * refresh is the only other work, so its synchronous stretches are what the searches wait for.
 * One JSON line per run: the refresh's seconds, the longest stall of the event loop (a 2 ms
 * timer's largest gap), and latency percentiles (from each search's due time) of the searches
 * made meanwhile; then one line with the medians. Then, on fresh copies again, the refresh after a
 * batch of 10 renamed items (phase `small-batch`): reading only the items written lately, against a
 * forced refresh that reads every item; medians likewise. The refresh's save runs in a worker
 * thread (`--save worker`, what a serving process on a SQLite file or PostgreSQL does: searches go
 * on until it has stored the index) or on this thread (`--save inline`).
 *
 * Usage: node --import tsx bench/search/import-refresh.ts [--catalogue instacart|large]
 *   [--items 25000] [--every 10] [--runs 3] [--save worker|inline]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const catalogue = (argument('catalogue') ?? 'instacart') as CatalogueName;
const added = Number(argument('items') ?? 25_000);
const every = Number(argument('every') ?? 10);
const runs = Number(argument('runs') ?? 3);
const save = argument('save') ?? 'worker';
requireDatasets();

const cache = join(tmpdir(), 'aisle-bench');
mkdirSync(cache, { recursive: true });
const indexed = join(cache, `import-refresh-${catalogue}.db`);
if (!existsSync(indexed)) {
  const partial = `${indexed}.partial`;
  rmSync(partial, { force: true });
  const opened = await openCatalogue(catalogue, `sqlite:${partial}`);
  const engine = await SearchEngine.open(opened.store);
  await engine.ensureIndex();
  await engine.close();
  await opened.store.close();
  renameSync(partial, indexed);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
// No background refresh: the ones under test are started by hand.
const config = parseSearchConfig({ refreshSeconds: 0 });

/** A fresh copy of the indexed catalogue for one run, with its items; removed by `done`. */
const file = join(cache, `import-refresh-run.db`);
const database = `sqlite:${file}`;

async function freshCopy(): Promise<{ store: Store; items: Item[]; done: () => Promise<void> }> {
  rmSync(file, { force: true });
  copyFileSync(indexed, file);
  const store = await openStore(database);
  const items = await readAllItems(store);
  return {
    store,
    items,
    async done() {
      await store.close();
      rmSync(file, { force: true });
    },
  };
}

/** The large import: `added` new items, refreshed while the client searches every `every` ms. */
async function largeImport(run: number) {
  const { store, items, done } = await freshCopy();
  const queries = items.slice(0, 200).map((item) => item.title.split(' ')[0]!);
  const saver = workerSave(database, config);
  const engine = await SearchEngine.open(store, {
    config,
    ...(save === 'worker' ? { saveInBackground: saver.saveInBackground } : {}),
  });
  const variants = generateVariants(items, items.length + added, 11 + run).map((item, n) => ({
    ...item,
    id: `import-${run}-${n}`,
  }));
  await store.upsertItems(variants);

  const stalls = watchStalls();
  const latencies: number[] = [];
  let stop = false;
  const client = (async () => {
    for (let n = 0, due = performance.now(); !stop; n++, due += every) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await engine.search(parseSearchRequest({ q: queries[n % queries.length]!, pageSize: 10 }));
      latencies.push(performance.now() - due);
    }
  })();
  const started = performance.now();
  const report = await engine.refresh(true);
  const seconds = (performance.now() - started) / 1000;
  // In a worker thread, the save goes on after the refresh: searches go on until it has ended.
  await saver.pending();
  const saveSeconds = save === 'worker' ? saver.seconds() : 0;
  // A refresh that never yields blocks the timer from before its first tick to here: stop() counts it.
  const stall = stalls.stop();
  stop = true;
  await client;
  const sorted = Float64Array.from(latencies).sort();
  const result = {
    seconds,
    saveSeconds,
    stallMs: stall,
    searches: latencies.length,
    p50: percentileOf(sorted, 50),
    p99: percentileOf(sorted, 99),
    max: percentileOf(sorted, 100),
  };
  console.log(
    JSON.stringify({ bench: 'import-refresh', catalogue, save, run, added: report.changed, ...result }),
  );
  await engine.close();
  await done();
  return result;
}

/**
 * Batches of 10 renamed items (as API updates come): the refresh after one reads the items written
 * since the index's newest write (less 5 minutes), against a forced one that reads every item. A
 * forced refresh first records that newest write in an index cached before it was kept, and a
 * first small batch moves it past the catalogue's own import.
 */
async function smallBatches(run: number) {
  const { store, items, done } = await freshCopy();
  const engine = await SearchEngine.open(store, { config });
  await engine.refresh(true);
  const renameTen = async (round: number): Promise<void> => {
    const batch = await store.beginBatch('bench', 'item');
    await store.upsertItems(
      items.slice(round * 10, round * 10 + 10).map((item) => ({ ...item, title: `${item.title} r${run}` })),
    );
    await store.finishBatch(batch, {});
  };
  await renameTen(1);
  await engine.refresh();
  await renameTen(2);
  let started = performance.now();
  const { changed } = await engine.refresh();
  const partialMs = performance.now() - started;
  await renameTen(3);
  started = performance.now();
  await engine.refresh(true);
  const fullMs = performance.now() - started;
  console.log(
    JSON.stringify({
      bench: 'import-refresh',
      phase: 'small-batch',
      catalogue,
      run,
      changed,
      partialMs,
      fullMs,
    }),
  );
  await engine.close();
  await done();
  return { partialMs, fullMs };
}

const results: Awaited<ReturnType<typeof largeImport>>[] = [];
for (let run = 0; run < runs; run++) results.push(await largeImport(run));
const pick = (key: keyof (typeof results)[number]) => median(results.map((result) => result[key]));
console.log(
  JSON.stringify({
    bench: 'import-refresh',
    catalogue,
    save,
    summary: `median of ${runs}`,
    added,
    seconds: pick('seconds'),
    saveSeconds: pick('saveSeconds'),
    stallMs: pick('stallMs'),
    searches: pick('searches'),
    p50: pick('p50'),
    p99: pick('p99'),
    max: pick('max'),
  }),
);
const small: Awaited<ReturnType<typeof smallBatches>>[] = [];
for (let run = 0; run < runs; run++) small.push(await smallBatches(run));
console.log(
  JSON.stringify({
    bench: 'import-refresh',
    phase: 'small-batch',
    catalogue,
    summary: `median of ${runs}`,
    partialMs: median(small.map((run) => run.partialMs)),
    fullMs: median(small.map((run) => run.fullMs)),
  }),
);
