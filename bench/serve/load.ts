import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { LARGE_CATALOGUE_SERVING, ML1M_SERVING, type ServingShape, writeServingEvents } from './load-data.js';
import { type OpenLoopResult, openLoop, percentileOf, waitForHealth } from './open-loop.js';

/**
 * Serving under load, with the server in its own process(es) (the built CLI, as deployed) and the
 * load generator in this one:
 *   1. steady: an even, open-loop rate (default 500/s; bench/serve/open-loop.ts) of home feeds
 *      with explanations, similar items and popular lists for `--seconds` — latency from each
 *      request's due time (no coordinated omission), statuses, errors;
 *   2. saturation: autocannon, closed loop, 64 connections as fast as they go — throughput;
 *   3. overload: twice the saturation rate, open loop — what is answered, refused (503 + Retry-After
 *      by load shedding) or failed;
 *   4. recovery: the steady rate again right after.
 * One JSON line per phase on stdout.
 *
 * Data: ML-100K (default, `--data <dir>`), or a generated shop: `--shape ml1m` (6,040 users, 3,706
 * items, 1 M events) or `--shape catalogue-200k` (2 M users, 200,000 items, 8 M events; cached in
 * the system temporary folder).
 *
 * Usage (after `npm run build`):
 *   node --import tsx bench/serve/load.ts [--data <dir> | --shape ml1m|catalogue-200k]
 *     [--model blend] [--config '<json>'] [--workers 2] [--seconds 60] [--rate 500] [--db <path>]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const shapeName = argument('shape');
const shapes: Record<string, ServingShape> = {
  ml1m: ML1M_SERVING,
  'catalogue-200k': LARGE_CATALOGUE_SERVING,
};
const shape = shapeName ? shapes[shapeName] : undefined;
if (shapeName && !shape) throw new Error(`--shape must be one of ${Object.keys(shapes).join(', ')}`);
const data = argument('data') ?? join(process.cwd(), '..', 'shared', 'datasets', 'ml-100k');
const seconds = Number(argument('seconds') ?? 60);
const rate = Number(argument('rate') ?? 500);
const model = argument('model') ?? 'ease';
const modelConfig = argument('config');
const workers = Number(argument('workers') ?? 2);
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error('Run `npm run build` first: the bench starts the built server');
if (!shape && !existsSync(data)) {
  process.stderr.write(`SKIP: ${data} not found\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'aisle-load-'));
// --db <path>: a database prepared by an earlier run is served as it is (import and training skipped).
const keptDb = argument('db');
const reuse = keptDb !== undefined && existsSync(keptDb);
const db = keptDb ?? join(dir, 'load.db');
const run = (...args: string[]) =>
  execFileSync(process.execPath, [cli, ...args, '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
let users: number;
let items: number;
let userId: (n: number) => string;
let itemId: (n: number) => string;
const setupStarted = performance.now();
if (shape) {
  users = shape.users;
  items = shape.items;
  userId = (n) => `u${n}`;
  itemId = (n) => `i${n}`;
} else {
  // MovieLens ids: users 1–943, items 1–1682.
  users = Number(argument('users') ?? 943);
  items = Number(argument('items') ?? 1682);
  userId = (n) => String(n + 1);
  itemId = (n) => String(n + 1);
}
if (reuse) {
  // Served as prepared.
} else if (shape) {
  const cache = join(tmpdir(), 'aisle-bench');
  mkdirSync(cache, { recursive: true });
  const csv = join(cache, `serving-${shape.name}.csv`);
  if (!existsSync(csv)) await writeServingEvents(csv, shape);
  run('import', 'events', csv, '--no-progress');
} else {
  run('import', 'movielens', data, '--no-progress');
}
if (!reuse) run('train', '--model', model, ...(modelConfig ? ['--config', modelConfig] : []));
const setupSeconds = (performance.now() - setupStarted) / 1000;

const port = 18_000 + Math.floor(Math.random() * 2000);
const server: ChildProcess = spawn(
  process.execPath,
  [cli, 'serve', '--db', db, '--port', String(port), '--no-log', '--workers', String(workers)],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const base = `http://127.0.0.1:${port}`;
await waitForHealth(base, 100);
// Every worker listens once each has answered once (the cluster spreads new connections).
await openLoop({ base, rate: 50, seconds: 2, connections: 8, nextPath: () => '/health' });

let counter = 0;
const nextPath = (): string => {
  const n = counter++;
  const pick = (count: number) => (n * 7919) % count;
  if (n % 10 < 7) return `/recommend/${userId(pick(users))}?k=10`;
  if (n % 10 < 9) return `/items/${itemId(pick(items))}/similar?k=10`;
  return '/popular?k=10';
};

function report(phase: string, result: OpenLoopResult, targetRate: number): number {
  const answered = result.latencies.length;
  const line = {
    phase,
    data: shape?.name ?? 'ml-100k',
    model,
    workers,
    targetRate,
    seconds: Number(result.seconds.toFixed(1)),
    sent: result.sent,
    answered2xx: answered,
    throughput: Number((answered / result.seconds).toFixed(1)),
    latencyMs: {
      p50: Number(percentileOf(result.latencies, 50).toFixed(2)),
      p90: Number(percentileOf(result.latencies, 90).toFixed(2)),
      p99: Number(percentileOf(result.latencies, 99).toFixed(2)),
      max: Number(percentileOf(result.latencies, 100).toFixed(2)),
    },
    statuses: result.statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line.throughput;
}

try {
  process.stdout.write(
    `${JSON.stringify({ setup: true, data: shape?.name ?? 'ml-100k', model, setupSeconds: Number(setupSeconds.toFixed(1)) })}\n`,
  );
  report(
    'warm-up',
    await openLoop({ base, rate: Math.min(rate, 200), seconds: 5, connections: 64, nextPath }),
    Math.min(rate, 200),
  );
  report('steady', await openLoop({ base, rate, seconds, connections: 64, nextPath }), rate);
  const saturation = await autocannon({
    url: base,
    connections: 64,
    duration: Math.min(seconds, 20),
    requests: [{ setupRequest: (request) => ({ ...request, path: nextPath() }) }],
  });
  const statuses: Record<string, number> = {};
  for (const [code, count] of Object.entries(saturation.statusCodeStats ?? {}))
    statuses[code] = count.count ?? 0;
  const saturationRate = (statuses['200'] ?? 0) / Math.min(seconds, 20);
  process.stdout.write(
    `${JSON.stringify({
      phase: 'saturation',
      data: shape?.name ?? 'ml-100k',
      model,
      workers,
      connections: 64,
      seconds: Math.min(seconds, 20),
      throughput2xx: Number(saturationRate.toFixed(1)),
      latencyMs: {
        p50: saturation.latency.p50,
        p90: saturation.latency.p90,
        p99: saturation.latency.p99,
        max: saturation.latency.max,
      },
      statuses,
      errors: saturation.errors,
      timeouts: saturation.timeouts,
    })}\n`,
  );
  const overload = Math.round(saturationRate * 2);
  report(
    'overload-2x',
    await openLoop({
      base,
      rate: overload,
      seconds: Math.min(seconds, 20),
      connections: 512,
      nextPath,
      timeoutMs: 5000,
    }),
    overload,
  );
  report(
    'recovery',
    await openLoop({ base, rate, seconds: Math.min(seconds, 20), connections: 64, nextPath }),
    rate,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
