import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import { createRng } from '../src/core/rng.js';
import { runFairnessAudit } from '../src/eval/fairness/audit.js';
import { saveFairnessReport } from '../src/eval/fairness/report-store.js';
import { snapshotFromStore } from '../src/models/data/from-store.js';
import { createServer } from '../src/server/app.js';
import { tempDir } from './support/temp.js';

/** GET /fairness/report through HTTP (in-process) against a real SQLite file. */
const temp = tempDir('aisle-fairness-api-');
const keys = { admin: 'fairness-admin-key-0001', recommend: 'fairness-shop-front-0001' };
let aisle: Aisle;
let app: FastifyInstance;

beforeAll(async () => {
  aisle = await openAisle(
    configSchema.parse({
      database: join(temp.dir, 'fairness.db'),
      server: {
        maxEventLoopDelayMs: 60_000,
        apiKeys: [
          { name: 'ops', key: keys.admin, scopes: ['admin'] },
          { name: 'shop-front', key: keys.recommend, scopes: ['recommend'] },
        ],
      },
    }),
  );
  app = createServer(aisle);
});

afterAll(async () => {
  await app.close();
  await aisle.close();
  temp.cleanup();
});

const get = (key: string) =>
  app.inject({ method: 'GET', url: '/fairness/report', headers: { authorization: `Bearer ${key}` } });

describe('GET /fairness/report', () => {
  it('is for operators only', async () => {
    expect((await get(keys.recommend)).statusCode).toBe(403);
  });

  it('says how to create a report when none is stored, then serves the latest', async () => {
    const missing = await get(keys.admin);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/aisle fairness audit --save/);

    const rng = createRng(3);
    const batch = await aisle.store.beginBatch('test', 'event');
    await aisle.store.appendEvents(
      Array.from({ length: 600 }, (_, n) => ({
        userId: `u${n % 40}`,
        itemId: `i${Math.floor(rng.next() * rng.next() * 60)}`,
        type: 'click',
        timestamp: 1_700_000_000_000 + n * 1000,
      })),
      batch,
    );
    await aisle.store.upsertProtected(
      Array.from({ length: 40 }, (_, u) => ({ userId: `u${u}`, gender: u % 2 ? 'f' : 'm', other: {} })),
    );
    const snapshot = await snapshotFromStore(aisle.store, aisle.config);
    const report = await runFairnessAudit(snapshot, {
      protocol: 'msr',
      model: 'itemknn',
      k: 5,
      seed: 1,
      replicates: 50,
    });
    await saveFairnessReport(aisle.store, { ...report, seed: 0 });
    const id = await saveFairnessReport(aisle.store, report);
    const response = await get(keys.admin);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.id).toBe(id);
    expect(body.report.seed).toBe(1);
    expect(body.report['ndcg@5']).toBe(report['ndcg@5']);
    expect(Object.keys(body.report.userGroups).sort()).toEqual(['activity', 'gender']);
  });

  it('is in the OpenAPI document as an admin route', async () => {
    const document = (
      await get(keys.admin).then(() => app.inject({ method: 'GET', url: '/openapi.json' }))
    ).json();
    expect(document.paths['/fairness/report'].get['x-aisle-scope']).toBe('admin');
  });
});
