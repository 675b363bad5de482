import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * Serving under load, with the server in its own process (the built CLI, as deployed) and
 * autocannon as the client:
 *   1. steady: a fixed request rate (default 500/s) of home feeds for random users, similar items
 *      and popular lists for `--seconds` — latency percentiles and errors;
 *   2. saturation: as fast as 64 connections go — the node's throughput;
 *   3. overload: twice the saturation rate — how much is answered, refused (503 + Retry-After by
 *      load shedding) or failed;
 *   4. recovery: the steady rate again right after — must be all 200.
 * One JSON line per phase on stdout.
 *
 * Usage (after `npm run build`):
 *   node --import tsx bench/serve/load.ts [--data ../shared/datasets/ml-100k] [--seconds 60] [--rate 500]
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const data = argument('data') ?? join(process.cwd(), '..', 'shared', 'datasets', 'ml-100k');
const seconds = Number(argument('seconds') ?? 60);
const rate = Number(argument('rate') ?? 500);
const model = argument('model') ?? 'ease';
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
if (!existsSync(cli)) throw new Error('Run `npm run build` first: the bench starts the built server');
if (!existsSync(data)) {
  process.stderr.write(`SKIP: ${data} not found\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'aisle-load-'));
const db = join(dir, 'load.db');
const run = (...args: string[]) =>
  execFileSync(process.execPath, [cli, ...args, '--db', db], { stdio: 'pipe' });
run('import', 'movielens', data, '--no-progress');
run('train', '--model', model);

const port = 18_000 + Math.floor(Math.random() * 2000);
const server: ChildProcess = spawn(
  process.execPath,
  [cli, 'serve', '--db', db, '--port', String(port), '--no-log'],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const base = `http://127.0.0.1:${port}`;
for (let tries = 0; ; tries++) {
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {
    if (tries > 600) throw new Error('the server did not start');
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

// MovieLens ids: users 1–943, items 1–1682 (other data sets: whatever ids exist answer cold start).
const users = Number(argument('users') ?? 943);
const items = Number(argument('items') ?? 1682);
let counter = 0;
const nextPath = (): string => {
  const n = counter++;
  const pick = (count: number) => 1 + ((n * 7919) % count);
  if (n % 10 < 7) return `/recommend/${pick(users)}?k=10`;
  if (n % 10 < 9) return `/items/${pick(items)}/similar?k=10`;
  return '/popular?k=10';
};

interface Phase {
  phase: string;
  connections: number;
  overallRate?: number;
  seconds: number;
}

async function phase({ phase: name, connections, overallRate, seconds: duration }: Phase) {
  const statuses: Record<string, number> = {};
  const result = await autocannon({
    url: base,
    connections,
    duration,
    ...(overallRate ? { overallRate } : {}),
    requests: [{ setupRequest: (request) => ({ ...request, path: nextPath() }) }],
  });
  for (const [code, count] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count.count ?? 0;
  const line = {
    phase: name,
    connections,
    targetRate: overallRate ?? null,
    seconds: duration,
    requests: result.requests.total,
    throughput: Number((result.requests.total / duration).toFixed(1)),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return line;
}

try {
  await phase({ phase: 'warm-up', connections: 8, seconds: 3 });
  await phase({ phase: 'steady', connections: 32, overallRate: rate, seconds });
  const saturation = await phase({ phase: 'saturation', connections: 64, seconds: Math.min(seconds, 20) });
  await phase({
    phase: 'overload-2x',
    connections: 128,
    overallRate: Math.round(saturation.throughput * 2),
    seconds: Math.min(seconds, 20),
  });
  await phase({ phase: 'recovery', connections: 32, overallRate: rate, seconds: Math.min(seconds, 20) });
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
