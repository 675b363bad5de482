import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TestPostgres,
  postgresTestsSkipped,
  startTestPostgres,
} from '../../../test/support/postgres.js';
import { tempDir } from '../../../test/support/temp.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { migrateSqliteToPostgres } from './migrate-from-sqlite.js';
import { openPostgresStore } from './postgres-store.js';

const skipped = postgresTestsSkipped();
let server: TestPostgres | undefined;
const temp = tempDir('aisle-migrate-');
beforeAll(async () => {
  if (!skipped) server = await startTestPostgres();
}, 600_000);
afterAll(async () => {
  temp.cleanup();
  await server?.stop();
}, 120_000);

/** A small shop with a record of every kind the store keeps. */
async function seedShop(store: Store): Promise<void> {
  await store.upsertItems([
    {
      id: 'i1',
      title: '红色T恤',
      categoryPath: ['服装'],
      attributes: { size: 'M' },
      tags: ['新'],
      available: true,
      price: 79.9,
    },
    {
      id: 'i2',
      title: 'Mug',
      categoryPath: [],
      attributes: {},
      tags: [],
      available: false,
      createdAt: 1_700_000_000_123,
    },
  ]);
  await store.upsertUsers([{ id: 'u1', attributes: { tier: 'gold' }, createdAt: 5 }]);
  await store.upsertProtected([{ userId: 'u1', gender: 'female', region: '上海', other: { x: 'y' } }]);
  const batch = await store.beginBatch('events.csv', 'event');
  await store.appendEvents(
    [
      { userId: 'u1', itemId: 'i1', type: 'view', timestamp: 1000, dwellMs: 1500 },
      {
        userId: 'u2',
        itemId: 'i2',
        type: 'rating',
        value: 4.5,
        timestamp: 2000,
        eventId: 'e-2',
        sessionId: 's',
      },
      { userId: 'u2', type: 'search', query: 'mug "quoted" \\ back', timestamp: 3000 },
    ],
    batch,
  );
  await store.finishBatch(batch, { accepted: 3 });
  await store.appendQueries([{ id: 'q1', text: 'mug', userId: 'u2', timestamp: 3000 }]);
  await store.addQuarantine([
    {
      kind: 'event',
      source: 'events.csv',
      line: 7,
      problems: [{ field: 'type', reason: 'unknown_event_type', message: 'bad' }],
      raw: 'u3,i1,teleport,\t4000',
      record: { userId: 'u3', type: 'teleport' },
      batchId: batch,
    },
  ]);
  await store.saveArtifact('recommender', { model: 'ease' }, new Uint8Array([0, 1, 2, 255, 254]));
  await store.saveArtifact('recommender', { model: 'ials' }, new Uint8Array(70_000).fill(7));
  await store.saveReport('quality', { n: 1 });
  const run = await store.beginQualityRun('scan', null);
  const seqs: number[] = [];
  for await (const page of store.scanEvents()) seqs.push(...page.map((event) => event.seq));
  await store.saveQualityFlags(run, [
    {
      subject: 'item',
      subjectId: 'i2',
      detector: 'burst',
      score: 0.75,
      action: 'down-weight',
      weight: 0.5,
      reason: 'burst',
      message: 'a burst',
      evidence: { peak: 3 },
      covers: 'listed',
      events: [{ seq: seqs[1]!, score: 0.9 }],
    },
  ]);
  await store.finishQualityRun(run, { flags: 1 });
  await store.saveQualityPolicy({ detectors: { bot: { action: 'flag' } } });
  await store.saveServingState('fairness.amortized-exposure', { format: 1, controllers: [] });
}

/** Everything a store answers about the seeded shop, through the Store interface. */
async function snapshot(store: Store) {
  const events = [];
  for await (const page of store.scanTrainingEvents({ includeExcluded: true })) events.push(...page);
  const items = [];
  for await (const page of store.scanItems()) items.push(...page);
  const queries = [];
  for await (const page of store.scanQueries()) queries.push(...page);
  const artifact = await store.loadArtifact('recommender', 1);
  return {
    stats: await store.stats(),
    items,
    users: await store.getUsers(['u1', 'u2']),
    protected: await store.getProtected(['u1']),
    events,
    queries,
    quarantine: await store.listQuarantine(),
    batches: await store.listBatches(),
    artifacts: await store.listArtifacts(),
    artifactBytes: [...(artifact?.data ?? [])],
    reports: await store.listReports('quality'),
    runs: await store.listQualityRuns(),
    flags: await store.listQualityFlags(),
    policy: await store.loadQualityPolicy(),
    servingState: await store.loadServingState('fairness.amortized-exposure'),
  };
}

describe.skipIf(skipped)('aisle migrate: SQLite → PostgreSQL', () => {
  it('moves every record with its ids, verifies counts and checksums, and continues the sequences', async () => {
    const path = join(temp.dir, 'shop.db');
    const sqlite = await openStore(`sqlite:${path}`);
    await seedShop(sqlite);
    const before = await snapshot(sqlite);
    await sqlite.close();

    const url = await server!.createDatabase();
    const report = await migrateSqliteToPostgres(`sqlite:${path}`, url);
    expect(report.verified).toBe(true);
    const rows = Object.fromEntries(report.tables.map((table) => [table.table, table.targetRows]));
    expect(rows).toMatchObject({
      items: 2,
      users: 2,
      protected_attributes: 1,
      events: 3,
      queries: 1,
      quarantine: 1,
      ingest_batches: 1,
      artifacts: 2,
      reports: 1,
      quality_runs: 1,
      quality_flags: 1,
      quality_flag_events: 1,
      quality_policy: 1,
      serving_state: 1,
    });

    const postgres = await openPostgresStore(url);
    expect(await snapshot(postgres)).toEqual(before);
    // New rows continue after the copied ids.
    const batch = await postgres.beginBatch('later', 'event');
    expect(batch).toBeGreaterThan(before.batches[0]!.id);
    await postgres.appendEvents([{ userId: 'u9', itemId: 'i1', type: 'view', timestamp: 9000 }], batch);
    const [latest] = await postgres.userEvents('u9');
    expect(latest!.seq).toBeGreaterThan(Math.max(...before.events.map((event) => event.seq)));
    expect(await postgres.saveArtifact('recommender', {}, new Uint8Array([1]))).toBe(3);
    await postgres.close();

    // A second run refuses the now non-empty database instead of doubling it.
    await expect(migrateSqliteToPostgres(`sqlite:${path}`, url)).rejects.toThrow(/not empty/);
    await server!.dropDatabase(url);
  });

  it('refuses a target that is not PostgreSQL', async () => {
    const path = join(temp.dir, 'empty.db');
    await (await openStore(path)).close();
    await expect(migrateSqliteToPostgres(path, `sqlite:${join(temp.dir, 'x.db')}`)).rejects.toThrow(
      /--to must be a postgres/,
    );
  });
});
