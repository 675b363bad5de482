import { afterEach, describe, expect, it } from 'vitest';
import type { Item } from '../core/entities.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { type SearchConfigInput, parseSearchConfig } from './search-config.js';
import { SearchEngine } from './search-engine.js';
import { type SearchResponse, parseSearchRequest } from './search-request.js';

/**
 * Multi-word ranking signals end to end (lexical, no encoder) on a tiny grocery catalogue where
 * word scores alone tie or point the wrong way: proximity and category feedback decide, and every
 * hit's reasons still add up to its score.
 */
function item(id: string, title: string, categoryPath: string[]): Item {
  return { id, title, categoryPath, attributes: {}, tags: [], available: true };
}

const catalogue: Item[] = [
  // The same words in the same category: only the second has "chocolate bar" side by side.
  item('bar-apart', 'Chocolate Crunchy Oat Rice Bar', ['snacks', 'candy']),
  item('bar-together', 'Crunchy Oat Rice Chocolate Bar', ['snacks', 'candy']),
  // A short-titled almond-milk yogurt, and almond milks in the plant-based milk aisle.
  item('yogurt', 'Almond Milk Yogurt', ['dairy', 'yogurt']),
  item('milk-vanilla', 'Vanilla Almond Milk Beverage', ['dairy', 'plant based']),
  item('milk-original', 'Original Almond Milk Beverage', ['dairy', 'plant based']),
  item('milk-unsweetened', 'Unsweetened Almond Milk Beverage', ['dairy', 'plant based']),
];

let store: Store | undefined;
let engine: SearchEngine | undefined;

async function open(settings: SearchConfigInput = {}): Promise<SearchEngine> {
  store = await openStore('sqlite::memory:');
  await store.upsertItems(catalogue);
  engine = await SearchEngine.open(store, {
    config: parseSearchConfig({ ...settings, semantic: { encoder: 'none' }, refreshSeconds: 0 }),
  });
  await engine.build();
  return engine;
}

afterEach(async () => {
  await engine?.close();
  await store?.close();
});

const ids = (response: SearchResponse) => response.hits.map((hit) => hit.itemId);
const search = (searchEngine: SearchEngine, q: string) =>
  searchEngine.search(parseSearchRequest({ q, mode: 'lexical' }));

function expectReasonsAddUp(response: SearchResponse): void {
  for (const hit of response.hits) {
    expect(hit.reasons.reduce((sum, reason) => sum + reason.weight, 0)).toBeCloseTo(hit.score, 4);
  }
}

describe('search ranking: proximity', () => {
  it('ranks the item with the query words side by side above one with them apart', async () => {
    const response = await search(await open({ categoryFeedback: { weight: 0 } }), 'chocolate bar');
    expect(ids(response)).toEqual(['bar-together', 'bar-apart']);
    const [together, apart] = response.hits;
    expect(together!.score).toBeCloseTo(apart!.score * 1.2, 3);
    const reason = together!.reasons.find((candidate) => candidate.evidence.match === 'proximity')!;
    expect(reason.evidence).toMatchObject({ query: 'chocolate bar', share: 1 });
    expect(reason.text).toBe('the words of "chocolate bar" stand together (100 % of word pairs)');
    expect(apart!.reasons.map((candidate) => candidate.evidence.match)).not.toContain('proximity');
    expectReasonsAddUp(response);
  });

  it('ties them (first indexed first) when proximity is off', async () => {
    const response = await search(
      await open({ proximity: { weight: 0 }, categoryFeedback: { weight: 0 } }),
      'chocolate bar',
    );
    expect(ids(response)).toEqual(['bar-apart', 'bar-together']);
    expect(response.hits[0]!.score).toBeCloseTo(response.hits[1]!.score, 4);
  });
});

describe('search ranking: category feedback', () => {
  it('raises the results in the category most of the best matches are in', async () => {
    const response = await search(await open(), 'almond milk');
    expect(ids(response).slice(0, 3).sort()).toEqual(['milk-original', 'milk-unsweetened', 'milk-vanilla']);
    expect(ids(response)[3]).toBe('yogurt');
    const milk = response.hits[0]!;
    const reason = milk.reasons.find((candidate) => candidate.evidence.match === 'category')!;
    expect(reason.evidence.category).toBe('dairy > plant based');
    expect(reason.evidence.share).toBeGreaterThan(0.5);
    expect(reason.text).toMatch(/^in "dairy > plant based", the category of \d+ % of the best matches$/);
    expectReasonsAddUp(response);
  });

  it('leaves the shorter-titled item first when category feedback is off', async () => {
    const response = await search(await open({ categoryFeedback: { weight: 0 } }), 'almond milk');
    expect(ids(response)[0]).toBe('yogurt');
    expect(response.hits.flatMap((hit) => hit.reasons.map((reason) => reason.evidence.match))).not.toContain(
      'category',
    );
  });

  it('renders the category reason in Chinese', async () => {
    const searchEngine = await open();
    const response = await searchEngine.search(parseSearchRequest({ q: 'almond milk', lang: 'zh' }));
    const reason = response.hits[0]!.reasons.find((candidate) => candidate.evidence.match === 'category')!;
    expect(reason.text).toMatch(/^属于最佳匹配结果的主要类目“dairy > plant based”（占 \d+%）$/);
  });
});
