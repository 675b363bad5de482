import { describe, expect, it } from 'vitest';
import type { Item } from '../core/entities.js';
import { fairnessPolicySchema } from '../core/fairness-config.js';
import type { TrainedModel } from '../models/trained-model.js';
import { catalogueOf } from './catalogue.js';
import { ExposureControllers } from './exposure-controllers.js';
import { advantagedThreshold, fairnessRerank } from './fairness-rerank.js';
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
/** One process's controllers, shared by the tests below as requests to one server would. */
const controllers = new ExposureControllers();

/** Only what fairnessRerank reads of a served model: item ids, popularity, the item index. */
function servedVersion(version: number, ids = itemIds, scoresNormalisedPerUser = false): ServedModel {
  const trained = {
    itemIds: ids,
    popularity: new Float32Array(ids.length).fill(1),
    recommender: { scoresNormalisedPerUser },
    info: { activeHistorySize: 30 },
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
  fairnessRerank(candidates, 10, policy, served, catalogue, new Map(), controllers).picked.filter(
    (c) => c.index >= 20,
  ).length;

describe('the advantaged threshold of user-group', () => {
  it('is the served model’s top-5 % history size under "auto", the configured number otherwise', () => {
    const served = servedVersion(8);
    expect(advantagedThreshold(fairnessPolicySchema.parse({ reranker: 'user-group' }), served)).toBe(30);
    const fixed = fairnessPolicySchema.parse({ reranker: 'user-group', activeMinInteractions: 12 });
    expect(advantagedThreshold(fixed, served)).toBe(12);
    // A model trained before the size was recorded: the old fixed default.
    const legacy = { ...served, trained: { ...served.trained, info: {} } } as ServedModel;
    expect(advantagedThreshold(fairnessPolicySchema.parse({ reranker: 'user-group' }), legacy)).toBe(50);
    expect(() => fairnessPolicySchema.parse({ activeMinInteractions: 'many' })).toThrow();
  });

  it('levels a user with that many history items, and leaves one with fewer as ranked', () => {
    const policy = fairnessPolicySchema.parse({ reranker: 'user-group', strength: 0.5 });
    const historyOf = (size: number) => new Map(itemIds.slice(0, size).map((id) => [id, 1]));
    const served = servedVersion(9);
    const rest = candidates.slice(30);
    expect(
      fairnessRerank(rest, 5, policy, served, catalogue, historyOf(30), controllers).moved.size,
    ).toBeGreaterThan(0);
    expect(fairnessRerank(rest, 5, policy, served, catalogue, historyOf(29), controllers).moved.size).toBe(0);
  });
});

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
    const firstOnSecond = fairnessRerank(
      secondCandidates,
      10,
      policy,
      second,
      catalogue,
      new Map(),
      controllers,
    );
    const starvedShown = firstOnSecond.picked.filter(
      (c) => categoryOfItem(Number(reordered[c.index]!.slice(1))) === 'b',
    );
    expect(starvedShown.length).toBeGreaterThan(0);
    expect(firstOnSecond.moved.size).toBeGreaterThan(0);
  });

  // After 300 requests the controller's scale is the standard candidates' span (39/80). Then the
  // same candidates with scores 100 times flatter, as they are, and 100 times steeper.
  const flatStandardSteep = (served: ServedModel, servedPolicy = policy): number[] => {
    for (let request = 0; request < 300; request++)
      fairnessRerank(candidates, 10, servedPolicy, served, catalogue, new Map(), controllers);
    return [0.01, 1, 100].map(
      (factor) =>
        fairnessRerank(
          candidates.map((candidate) => ({ ...candidate, score: 1 + (candidate.score - 1) * factor })),
          10,
          servedPolicy,
          served,
          catalogue,
          new Map(),
          controllers,
        ).picked.filter((c) => c.index >= 20).length,
    );
  };

  it('weighs every request’s scores on one scale: a flat list is evened more than a steep one', () => {
    const [flat, standard, steep] = flatStandardSteep(servedVersion(4));
    expect(flat).toBeGreaterThan(standard!);
    expect(standard).toBeGreaterThan(0);
    expect(steep).toBe(0);
  });

  it('scales each list by itself for a model that normalises scores per user, unless told otherwise', () => {
    const [flat, standard, steep] = flatStandardSteep(servedVersion(5, itemIds, true));
    expect(flat).toBe(standard);
    expect(steep).toBe(standard);
    expect(standard).toBeGreaterThan(0);
    const shared = fairnessPolicySchema.parse({ ...policy, relevanceScale: 'shared' });
    const [sharedFlat, , sharedSteep] = flatStandardSteep(servedVersion(6, itemIds, true), shared);
    expect(sharedFlat).toBeGreaterThan(sharedSteep!);
    const list = fairnessPolicySchema.parse({ ...policy, relevanceScale: 'list' });
    const [listFlat, , listSteep] = flatStandardSteep(servedVersion(7), list);
    expect(listFlat).toBe(listSteep);
  });

  it('a policy of another strength keeps its own controller, starting cold', () => {
    const other = fairnessPolicySchema.parse({ ...policy, strength: 0.8 });
    const { picked } = fairnessRerank(
      candidates,
      10,
      other,
      servedVersion(3),
      catalogue,
      new Map(),
      controllers,
    );
    expect(picked.map((c) => c.index)).toEqual(Array.from({ length: 10 }, (_, n) => n));
  });
});
