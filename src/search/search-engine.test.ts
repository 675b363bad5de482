import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { searchCatalogue } from '../../test/support/search-catalogue.js';
import { parseSearchConfig } from './search-config.js';
import { SearchEngine } from './search-engine.js';
import { type SearchResponse, parseSearchRequest } from './search-request.js';

/** The lexical engine end to end on a tiny bilingual catalogue with known answers (no encoder). */
let store: Store;
let engine: SearchEngine;
const config = parseSearchConfig({ semantic: { encoder: 'none' }, refreshSeconds: 0 });

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  await store.upsertItems(searchCatalogue);
  engine = await SearchEngine.open(store, { config });
  await engine.build();
});
afterAll(async () => {
  await engine.close();
  await store.close();
});

const search = (params: Record<string, unknown>): Promise<SearchResponse> =>
  engine.search(parseSearchRequest(params));
const ids = (response: SearchResponse) => response.hits.map((hit) => hit.itemId);
const matchKinds = (response: SearchResponse, itemId: string) =>
  response.hits.find((hit) => hit.itemId === itemId)?.reasons.map((reason) => reason.evidence.match) ?? [];

describe('search engine: matching', () => {
  it('ranks the item matching every word of a Chinese query first, with its reasons', async () => {
    const response = await search({ q: '红色纯棉T恤' });
    expect(ids(response)[0]).toBe('tee-red');
    expect(response.hits[0]?.reasons.length).toBeGreaterThanOrEqual(3);
    expect(response.hits[0]?.reasons.every((reason) => reason.kind === 'search-match')).toBe(true);
    // A hit's reason weights add up to its score.
    const hit = response.hits[0]!;
    expect(hit.reasons.reduce((sum, reason) => sum + reason.weight, 0)).toBeCloseTo(hit.score, 3);
  });

  it('finds traditional-character queries in a simplified catalogue', async () => {
    expect(ids(await search({ q: '紅色純棉T恤' }))[0]).toBe('tee-red');
    expect(ids(await search({ q: '連衣裙' })).sort()).toEqual(['dress-blue', 'dress-red']);
  });

  it('corrects Latin typos within the Meilisearch rule', async () => {
    const response = await search({ q: 'iphne charger ' });
    expect(ids(response)[0]).toBe('charger-anker');
    expect(matchKinds(response, 'charger-anker')).toContain('typo');
    expect(ids(await search({ q: 'runing shoes ' }))[0]).toBe('shoe-nike-en');
    // Four letters allow no typo: "shoz" finds nothing.
    expect((await search({ q: 'shoz ', mode: 'lexical' })).total).toBe(0);
  });

  it('matches full pinyin and initials', async () => {
    const full = await search({ q: 'hongse txu ' });
    expect(ids(full)[0]).toBe('tee-red');
    // Both words by pinyin; they stand together in the title, and its category is the best matches'.
    expect(matchKinds(full, 'tee-red')).toEqual(['pinyin', 'pinyin', 'proximity', 'category']);
    expect(ids(await search({ q: 'lianyiqun ' })).sort()).toEqual(['dress-blue', 'dress-red']);
    expect(ids(await search({ q: 'lyq ' })).sort()).toEqual(['dress-blue', 'dress-red']);
  });

  it('expands across languages from CC-CEDICT, below exact matches', async () => {
    const english = await search({ q: 'red cotton tshirt ' });
    expect(ids(english).slice(0, 2)).toEqual(['shirt-en', 'tee-red']);
    expect(matchKinds(english, 'tee-red')).toContain('translation');
    const chinese = await search({ q: 'T恤 ' });
    expect(ids(chinese)).toContain('shirt-en');
    expect(matchKinds(chinese, 'shirt-en')).toContain('translation');
    const exact = chinese.hits.find((hit) => hit.itemId === 'tee-white')!;
    const translated = chinese.hits.find((hit) => hit.itemId === 'shirt-en')!;
    expect(exact.score).toBeGreaterThan(translated.score);
  });
});

