import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSearchConfig } from '../../src/search/search-config.js';
import { parseSearchRequest } from '../../src/search/search-request.js';
import { SearchEngine } from '../../src/search/search-engine.js';
import { readAllItems } from '../../src/search/index-sync.js';
import { openStore } from '../../src/store/open-store.js';
import { percentileOf } from '../serve/open-loop.js';
import { type CatalogueName, generateVariants, openCatalogue, requireDatasets } from './catalogues.js';

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
 * made meanwhile; then one line with the medians.
 *
 * Usage: node --import tsx bench/search/import-refresh.ts [--catalogue instacart|large]
 *   [--items 25000] [--every 10] [--runs 3]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const catalogue = (argument('catalogue') ?? 'instacart') as CatalogueName;
const added = Number(argument('items') ?? 25_000);
const every = Number(argument('every') ?? 10);
const runs = Number(argument('runs') ?? 3);
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
const results: {
  seconds: number;
  stallMs: number;
  searches: number;
  p50: number;
  p99: number;
  max: number;
}[] = [];
for (let run = 0; run < runs; run++) {
  const file = join(cache, `import-refresh-run.db`);
  rmSync(file, { force: true });
  copyFileSync(indexed, file);
  const store = await openStore(`sqlite:${file}`);
  // No background refresh: the one under test is started by hand.
  const engine = await SearchEngine.open(store, { config: parseSearchConfig({ refreshSeconds: 0 }) });
  const items = await readAllItems(store);
  const queries = items.slice(0, 200).map((item) => item.title.split(' ')[0]!);
  const variants = generateVariants(items, items.length + added, 11 + run).map((item, n) => ({
    ...item,
    id: `import-${run}-${n}`,
  }));
  await store.upsertItems(variants);

  let stall = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - lastTick);
    lastTick = now;
  }, 2);
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
  // A refresh that never yields blocks the timer from before its first tick to here.
  stall = Math.max(stall, performance.now() - lastTick);
  stop = true;
  await client;
  clearInterval(ticker);
  const sorted = Float64Array.from(latencies).sort();
  const result = {
    seconds,
    stallMs: stall,
    searches: latencies.length,
    p50: percentileOf(sorted, 50),
    p99: percentileOf(sorted, 99),
    max: percentileOf(sorted, 100),
  };
  results.push(result);
  console.log(
    JSON.stringify({
      bench: 'import-refresh',
      catalogue,
      run,
      added: report.changed,
      ...result,
    }),
  );
  await engine.close();
  await store.close();
  rmSync(file, { force: true });
}
const pick = (key: keyof (typeof results)[number]) => median(results.map((result) => result[key]));
console.log(
  JSON.stringify({
    bench: 'import-refresh',
    catalogue,
    summary: `median of ${runs}`,
    added,
    seconds: pick('seconds'),
    stallMs: pick('stallMs'),
    searches: pick('searches'),
    p50: pick('p50'),
    p99: pick('p99'),
    max: pick('max'),
  }),
);
