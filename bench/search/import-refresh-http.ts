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

/**
 * The refresh of bench/search/import-refresh.ts (25,000 items added, a forced refresh that ends with
 * the first save) with an HTTP client instead of in-process searches: a Node `http` server answering
 * "ok" on the same thread as the refresh, and bench/serve/http-parts.ts's client in another process
 * sending 100 requests/s (latency from each request's due time). One JSON line: the refresh's time,
 * the longest stall of the event loop and the longest waits of a request. Needs the indexed
 * catalogue that import-refresh.ts caches (run it once first).
 *
 * Usage: node --import tsx bench/search/import-refresh-http.ts [--catalogue instacart|large] [--for 20]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const catalogue = argument('catalogue') ?? 'instacart';
const duration = argument('for') ?? (catalogue === 'large' ? '20' : '8');
const indexed = join(tmpdir(), 'aisle-bench', `import-refresh-${catalogue}.db`);
if (!existsSync(indexed))
  throw new Error(`Run bench/search/import-refresh.ts --catalogue ${catalogue} first`);

const file = join(tmpdir(), 'aisle-bench', 'import-refresh-http.db');
rmSync(file, { force: true });
copyFileSync(indexed, file);
const store = await openStore(`sqlite:${file}`);
const engine = await SearchEngine.open(store, { config: parseSearchConfig({ refreshSeconds: 0 }) });
const items = await readAllItems(store);
await store.upsertItems(
  generateVariants(items, items.length + 25_000, 11).map((item, n) => ({ ...item, id: `import-${n}` })),
);

const server = createServer((_request, response) => response.end('ok'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const client = startHttpClient(`http://127.0.0.1:${port}/`, 100, Number(duration));
const stalls = watchStalls();
await new Promise((resolve) => setTimeout(resolve, 1000));
const started = performance.now();
const report = await engine.refresh(true);
const seconds = (performance.now() - started) / 1000;
const result = await client.done;
const stall = stalls.stop();
server.close();
console.log(
  JSON.stringify({
    bench: 'import-refresh-http',
    catalogue,
    added: report.changed,
    seconds,
    stallMs: Math.round(stall),
    requests: result.requests,
    longestWaitMs: result.longestMs.map(Math.round),
  }),
);
await engine.close();
await store.close();
rmSync(file, { force: true });
