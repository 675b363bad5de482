import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configSchema } from '../../src/core/config.js';
import type { Event } from '../../src/core/event.js';
import { trainFromStore } from '../../src/models/train.js';
import { openStore } from '../../src/store/open-store.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { type ApiNode, percentile, startApiNode, stopApiNode } from '../../test/support/cluster.js';
import { startTestPostgres } from '../../test/support/postgres.js';
import { tempDir } from '../../test/support/temp.js';

/**
 * PostgreSQL vs SQLite, one API node vs three (docs/benchmarks.md, "PostgreSQL and several nodes"):
 *
 * 1. ingestion: `appendEvents` in batches of 10,000 (the API/import write path) into a fresh store,
 *    by one writer, and on PostgreSQL by three writers at once (three nodes' connection pools);
 * 2. storage per million items, users and events (table + index bytes) for sizing;
 * 3. recommend latency: `aisle serve` processes on the store (1 or 3, SQLite file or PostgreSQL),
 *    recommend-only load spread over them, p50/p99 and requests/s, and each node's resident memory.
 *
 * Starts its own throw-away PostgreSQL (scripts/postgres/start.sh) unless AISLE_TEST_DATABASE_URL is
 * set. Needs the built CLI (`npm run build`). One JSON object per line.
 *
 * Usage: node --import tsx bench/postgres/run.ts [--events 300000] [--items 20000] [--users 20000]
 *        [--seconds 15] [--clients 8]
 */
