import { describe, expect, it } from 'vitest';
import type { Item } from '../core/entities.js';
import { fairnessPolicySchema } from '../core/fairness-config.js';
import type { TrainedModel } from '../models/trained-model.js';
import { catalogueOf } from './catalogue.js';
import { fairnessRerank } from './fairness-rerank.js';
import type { ServedModel } from './model-holder.js';
import type { Selected } from './ranking.js';

// 40 items: the first 20 in category "a", the rest in "b"; the model ranks every "a" item first.
const itemIds = Array.from({ length: 40 }, (_, n) => `i${n}`);
const categoryOfItem = (n: number) => (n < 20 ? 'a' : 'b');
const items = new Map<string, Item>(
  itemIds.map((id, n) => [
    id,
    { id, title: id, categoryPath: [categoryOfItem(n)], attributes: {}, tags: [], available: true },
  ]),
);
const catalogue = catalogueOf(items);

/** Only what fairnessRerank reads of a served model: item ids, popularity, the item index. */
function servedVersion(version: number, ids = itemIds): ServedModel {
  const trained = {
    itemIds: ids,
    popularity: new Float32Array(ids.length).fill(1),
  } as unknown as TrainedModel;
  return { trained, version, itemIndex: new Map(ids.map((id, n) => [id, n])), loadedAt: 0 };
}

const candidates: Selected[] = itemIds.map((_, n) => ({ index: n, score: 1 - n / 80, promoted: false }));
const policy = fairnessPolicySchema.parse({
  reranker: 'amortized-exposure',
  strength: 0.9,
  itemGrouping: 'category',
});
const shownOf = (served: ServedModel) =>
  fairnessRerank(candidates, 10, policy, served, catalogue, new Map()).picked.filter((c) => c.index >= 20)
    .length;

describe('amortized-exposure in serving', () => {
  it('a new model version starts from the offsets its predecessor learned, matched by group label', () => {
    const first = servedVersion(1);
    expect(shownOf(first)).toBe(0); // a cold controller leaves the model's order
    let shown = 0;
    for (let request = 0; request < 300; request++) shown = shownOf(first);
    expect(shown).toBeGreaterThan(0);

    // The next version lists its items in another order, so its group indices differ ("b" first).
    const reordered = [...itemIds.slice(20), ...itemIds.slice(0, 20)];
    const second = servedVersion(2, reordered);
    const secondCandidates: Selected[] = reordered.map((id, n) => ({
      index: n,
      score: 1 - Number(id.slice(1)) / 80,
      promoted: false,
    }));
    const firstOnSecond = fairnessRerank(secondCandidates, 10, policy, second, catalogue, new Map());
    const starvedShown = firstOnSecond.picked.filter(
      (c) => categoryOfItem(Number(reordered[c.index]!.slice(1))) === 'b',
    );
    expect(starvedShown.length).toBeGreaterThan(0);
    expect(firstOnSecond.moved.size).toBeGreaterThan(0);
  });

  it('a policy of another strength keeps its own controller, starting cold', () => {
    const other = fairnessPolicySchema.parse({ ...policy, strength: 0.8 });
    const { picked } = fairnessRerank(candidates, 10, other, servedVersion(3), catalogue, new Map());
    expect(picked.map((c) => c.index)).toEqual(Array.from({ length: 10 }, (_, n) => n));
  });
});
