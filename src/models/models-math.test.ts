import { describe, expect, it } from 'vitest';
import { checkerboard } from '../../test/recommender-contract.js';
import type { Event } from '../core/event.js';
import { defaultEventWeights } from '../core/event.js';
import { createRng } from '../core/rng.js';
import { decodeArtifact, encodeArtifact } from './artifact.js';
import { interactionLogFromEvents } from './data/interaction-log.js';
import { buildTrainingData, emptyItemFeatures, historyOf } from './data/training-data.js';
import { cooccurrenceConfigSchema, cooccurrenceModel } from './cooccurrence/cooccurrence.js';
import { easeConfigSchema, easeModel, type EaseRecommender } from './ease/ease.js';
import { fitIals, ialsConfigSchema } from './ials/ials.js';
import { itemKnnConfigSchema, itemKnnModel } from './itemknn/item-knn.js';
import type { ItemToItemRecommender } from './item-to-item.js';
import {
  popularityConfigSchema,
  popularityModel,
  type PopularityRecommender,
} from './popularity/popularity.js';

const DAY = 86_400_000;

function data(events: Event[], items: number) {
  const log = interactionLogFromEvents(events, {
    weights: defaultEventWeights,
    ratingMax: 5,
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
  });
  return buildTrainingData(log, emptyItemFeatures(items));
}

/** Gauss–Jordan inverse with partial pivoting, for checking the WebAssembly kernels. */
function naiveInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const p = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

describe('EASE', () => {
  it('equals the closed form computed directly: B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹', async () => {
    const training = checkerboard();
    const lambda = 3;
    const model = (await easeModel.fit(training, easeConfigSchema.parse({ lambda }), {
      rng: createRng(1),
    })) as EaseRecommender;
    const n = 10;
    const gram = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let u = 0; u < training.interactions.rows; u++) {
      const row = [...historyOf(training.interactions, u).items];
      for (const i of row) for (const j of row) gram[i]![j]! += 1;
    }
    for (let i = 0; i < n; i++) gram[i]![i]! += lambda;
    const p = naiveInverse(gram);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const expected = i === j ? 0 : -p[i]![j]! / p[j]![j]!;
        expect(model.weightOf(i, j)).toBeCloseTo(expected, 5);
      }
    }
  });

  it("scores a history as the sum of its items' rows of B, and the sum of its explanation", async () => {
    const training = checkerboard();
    const model = (await easeModel.fit(training, easeConfigSchema.parse({ lambda: 3 }), {
      rng: createRng(1),
    })) as EaseRecommender;
    const n = 10;
    const history = { items: Int32Array.of(1, 4, 7), weights: Float32Array.of(1, 3, 1) };
    const scores = new Float32Array(n);
    for (let pass = 0; pass < 2; pass++) {
      model.score(history, scores); // the second call reuses the pinned matrix
      for (let j = 0; j < n; j++) {
        const expected = [1, 4, 7].reduce((sum, i) => sum + model.weightOf(i, j), 0);
        expect(scores[j]).toBeCloseTo(expected, 5);
        const explained = model.explain(history, j).reduce((sum, c) => sum + c.weight, 0);
        expect(explained).toBeCloseTo(scores[j]!, 5);
      }
    }
  });

  it('fits only the items with interactions: the others score 0, and the rest equal the full fit', async () => {
    // Items 10–14 are in the catalogue but nobody took them.
    const events: Event[] = [];
    for (let u = 0; u < 20; u++) {
      const side = u < 10 ? 0 : 5;
      for (let i = side; i < side + 5; i++)
        if (i !== side + (u % 5))
          events.push({
            userId: `u${u}`,
            itemId: `i${i}`,
            type: 'purchase',
            timestamp: 1_000_000 + u * 100 + i,
          });
    }
    const wide = data(events, 15);
    const narrow = checkerboard();
    const config = easeConfigSchema.parse({ lambda: 3 });
    const sparse = (await easeModel.fit(wide, config, { rng: createRng(1) })) as EaseRecommender;
    const dense = (await easeModel.fit(narrow, config, { rng: createRng(1) })) as EaseRecommender;
    expect(sparse.itemCount).toBe(15);
    expect(sparse.b).toHaveLength(10 * 10);
    const history = { items: Int32Array.of(1, 3, 12), weights: Float32Array.of(1, 1, 1) };
    const wideScores = new Float32Array(15);
    sparse.score(history, wideScores);
    const narrowScores = new Float32Array(10);
    dense.score({ items: Int32Array.of(1, 3), weights: Float32Array.of(1, 1) }, narrowScores);
    for (let j = 0; j < 10; j++) expect(wideScores[j]).toBeCloseTo(narrowScores[j]!, 5);
    for (let j = 10; j < 15; j++) expect(wideScores[j]).toBe(0);
    expect(sparse.explain(history, 12)).toEqual([]);
    expect([...sparse.similarItems(2, 20).indices].every((item) => item < 10)).toBe(true);
    // Batched scoring and a saved and reloaded model agree with the single-history path.
    const batch = new Float32Array(15);
    sparse.scoreBatch(
      { rows: 1, cols: 15, indptr: Int32Array.of(0, 3), indices: history.items, data: history.weights },
      batch,
    );
    const reloaded = easeModel.load(decodeArtifact(encodeArtifact(sparse.toArtifact())));
    const again = new Float32Array(15);
    reloaded.score(history, again);
    for (let j = 0; j < 15; j++) {
      expect(batch[j]).toBeCloseTo(wideScores[j]!, 5);
      expect(again[j]).toBeCloseTo(wideScores[j]!, 6);
    }
  });

  it('with valueExponent, enters each summed weight as w^p in the fit and in every score', async () => {
    const training = checkerboard();
    const rooted = (await easeModel.fit(
      training,
      easeConfigSchema.parse({ lambda: 3, binary: false, valueExponent: 0.5 }),
      { rng: createRng(1) },
    )) as EaseRecommender;
    const history = { items: Int32Array.of(1, 4), weights: Float32Array.of(4, 9) };
    const scores = new Float32Array(10);
    rooted.score(history, scores);
    for (let j = 0; j < 10; j++)
      expect(scores[j]).toBeCloseTo(2 * rooted.weightOf(1, j) + 3 * rooted.weightOf(4, j), 5);
  });
});

