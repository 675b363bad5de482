import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEventsCsv } from './generate-events.js';
import { median } from './support/stats.js';

/**
 * Ingestion benchmark: imports a generated behaviour-log CSV (power-law users and items, time-ordered)
 * through the real `aisle import events` command into a fresh SQLite file, several times, and reports
 * events/s and peak memory (getrusage max RSS) per run and their medians. A second import of the same
 * file into the same database measures the all-duplicates path (idempotency checks only).
 *
 * Usage: node --import tsx bench/ingest.ts [--events 5000000] [--runs 3]
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const preload = join(root, 'bench', 'support', 'report-memory.mjs');

interface RunResult {
  eventsPerSecond: number;
  seconds: number;
  maxRssMb: number;
  accepted: number;
  duplicates: number;
}

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

function importOnce(file: string, db: string): RunResult {
  const result = spawnSync(
    process.execPath,
    ['--import', preload, cli, '--db', db, 'import', 'events', file, '--json', '--no-progress'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`import failed (${result.status}): ${result.stderr}`);
  const summary = JSON.parse(result.stdout) as {
    steps: { read: number; accepted: number; duplicates: number; seconds: number }[];
  };
  const step = summary.steps[0]!;
  const memory = JSON.parse(result.stderr.trim().split('\n').at(-1)!) as { maxRssMb: number };
  return {
    eventsPerSecond: Math.round(step.read / step.seconds),
    seconds: Number(step.seconds.toFixed(2)),
    maxRssMb: memory.maxRssMb,
    accepted: step.accepted,
    duplicates: step.duplicates,
  };
}

export async function runIngestBenchmark(events: number, runs: number): Promise<Record<string, unknown>> {
  if (!existsSync(cli)) throw new Error('Build first: npm run build');
  const dir = join(tmpdir(), 'aisle-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `events-${events}-seed1.csv`);
  if (!existsSync(file)) await writeEventsCsv(file, { events, users: 200_000, items: 50_000, seed: 1 });
  const fresh: RunResult[] = [];
  const again: RunResult[] = [];
  for (let run = 0; run < runs; run++) {
    const db = join(dir, `ingest-${run}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    fresh.push(importOnce(file, db));
    again.push(importOnce(file, db));
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  }
  return {
    benchmark: 'ingest-events-csv',
    events,
    users: 200_000,
    items: 50_000,
    runs,
    fresh: {
      medianEventsPerSecond: median(fresh.map((r) => r.eventsPerSecond)),
      medianMaxRssMb: median(fresh.map((r) => r.maxRssMb)),
      runs: fresh,
    },
    reimport: {
      medianEventsPerSecond: median(again.map((r) => r.eventsPerSecond)),
      medianMaxRssMb: median(again.map((r) => r.maxRssMb)),
      runs: again,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runIngestBenchmark(argument('events', 5_000_000), argument('runs', 3));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
