import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAllItems } from '../../src/search/index-sync.js';
import { parseSearchConfig } from '../../src/search/search-config.js';
import { SearchEngine } from '../../src/search/search-engine.js';
import { openStore } from '../../src/store/open-store.js';
import { startHttpClient, watchStalls } from '../support/event-loop.js';
import { generateVariants } from './catalogues.js';
import { workerSave } from './worker-save.js';

/**
 * The refresh of bench/search/import-refresh.ts (25,000 items added, a forced refresh that ends with
 * the first save) with an HTTP client instead of in-process searches: a Node `http` server answering
 * "ok" on the same thread as the refresh, and bench/serve/http-parts.ts's client in another process
 * sending 100 requests/s (latency from each request's due time). The save runs on this thread
 * (`inline`, as a store no second connection can open does) or in a worker thread (`worker`, what
 * a serving process on a SQLite file or PostgreSQL does), each on a fresh copy of the catalogue.
 * One JSON line per mode: the refresh's time, the save's (the worker's, from its start to the
 * stored index), the longest stall of the event loop and the longest waits of a request, both
 * over the refresh and the save. Needs the indexed catalogue that import-refresh.ts caches (run it
 * once first).
 *
 * Usage: node --import tsx bench/search/import-refresh-http.ts [--catalogue instacart|large]
 *   [--save inline|worker|both] [--for 40]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const catalogue = argument('catalogue') ?? 'instacart';
const duration = Number(argument('for') ?? (catalogue === 'large' ? '40' : '20'));
const saveModes = (argument('save') ?? 'both') === 'both' ? ['inline', 'worker'] : [argument('save')!];
const indexed = join(tmpdir(), 'aisle-bench', `import-refresh-${catalogue}.db`);
if (!existsSync(indexed))
  throw new Error(`Run bench/search/import-refresh.ts --catalogue ${catalogue} first`);

const config = parseSearchConfig({ refreshSeconds: 0 });

async function run(save: string): Promise<void> {
  const file = join(tmpdir(), 'aisle-bench', 'import-refresh-http.db');
  rmSync(file, { force: true });
  copyFileSync(indexed, file);
  const database = `sqlite:${file}`;
  const store = await openStore(database);
  const saver = workerSave(database, config);
  const engine = await SearchEngine.open(store, {
    config,
    ...(save === 'worker' ? { saveInBackground: saver.saveInBackground } : {}),
  });
  const items = await readAllItems(store);
  await store.upsertItems(
    generateVariants(items, items.length + 25_000, 11).map((item, n) => ({ ...item, id: `import-${n}` })),
  );

  const server = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = startHttpClient(`http://127.0.0.1:${port}/`, 100, duration);
  const stalls = watchStalls();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const started = performance.now();
  const report = await engine.refresh(true);
  const seconds = (performance.now() - started) / 1000;
  await saver.pending();
  // Inline, the refresh ended with the save.
  const saveSeconds = save === 'worker' ? saver.seconds() : seconds;
  const savedAfter = (performance.now() - started) / 1000;
  const stall = stalls.stop();
  const result = await client.done;
  server.close();
  console.log(
    JSON.stringify({
      bench: 'import-refresh-http',
      catalogue,
      save,
      added: report.changed,
      seconds,
      saveSeconds,
      savedAfterSeconds: savedAfter,
      clientSeconds: duration,
      stallMs: Math.round(stall),
      requests: result.requests,
      longestWaitMs: result.longestMs.map(Math.round),
      // Where the event loop stalled 50 ms or more: seconds from the refresh's start, and ms.
      stallsOver50Ms: stalls.gaps.map(([end, ms]) => [
        Number(((end - ms - started) / 1000).toFixed(2)),
        Math.round(ms),
      ]),
    }),
  );
  if (savedAfter + 1 > duration) console.error(`The save ended after the client stopped: raise --for`);
  await engine.close();
  await store.close();
  rmSync(file, { force: true });
}

for (const save of saveModes) await run(save);
