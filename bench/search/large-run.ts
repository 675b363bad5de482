/**
 * One system on the 100,000-item catalogue, in a process of its own so its memory is its own:
 * indexes the catalogue (timed), then answers every query text given (timed one by one), and prints
 * one JSON line. Run by `bench/search/run.ts`; by hand:
 *
 *   node --expose-gc --import tsx bench/search/large-run.ts --system aisle-lexical --db <large.db> --queries <file>
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Item } from '../../src/core/entities.js';
import { SearchEngine } from '../../src/search/search-engine.js';
import { parseSearchConfig } from '../../src/search/search-config.js';
import { parseSearchRequest } from '../../src/search/search-request.js';
import { openStore } from '../../src/store/open-store.js';
import { timeQueries } from './evaluate.js';
import { createFts5Peer, createMiniSearchPeer, createOramaPeer } from './peers.js';

const { values } = parseArgs({
  options: { system: { type: 'string' }, db: { type: 'string' }, queries: { type: 'string' } },
});
const system = values.system ?? '';
const store = await openStore(values.db ?? '');
const texts = JSON.parse(readFileSync(values.queries ?? '', 'utf8')) as string[];
const items: Item[] = [];
for await (const batch of store.scanItems(10_000)) items.push(...batch);

const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external + usage.arrayBuffers };
};
const before = memory();
const started = performance.now();
let retrieve: (query: string) => Promise<string[]>;
let detail: Record<string, unknown> = {};
if (system.startsWith('aisle-')) {
  const mode = system.slice('aisle-'.length) as 'lexical' | 'hybrid' | 'semantic';
  const config = parseSearchConfig({
    semantic: { encoder: mode === 'lexical' ? 'none' : 'trained' },
    refreshSeconds: 0,
  });
  const engine = await SearchEngine.open(store, { config });
  // A fresh build every run: the stored encoder is reused (trained once by run.ts), the lexical index
  // and the item vectors are computed again.
  const report = await engine.build();
  detail = {
    lexicalSeconds: report.lexicalSeconds,
    embedSeconds: report.embedSeconds,
    vectors: engine.status()['vectors'],
  };
  retrieve = async (query) =>
    (await engine.search(parseSearchRequest({ q: query, mode, pageSize: 10 }))).hits.map((hit) => hit.itemId);
} else {
  const factories: Record<string, () => ReturnType<typeof createOramaPeer>> = {
    orama: createOramaPeer,
    minisearch: createMiniSearchPeer,
    'sqlite-fts5': createFts5Peer,
  };
  const peer = factories[system]?.();
  if (!peer) throw new Error(`unknown system ${system}`);
  await peer.index(items);
  retrieve = (query) => peer.search(query, 10);
}
const indexSeconds = (performance.now() - started) / 1000;
const after = memory();
const latency = await timeQueries(retrieve, texts);
process.stdout.write(
  `${JSON.stringify({
    system,
    items: items.length,
    indexSeconds: Math.round(indexSeconds * 100) / 100,
    memoryMb: Math.round((after.heap - before.heap) / 1e5) / 10,
    rssMb: Math.round(after.rss / 1e5) / 10,
    ...latency,
    ...detail,
  })}\n`,
);
await store.close();
