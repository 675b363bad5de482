import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import { createServer } from '../src/server/app.js';
import { tempDir } from './support/temp.js';

/** The ingestion API through real HTTP against a real SQLite file. */
const temp = tempDir('aisle-api-');
let aisle: Aisle;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  aisle = await openAisle(
    configSchema.parse({
      database: join(temp.dir, 'api.db'),
      // Load shedding has its own test; a busy test machine must not refuse these requests.
      server: { bodyLimitBytes: 64 * 1024, maxBatchRecords: 100, maxEventLoopDelayMs: 60_000 },
    }),
  );
  app = createServer(aisle);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await aisle.close();
  temp.cleanup();
});

async function post(path: string, body: unknown, raw = false) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HTTP API: ingestion', () => {
  it('reports health with version and store', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      store: { kind: 'sqlite', ok: true },
      models: { trained: [] },
    });
  });

  it('accepts items and users, routing sensitive user fields to protected attributes', async () => {
    const items = await post('/items', {
      items: [
        {
          id: 'p1',
          title: '优衣库 男士红色纯棉T恤',
          categoryPath: ['服装', 'T恤'],
          brand: 'Uniqlo',
          price: 79,
          currency: 'CNY',
        },
        { id: 'p2', title: 'Apple 苹果 iPhone15 充电线 20W', category: '数码 > 充电线', price: '39.9' },
      ],
    });
    expect(items).toMatchObject({ status: 200, body: { accepted: 2, quarantined: 0, errors: [] } });
    const users = await post('/users', [{ id: 'u1', gender: 'F', age: 30, tier: 'gold' }]);
    expect(users).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await aisle.store.getUsers(['u1'])).toEqual([{ id: 'u1', attributes: { tier: 'gold' } }]);
    expect((await aisle.store.getProtected(['u1']))[0]).toMatchObject({ gender: 'female', ageBand: '25-34' });
  });

  it('stores good events, quarantines bad ones and says which field failed and why', async () => {
    const response = await post('/events', [
      { userId: 'u1', itemId: 'p1', type: 'view', timestamp: 1_700_000_000 },
      { userId: 'u1', itemId: 'p1', type: 'teleport', timestamp: 1_700_000_001 },
      { itemId: 'p1', type: 'view', timestamp: 1_700_000_002 },
      { userId: 'u1', itemId: 'p1', type: 'rating', value: 'great', timestamp: 1_700_000_003 },
      { userId: 'u1', itemId: 'p1', type: 'click', timestamp: '2099-01-01T00:00:00Z' },
      'not an object',
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 0, quarantined: 5 });
    expect(
      (response.body['errors'] as { index: number; field: string | null; reason: string }[]).map((error) => [
        error.index,
        error.field,
        error.reason,
      ]),
    ).toEqual([
      [1, 'type', 'unknown_event_type'],
      [2, 'userId', 'missing_field'],
      [3, 'value', 'invalid_type'],
      [4, 'timestamp', 'timestamp_in_future'],
      [5, null, 'invalid_record'],
    ]);
    const quarantined = await aisle.store.listQuarantine({ source: 'api:POST /events' });
    expect(quarantined.map((entry) => entry.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('answers 400 when every record fails, and is idempotent for re-sent events', async () => {
    const bad = await post('/events', { userId: 'u1', itemId: 'p1', type: 'nope', timestamp: 1_700_000_000 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      accepted: 0,
      quarantined: 1,
      errors: [{ field: 'type', reason: 'unknown_event_type' }],
    });
    const event = { eventId: 'evt-1', userId: 'u2', itemId: 'p2', type: 'cart' };
    expect((await post('/events', event)).body).toMatchObject({ accepted: 1 });
    expect((await post('/events', event)).body).toMatchObject({ accepted: 0, duplicates: 1 });
    const [stored] = await aisle.store.userEvents('u2');
    expect(Math.abs(stored!.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('rejects bodies that are not JSON, too large, or too many records with a clear error', async () => {
    const notJson = await post('/events', '{bad json', true);
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const huge = await post('/items', { id: 'x', title: 'x'.repeat(70 * 1024) });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    const many = await post(
      '/events',
      Array.from({ length: 101 }, (_, n) => ({ userId: `u${n}`, itemId: 'p1', type: 'view' })),
    );
    expect(many).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/at most 100 records/) } },
    });
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
  });

  it('serves counts, the OpenAPI document and the overview page', async () => {
    expect(await (await fetch(`${base}/stats`)).json()).toMatchObject({ items: 2, usersWithProtected: 1 });
    const openApi = (await (await fetch(`${base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: object }> };
    };
    expect(openApi.openapi).toBe('3.0.3');
    expect(Object.keys(openApi.paths)).toEqual(
      expect.arrayContaining(['/health', '/items', '/users', '/events', '/openapi.json']),
    );
    expect(Object.keys(openApi.components.schemas['EventInput']?.properties ?? {})).toEqual(
      expect.arrayContaining(['userId', 'itemId', 'type', 'timestamp', 'eventId', 'value']),
    );
    const home = await fetch(`${base}/?lang=en`);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    const html = await home.text();
    expect(html).toContain('Recent imports');
    expect(html).toContain('优衣库 男士红色纯棉T恤');
    expect(await (await fetch(`${base}/?lang=zh`)).text()).toContain('最近导入');
  });
});
