import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import { createServer } from '../src/server/app.js';
import { searchCatalogue } from './support/search-catalogue.js';
import { tempDir } from './support/temp.js';

/** GET /search and /search/suggest through real HTTP against a real SQLite file. */
const temp = tempDir('aisle-search-api-');
let aisle: Aisle;
let app: FastifyInstance;
let base: string;

interface Hit {
  itemId: string;
  score: number;
  title: string;
  reasons: { kind: string; text: string; evidence: { match: string } }[];
}
interface Body {
  hits: Hit[];
  facets: Record<string, Record<string, number>>;
  total: number;
  tookMs: number;
  searchId?: string;
  suggestions?: { text: string; match: string }[];
  error?: { code: string; message: string };
}

beforeAll(async () => {
  // A short encoder training keeps the first search (which indexes the shop) quick.
  process.env['AISLE_SEARCH_CONFIG'] = temp.file(
    'search.json',
    JSON.stringify({ semantic: { epochs: 2, dimensions: 32, threads: 1 } }),
  );
  aisle = await openAisle(
    configSchema.parse({
      database: join(temp.dir, 'search.db'),
      // The suite runs many test files at once on few cores: event-loop lag here is their load, and
      // load shedding (src/server/load-shedding.test.ts) must not refuse these requests.
      server: { maxEventLoopDelayMs: 60_000, maxEventLoopUtilization: 1 },
    }),
  );
  app = createServer(aisle);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const response = await fetch(`${base}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: searchCatalogue }),
  });
  expect(response.status).toBe(200);
});
afterAll(async () => {
  delete process.env['AISLE_SEARCH_CONFIG'];
  await app.close();
  await aisle.close();
  temp.cleanup();
});

async function get(
  path: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${base}${path}?${new URLSearchParams(params).toString()}`);
  return { status: response.status, body: (await response.json()) as Body };
}

describe('HTTP API: search', () => {
  it('answers GET /search with the contract shape', async () => {
    const { status, body } = await get('/search', { q: '红色纯棉T恤' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ hits: expect.any(Array), facets: {}, total: expect.any(Number) });
    expect(typeof body.tookMs).toBe('number');
    expect(body.hits[0]).toMatchObject({
      itemId: 'tee-red',
      score: expect.any(Number),
      title: expect.any(String),
    });
    expect(body.hits[0]?.reasons[0]).toMatchObject({ kind: 'search-match', text: expect.any(String) });
  });

  it('applies filters and counts facets', async () => {
    const { body } = await get('/search', {
      q: 'T恤',
      mode: 'lexical',
      filters: JSON.stringify({ brand: ['优衣库', '李宁'], price: { min: 60 } }),
      facets: 'brand,price',
    });
    expect(body.hits.map((hit) => hit.itemId).sort()).toEqual(['tee-black', 'tee-red']);
    expect(body.facets['brand']).toEqual({ 优衣库: 1, 李宁: 1 });
    expect(body.total).toBe(2);
  });

  it('personalises for a userId and logs the search into the behaviour log', async () => {
    const events = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ['shoe-lining', 'tee-black', 'shoe-lining'].map((itemId, n) => ({
          userId: 'fan',
          itemId,
          type: 'purchase',
          timestamp: Date.now() - 1000 + n,
        })),
      ),
    });
    expect(events.status).toBe(200);
    const plain = await get('/search', { q: '跑步鞋', mode: 'lexical' });
    const personal = await get('/search', { q: '跑步鞋', mode: 'lexical', userId: 'fan' });
    const scoreOf = (body: Body, id: string) => body.hits.find((hit) => hit.itemId === id)?.score ?? 0;
    expect(scoreOf(personal.body, 'shoe-lining')).toBeGreaterThan(scoreOf(plain.body, 'shoe-lining'));
    expect(personal.body.hits[0]?.itemId).toBe('shoe-lining');
    expect(personal.body.hits[0]?.reasons.map((reason) => reason.evidence.match)).toContain('personal');
    expect(personal.body.searchId).toMatch(/^search-/);
    // The search event is written after the response: wait for it.
    let logged;
    for (let attempt = 0; attempt < 50 && !logged; attempt++) {
      logged = (await aisle.store.userEvents('fan', 50)).find((event) => event.type === 'search');
      if (!logged) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(logged).toMatchObject({ type: 'search', query: '跑步鞋', eventId: personal.body.searchId });
  });

  it('suggests completions of a pinyin prefix and of initials', async () => {
    const { status, body } = await get('/search/suggest', { q: 'lianyi' });
    expect(status).toBe(200);
    expect(body.suggestions?.map((suggestion) => suggestion.text)).toContain('连衣裙');
    const initials = await get('/search/suggest', { q: 'lyq' });
    expect(initials.body.suggestions?.[0]).toMatchObject({ text: '连衣裙', match: 'initials' });
  });

  it('answers 400 with INVALID_ARGUMENT on bad input', async () => {
    for (const params of [
      { q: 'x', filters: '{broken' },
      { q: 'x', page: '0' },
      { q: 'x', sort: 'cheapest' },
      { q: 'x', unknown: '1' },
      { q: 'x', filters: JSON.stringify({ price: { min: 10, max: 5 } }) },
    ]) {
      const { status, body } = await get('/search', params);
      expect(status, JSON.stringify(params)).toBe(400);
      expect(body.error?.code).toBe('INVALID_ARGUMENT');
    }
    const suggest = await get('/search/suggest', { q: 'x', limit: '500' });
    expect(suggest.status).toBe(400);
  });
});