describe('search engine: filters, facets, sorting', () => {
  it('filters by brand, price range and stock, and counts facets over the matches', async () => {
    const response = await search({
      q: 'T恤',
      filters: { brand: '优衣库', price: { max: 70 } },
      facets: 'brand,category,price,inStock,color',
    });
    expect(ids(response)).toEqual(['tee-white']);
    const all = await search({ q: 'T恤', facets: 'brand,category,price,color' });
    expect(all.facets['brand']).toEqual({ 优衣库: 2, 李宁: 1, Gap: 1 });
    expect(all.facets['category']).toMatchObject({ 服装: 4, '服装 > 男装': 3, '服装 > 男装 > T恤': 3 });
    expect(all.facets['color']).toMatchObject({ 红色: 1, 白色: 1, 黑色: 1 });
    const cables = await search({ q: 'charging cable', filters: { inStock: true } });
    expect(ids(cables)).not.toContain('cable-anker');
  });

  it('filters by category path and seller, and sorts by price', async () => {
    const shoes = await search({ q: '', filters: { category: '鞋靴' }, sort: 'price_asc' });
    expect(ids(shoes)).toEqual(['shoe-lining', 'shoe-nike', 'shoe-nike-en']);
    const seller = await search({ q: '', filters: { seller: 's8' }, sort: 'price_desc' });
    expect(ids(seller)).toEqual(['rice-cooker', 'kettle', 'mug']);
  });

  it('rejects bad filters and facet names with INVALID_ARGUMENT', () => {
    expect(() => parseSearchRequest({ q: 'x', filters: '{not json' })).toThrow(/filters/);
    expect(() => parseSearchRequest({ q: 'x', facets: 'bad name!' })).toThrow(/facet/);
    expect(() => parseSearchRequest({ q: 'x', page: 0 })).toThrow(/page/);
  });
});

describe('search engine: personalisation, updates, persistence', () => {
  it('re-ranks for a user’s brand history, bounded, with a personal reason', async () => {
    const before = await search({ q: '跑步鞋' });
    const base = Object.fromEntries(before.hits.map((hit) => [hit.itemId, hit.score]));
    await store.appendEvents(
      [1, 2, 3].map((n) => ({
        userId: 'u-lining',
        itemId: n === 1 ? 'tee-black' : 'shoe-lining',
        type: 'purchase',
        timestamp: 1_702_000_000_000 + n,
      })),
      1,
    );
    const after = await search({ q: '跑步鞋', userId: 'u-lining' });
    const boosted = after.hits.find((hit) => hit.itemId === 'shoe-lining')!;
    expect(boosted.reasons.map((reason) => reason.evidence.match)).toContain('personal');
    expect(boosted.score).toBeGreaterThan(base['shoe-lining']!);
    // Bounded: at most 1 + maxBoost times the relevance score.
    expect(boosted.score).toBeLessThanOrEqual(
      base['shoe-lining']! * (1 + config.personalization.maxBoost) + 1e-6,
    );
    expect(ids(after)[0]).toBe('shoe-lining');
  });

  it('indexes changed and deleted items incrementally', async () => {
    await store.upsertItems([
      {
        id: 'lamp',
        title: '护眼台灯 LED',
        categoryPath: ['家居', '灯具'],
        attributes: {},
        tags: [],
        available: true,
      },
    ]);
    const report = await engine.refresh(true);
    expect(report.changed).toBeGreaterThanOrEqual(1);
    expect(ids(await search({ q: '台灯' }))).toEqual(['lamp']);
    expect(ids(await search({ q: 'taideng ' }))).toEqual(['lamp']);
  });

  it('persists the index so a restart loads it instead of indexing again', async () => {
    await engine.close();
    const reopened = await SearchEngine.open(store, { config });
    expect(reopened.ready).toBe(true);
    expect(reopened.size).toBe(searchCatalogue.length + 1);
    const response = await reopened.search(parseSearchRequest({ q: 'hongse txu ' }));
    expect(response.hits[0]?.itemId).toBe('tee-red');
    engine = reopened;
  });

  it('suggests completions of Latin and pinyin prefixes and records past queries', async () => {
    expect(engine.suggest('lian').map((suggestion) => suggestion.text)).toContain('连衣裙');
    expect(engine.suggest('char').map((suggestion) => suggestion.text)).toContain('charging');
    await engine.recordSearch('电热水壶 大容量', 'u1', 1_702_000_000_000);
    expect(engine.suggest('电热').map((suggestion) => suggestion.text)).toContain('电热水壶 大容量');
  });
});