function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const EVENTS = argument('events', 300_000);
const ITEMS = argument('items', 20_000);
const USERS = argument('users', 20_000);
const SECONDS = argument('seconds', 15);
const CLIENTS = argument('clients', 8);
const BATCH = 10_000;
const temp = tempDir('aisle-bench-pg-');
const print = (value: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** Deterministic power-law-ish events in time order (a multiplicative hash, no Math.random). */
function eventsFor(from: number, to: number): Event[] {
  const events: Event[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let n = from; n < to; n++) {
    const h = Math.imul(n + 1, 2_654_435_761) >>> 0;
    const user = Math.floor(USERS * (h / 2 ** 32) ** 2);
    const item = Math.floor(ITEMS * ((Math.imul(h, 40_503) >>> 0) / 2 ** 32) ** 3);
    events.push({
      userId: `u${user}`,
      itemId: `i${item}`,
      type: n % 7 === 0 ? 'click' : 'view',
      timestamp: start + n * 10,
    });
  }
  return events;
}

async function ingest(stores: Store[]): Promise<{ seconds: number; eventsPerSecond: number }> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    stores.map(async (store) => {
      const batch = await store.beginBatch('bench', 'event');
      for (;;) {
        const from = next;
        next += BATCH;
        if (from >= EVENTS) return;
        await store.appendEvents(eventsFor(from, Math.min(EVENTS, from + BATCH)), batch);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(EVENTS / seconds) };
}

async function seedCatalogue(store: Store): Promise<void> {
  for (let from = 0; from < ITEMS; from += BATCH) {
    await store.upsertItems(
      Array.from({ length: Math.min(BATCH, ITEMS - from) }, (_, at) => ({
        id: `i${from + at}`,
        title: `Item ${from + at} ${at % 2 ? 'red cotton shirt' : 'blue ceramic mug'}`,
        categoryPath: [at % 2 ? 'clothes' : 'kitchen', `c${at % 20}`],
        attributes: { color: at % 2 ? 'red' : 'blue' },
        tags: ['bench'],
        available: true,
        price: 5 + (at % 100),
      })),
    );
  }
  for (let from = 0; from < USERS; from += BATCH) {
    await store.upsertUsers(
      Array.from({ length: Math.min(BATCH, USERS - from) }, (_, at) => ({
        id: `u${from + at}`,
        attributes: { tier: at % 3 ? 'basic' : 'gold' },
      })),
    );
  }
}

function rssMb(node: ApiNode): number {
  const status = readFileSync(`/proc/${node.process.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function recommendLatency(store: string, kind: string, count: number): Promise<void> {
  const configFile = join(temp.dir, 'bench.toml');
  writeFileSync(
    configFile,
    '[server]\nmaxEventLoopDelayMs = 5000\nmaxEventLoopUtilization = 1\n[serving]\ntrainIfMissing = false\n',
  );
  const env = { AISLE_DATABASE_URL: store, AISLE_DB: store, AISLE_CONFIG: configFile };
  const nodes = await Promise.all(Array.from({ length: count }, (_, at) => startApiNode(`n${at}`, env)));
  try {
    // Warm up each node (model, catalogue, first reads).
    for (const node of nodes) for (let n = 0; n < 20; n++) await fetch(`${node.base}/recommend/u${n}?k=10`);
    const started = performance.now();
    const latencies: number[] = [];
    let failures = 0;
    let sequence = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() - started < SECONDS * 1000) {
          const n = sequence++;
          const node = nodes[n % nodes.length]!;
          const t0 = performance.now();
          const response = await fetch(`${node.base}/recommend/u${(n * 7919) % USERS}?k=10`);
          await response.arrayBuffer();
          if (response.ok) latencies.push(performance.now() - t0);
          else failures++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    print({
      bench: 'recommend',
      store: kind,
      nodes: count,
      clients: CLIENTS,
      requests: latencies.length,
      failures,
      requestsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: Number(percentile(latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      nodeRssMb: nodes.map(rssMb),
    });
  } finally {
    await Promise.all(nodes.map((node) => stopApiNode(node)));
  }
}

async function postgresBytes(
  store: Awaited<ReturnType<typeof openPostgresStore>>,
  table: string,
): Promise<number> {
  const { rows } = await store.pool.query<{ bytes: number }>('SELECT pg_total_relation_size($1) AS bytes', [
    table,
  ]);
  return rows[0]!.bytes;
}

const server = await startTestPostgres();
try {
  // SQLite, one writer.
  const sqlitePath = join(temp.dir, 'bench.db');
  const sqlite = await openStore(`sqlite:${sqlitePath}`);
  await seedCatalogue(sqlite);
  print({
    bench: 'ingest',
    store: 'sqlite',
    writers: 1,
    events: EVENTS,
    batch: BATCH,
    ...(await ingest([sqlite])),
  });
  const sqliteConfig = configSchema.parse({ database: sqlitePath });
  await trainFromStore(sqlite, sqliteConfig, { model: 'itemknn', seed: 1, calibrate: false });
  await sqlite.close();

  // PostgreSQL, one writer and three.
  let pgUrl = '';
  for (const writers of [1, 3]) {
    pgUrl = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: writers }, () => openPostgresStore(pgUrl)));
    await seedCatalogue(stores[0]!);
    print({
      bench: 'ingest',
      store: 'postgres',
      writers,
      events: EVENTS,
      batch: BATCH,
      ...(await ingest(stores)),
    });
    if (writers === 3) {
      const store = stores[0]!;
      const perMillion = async (table: string, rows: number) =>
        Math.round((((await postgresBytes(store, table)) / rows) * 1e6) / 2 ** 20);
      print({
        bench: 'storage',
        store: 'postgres',
        mbPerMillion: {
          events: await perMillion('events', EVENTS),
          items: await perMillion('items', ITEMS),
          users: await perMillion('users', USERS),
        },
      });
      await trainFromStore(store, configSchema.parse({ database: pgUrl }), {
        model: 'itemknn',
        seed: 1,
        calibrate: false,
      });
    }
    await Promise.all(stores.map((store) => store.close()));
  }

  for (const count of [1, 3]) await recommendLatency(`sqlite:${sqlitePath}`, 'sqlite', count);
  for (const count of [1, 3]) await recommendLatency(pgUrl, 'postgres', count);
} finally {
  await server.stop();
  temp.cleanup();
}