describe('iALS', () => {
  it.each([0, 1])('lowers its training loss every iteration (confidence base %d)', (confidenceBase) => {
    const trace = { losses: [] as number[] };
    fitIals(
      checkerboard(),
      ialsConfigSchema.parse({ factors: 4, iterations: 10, cgSteps: 8, confidenceBase }),
      createRng(3),
      undefined,
      trace,
    );
    expect(trace.losses).toHaveLength(10);
    for (let n = 1; n < trace.losses.length; n++)
      expect(trace.losses[n]!).toBeLessThan(trace.losses[n - 1]! + 1e-9);
  });
});

describe('popularity', () => {
  it('counts users with a time decay, and ranks within a category', async () => {
    const now = 100 * DAY;
    const events: Event[] = [
      { userId: 'a', itemId: 'i0', type: 'view', timestamp: now - 60 * DAY },
      { userId: 'b', itemId: 'i0', type: 'view', timestamp: now - 60 * DAY },
      { userId: 'a', itemId: 'i1', type: 'view', timestamp: now },
    ];
    const training = data(events, 2);
    const decayed = (await popularityModel.fit(training, popularityConfigSchema.parse({ halfLifeDays: 30 }), {
      rng: createRng(1),
    })) as PopularityRecommender;
    expect(decayed.popularity[0]).toBeCloseTo(2 * 0.25, 5);
    expect(decayed.popularity[1]).toBeCloseTo(1, 5);
    const flat = (await popularityModel.fit(training, popularityConfigSchema.parse({ halfLifeDays: 0 }), {
      rng: createRng(1),
    })) as PopularityRecommender;
    expect([...flat.popularity]).toEqual([2, 1]);
  });
});

describe('bought together', () => {
  it('computes confidence and lift over baskets', async () => {
    const basket = (id: string, items: number[]): Event[] =>
      items.map((i) => ({
        userId: `u${id}`,
        itemId: `i${i}`,
        type: 'purchase',
        sessionId: id,
        timestamp: 1000 + i,
      }));
    // Baskets: {0,1}, {0,1}, {0,2}, {3}: item 0 in 3 baskets, pair (0,1) in 2 of 4 baskets.
    const training = data(
      [...basket('a', [0, 1]), ...basket('b', [0, 1]), ...basket('c', [0, 2]), ...basket('d', [3])],
      4,
    );
    const confidence = (await cooccurrenceModel.fit(
      training,
      cooccurrenceConfigSchema.parse({ minSupport: 1 }),
      { rng: createRng(1) },
    )) as ItemToItemRecommender;
    expect(confidence.weightOf(0, 1)).toBeCloseTo(2 / 3, 6);
    expect(confidence.weightOf(1, 0)).toBeCloseTo(1, 6);
    const lift = (await cooccurrenceModel.fit(
      training,
      cooccurrenceConfigSchema.parse({ minSupport: 1, measure: 'lift' }),
      { rng: createRng(1) },
    )) as ItemToItemRecommender;
    expect(lift.weightOf(0, 1)).toBeCloseTo((2 * 4) / (3 * 2), 6);
    const strict = (await cooccurrenceModel.fit(training, cooccurrenceConfigSchema.parse({ minSupport: 2 }), {
      rng: createRng(1),
    })) as ItemToItemRecommender;
    expect(strict.weightOf(0, 2)).toBe(0);
    expect([...strict.similarItems(0, 2).indices]).toEqual([1]);
  });
});

describe('item-kNN', () => {
  it('computes cosine similarity with shrinkage', async () => {
    // Users: u0 {0,1}, u1 {0,1,2}, u2 {0}: ‖0‖² = 3, ‖1‖² = 2, dot(0,1) = 2.
    const events: Event[] = [
      ['u0', 0],
      ['u0', 1],
      ['u1', 0],
      ['u1', 1],
      ['u1', 2],
      ['u2', 0],
    ].map(([u, i], n) => ({ userId: String(u), itemId: `i${i}`, type: 'click', timestamp: 1000 + n }));
    const training = data(events, 3);
    const model = (await itemKnnModel.fit(training, itemKnnConfigSchema.parse({ shrink: 1, neighbours: 5 }), {
      rng: createRng(1),
    })) as ItemToItemRecommender;
    expect(model.weightOf(0, 1)).toBeCloseTo(2 / (Math.sqrt(3) * Math.sqrt(2) + 1), 6);
    expect(model.weightOf(0, 0)).toBe(0);
  });
});

describe('artifacts', () => {
  it('round-trip typed arrays of every kind and refuse foreign bytes', () => {
    const artifact = {
      model: 'x',
      config: { a: 1 },
      meta: { b: 'c' },
      arrays: {
        f: Float32Array.from([1.5, 2]),
        d: Float64Array.from([Math.PI]),
        i: Int32Array.from([-3, 4, 5]),
        u: Uint8Array.from([7]),
      },
    };
    const decoded = decodeArtifact(encodeArtifact(artifact));
    expect(decoded).toEqual(artifact);
    expect(() => decodeArtifact(Uint8Array.from([1, 2, 3]))).toThrow(/Not an Aisle model artifact/);
  });
});
