import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../../../test/store-contract.js';
import {
  type TestPostgres,
  postgresTestsSkipped,
  startTestPostgres,
} from '../../../test/support/postgres.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { openPostgresStore } from './postgres-store.js';

/**
 * The store contract and PostgreSQL specifics against a real server: the one in
 * AISLE_TEST_DATABASE_URL (`npm run test:postgres`) or a throw-away one started here
 * (scripts/postgres/start.sh, installing PostgreSQL if absent). Each test gets a fresh database.
 */
const skipped = postgresTestsSkipped();
let server: TestPostgres | undefined;
const urls = new Map<Store, string>();

beforeAll(async () => {
  if (!skipped) server = await startTestPostgres();
}, 600_000);
afterAll(async () => {
  await server?.stop();
}, 120_000);

async function fresh(): Promise<Store> {
  const url = await server!.createDatabase();
  const store = await openStore(url);
  urls.set(store, url);
  return store;
}

async function dispose(store: Store): Promise<void> {
  await store.close();
  const url = urls.get(store);
  if (url) await server!.dropDatabase(url);
}

describe.skipIf(skipped)('PostgreSQL', () => {
  runStoreContract('PostgreSQL', fresh, dispose);

  describe('PostgreSQL store', () => {
    it('opens by postgres:// and postgresql:// URLs and hides the password', async () => {
      const url = await server!.createDatabase();
      const withPassword = new URL(url);
      withPassword.password = 's3cret';
      withPassword.protocol = 'postgresql:';
      const store = await openStore(withPassword.toString());
      expect(store.kind).toBe('postgres');
      expect(store.location).not.toContain('s3cret');
      expect(store.location).toContain('***');
      await store.close();
      await server!.dropDatabase(url);
    });

    it('reports an unreachable server as STORE_UNAVAILABLE', async () => {
      await expect(openStore('postgres://aisle@127.0.0.1:1/none')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
    });

    it('migrates once when several nodes open the same database together, and refuses a newer schema', async () => {
      const url = await server!.createDatabase();
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(url)));
      expect((await stores[0]!.stats()).events).toBe(0);
      await Promise.all(stores.map((store) => store.close()));
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      await raw.query("UPDATE aisle_meta SET value = '999' WHERE key = 'schema_version'");
      await raw.end();
      await expect(openPostgresStore(url)).rejects.toThrow(/schema version 999/);
      await server!.dropDatabase(url);
    });

    it('stores every event once when several nodes append the same events at the same time', async () => {
      const url = await server!.createDatabase();
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(url)));
      const events = Array.from({ length: 600 }, (_, n) => ({
        userId: `u${n % 37}`,
        itemId: `i${n % 91}`,
        type: 'view',
        timestamp: 1_000 + n,
        ...(n % 3 === 0 ? { eventId: `e${n}` } : {}),
      }));
      // Overlapping slices in different orders, twice each, from three connections pools.
      const results = await Promise.all(
        stores.flatMap((store, at) =>
          [0, 1].map(async (round) => {
            const batch = await store.beginBatch(`node-${at}`, 'event');
            const slice = events.slice(at * 100, at * 100 + 400);
            return store.appendEvents(round === 0 ? slice : [...slice].reverse(), batch);
          }),
        ),
      );
      const inserted = results.reduce((sum, counts) => sum + counts.inserted, 0);
      const usersCreated = results.reduce((sum, counts) => sum + counts.usersCreated, 0);
      expect(inserted).toBe(600);
      expect(usersCreated).toBe(37);
      expect(await stores[0]!.stats()).toMatchObject({ events: 600, users: 37 });
      // Concurrent upserts of the same items: one insert each, the rest unchanged.
      const item = (id: string) => ({
        id,
        title: id,
        categoryPath: [],
        attributes: {},
        tags: [],
        available: true,
      });
      const upserts = await Promise.all(
        stores.map((store) => store.upsertItems(Array.from({ length: 50 }, (_, n) => item(`i${n}`)))),
      );
      expect(upserts.reduce((sum, counts) => sum + counts.inserted, 0)).toBe(50);
      expect(upserts.reduce((sum, counts) => sum + counts.unchanged + counts.updated, 0)).toBe(100);
      await Promise.all(stores.map((store) => store.close()));
      await server!.dropDatabase(url);
    });

    it('numbers artifact versions without gaps or repeats across nodes and announces each save', async () => {
      const url = await server!.createDatabase();
      const [listener, writerA, writerB] = await Promise.all([1, 2, 3].map(() => openPostgresStore(url)));
      const heard: string[] = [];
      const unsubscribe = listener!.onArtifactSaved((artifact) =>
        heard.push(`${artifact.name}@${artifact.version}`),
      );
      const until = async (done: () => boolean, ms: number) => {
        const deadline = Date.now() + ms;
        while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      };
      // The LISTEN connects in the background: probe until a save round-trips.
      for (let probe = 1; !heard.includes(`probe@${probe - 1}`) && probe < 100; probe++) {
        await writerA!.saveArtifact('probe', {}, new Uint8Array([probe]));
        await until(() => heard.includes(`probe@${probe}`), 500);
      }
      const versions = await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          (n % 2 ? writerA! : writerB!).saveArtifact('recommender', { n }, new Uint8Array([n])),
        ),
      );
      expect([...versions].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      await until(() => heard.filter((entry) => entry.startsWith('recommender@')).length === 6, 10_000);
      expect(heard.filter((entry) => entry.startsWith('recommender@')).sort()).toEqual(
        [1, 2, 3, 4, 5, 6].map((version) => `recommender@${version}`),
      );
      unsubscribe();
      await Promise.all([listener, writerA, writerB].map((store) => store!.close()));
      await server!.dropDatabase(url);
    });

    it('completes a bulk load cut off by a crash when the store is next opened', async () => {
      const url = await server!.createDatabase();
      const store = await openPostgresStore(url);
      await store.beginBulkLoad(1_000_000);
      await store.appendEvents([{ userId: 'u1', itemId: 'i1', type: 'view', timestamp: 1 }], 0);
      await store.close();
      const reopened = await openPostgresStore(url);
      const index = await reopened.pool.query("SELECT 1 FROM pg_indexes WHERE indexname = 'events_user'");
      expect(index.rowCount).toBe(1);
      expect(await reopened.stats()).toMatchObject({ events: 1, users: 1 });
      await reopened.close();
      await server!.dropDatabase(url);
    });
  });
});
