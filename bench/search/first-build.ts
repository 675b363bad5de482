import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenLoopResult, openLoop, percentileOf, waitForHealth } from '../serve/open-loop.js';
import { type CatalogueName, datasetsDir, openCatalogue, requireDatasets } from './catalogues.js';

/**
 * Serving while a shop's first search index builds. A real catalogue (default `large`: the Taobao
 * titles, both Instacart copies and generated variants, 100,000 items, with the Multi-CPR query log
 * and Instacart's purchases) is imported into a SQLite file once (cached in the system temporary
 * folder); then for each mode a fresh copy is
 * served by the built CLI (`aisle serve`, which prepares the search index at start) while an
 * open-loop client sends `--rate` recommendation requests per second (home feeds and popular lists)
 * until `GET /search/status` says ready, and one window more:
 *   - `inline`: `buildInWorker = false`, the index built on the serving thread (Aisle before it
 *     built in a worker thread);
 *   - `worker`: the default, built in a worker thread and loaded when done.
 * One JSON line per mode: seconds until search was ready, requests sent, statuses (503 = shed),
 * and latency percentiles (from each request's due time) of the requests answered meanwhile.
 * An item-kNN model is trained once with the catalogue and no retraining runs while serving
 * (`serving.trainIfMissing = false`), so the index build is the only background work.
 *
 * Usage (after `npm run build`):
 *   node --import tsx bench/search/first-build.ts [--catalogue large|taobao|instacart] [--rate 50]
 *     [--modes inline,worker]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const catalogue = (argument('catalogue') ?? 'large') as CatalogueName;
const rate = Number(argument('rate') ?? 50);
const modes = (argument('modes') ?? 'inline,worker').split(',');
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error('Run `npm run build` first: the bench starts the built server');
requireDatasets();

const cache = join(tmpdir(), 'aisle-bench');
mkdirSync(cache, { recursive: true });
const prepared = join(cache, `first-build-${catalogue}.db`);
const usersFile = `${prepared}.users.json`;
if (!existsSync(prepared) || !existsSync(usersFile)) {
  const started = performance.now();
  const partial = `${prepared}.partial`;
  rmSync(partial, { force: true });
  const opened = await openCatalogue(catalogue, partial);
  // Users to ask for: the first 5,000 with purchases (Instacart's order lines).
  const users = new Set<string>();
  for await (const batch of opened.store.scanEvents({ batchSize: 50_000 })) {
    for (const event of batch) if (users.size < 5000) users.add(event.userId);
    if (users.size >= 5000) break;
  }
  await opened.store.close();
  if (users.size === 0)
    throw new Error(`--catalogue ${catalogue} has no events to serve; use large or instacart`);
  // A stored model, so home feeds are personalised from the first request.
  execFileSync(process.execPath, [cli, 'train', '--db', partial, '--model', 'itemknn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  copyFileSync(partial, prepared);
  rmSync(partial, { force: true });
  writeFileSync(usersFile, JSON.stringify([...users]));
  process.stderr.write(
    `prepared ${catalogue} (${opened.items.length} items, itemknn) from ${datasetsDir} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}
const users = JSON.parse(readFileSync(usersFile, 'utf8')) as string[];

const dir = mkdtempSync(join(tmpdir(), 'aisle-first-build-'));
writeFileSync(join(dir, 'aisle.toml'), '[serving]\ntrainIfMissing = false\n');

async function runMode(mode: string): Promise<void> {
  const db = join(dir, `${mode}.db`);
  copyFileSync(prepared, db);
  const searchConfig = join(dir, `${mode}.search.json`);
  writeFileSync(searchConfig, JSON.stringify({ buildInWorker: mode === 'worker' }));
  const port = 20_000 + Math.floor(Math.random() * 2000);
  const server: ChildProcess = spawn(
    process.execPath,
    [cli, 'serve', '--db', db, '--port', String(port), '--no-log', '--config-file', join(dir, 'aisle.toml')],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, AISLE_SEARCH_CONFIG: searchConfig } },
  );
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  await waitForHealth(base, 50);
  const listening = (performance.now() - started) / 1000;
  let readyAt: number | undefined;
  const poll = (async () => {
    while (readyAt === undefined) {
      try {
        const status = (await (await fetch(`${base}/search/status`)).json()) as { ready?: boolean };
        if (status.ready === true) readyAt = (performance.now() - started) / 1000;
      } catch {
        // Shed or refused: ask again.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  let counter = 0;
  const nextPath = (): string => {
    const n = counter++;
    return n % 4 === 3
      ? '/popular?k=10'
      : `/recommend/${encodeURIComponent(users[(n * 7919) % users.length]!)}?k=10`;
  };
  const windows: OpenLoopResult[] = [];
  // Windows of 2 s until the index is ready, then one more (serving after the swap counts too).
  for (let after = 0; after < 2;) {
    if (readyAt !== undefined) after++;
    windows.push(await openLoop({ base, rate, seconds: 2, connections: 32, nextPath, timeoutMs: 30_000 }));
    if (windows.length > 300) throw new Error('the search index was not ready within 10 minutes');
  }
  await poll;
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  const latencies = Float64Array.from(windows.flatMap((window) => [...window.latencies])).sort();
  const statuses: Record<string, number> = {};
  for (const window of windows)
    for (const [code, count] of Object.entries(window.statuses))
      statuses[code] = (statuses[code] ?? 0) + count;
  const line = {
    bench: 'search-first-build',
    catalogue,
    mode,
    rate,
    listeningSeconds: Number(listening.toFixed(2)),
    searchReadySeconds: Number((readyAt ?? Number.NaN).toFixed(2)),
    sent: windows.reduce((sum, window) => sum + window.sent, 0),
    statuses,
    errors: windows.reduce((sum, window) => sum + window.errors, 0),
    timeouts: windows.reduce((sum, window) => sum + window.timeouts, 0),
    latencyMs: {
      p50: Number(percentileOf(latencies, 50).toFixed(2)),
      p90: Number(percentileOf(latencies, 90).toFixed(2)),
      p99: Number(percentileOf(latencies, 99).toFixed(2)),
      max: Number(percentileOf(latencies, 100).toFixed(2)),
    },
    // Per 2-s window: requests not answered 2xx, and the slowest answered (ms).
    timeline: windows.map((window) => [
      window.sent - window.latencies.length,
      Math.round(percentileOf(window.latencies, 100)),
    ]),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

try {
  for (const mode of modes) await runMode(mode);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
