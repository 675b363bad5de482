import { describe, expect, it } from 'vitest';
import { rerankerNames } from '../../core/fairness-config.js';
import { type Rng, createRng } from '../../core/rng.js';
import { ExposureController, exposureFloors, usesSharedRelevanceScale } from './amortized-exposure.js';
import { calibrationKl, calibrationObjective, calibrationRerank } from './calibration.js';
import type { CandidateList } from './candidate-list.js';
import { exposureDeficits } from './exposure-merit.js';
import {
  adjustedAlpha,
  binomialQuantile,
  fairStarMinimums,
  fairStarTable,
  tableFailureProbability,
} from './fair-star.js';
import { popularityBiasRerank } from './popularity-bias.js';
import { rerank } from './rerank.js';
import { expectedDcg } from './user-group.js';

/** A random candidate list, best first, with every array a re-ranker reads. */
function randomList(rng: Rng, n: number, groups = 3, categories = 5): CandidateList {
  const scores = Float64Array.from({ length: n }, () => rng.next())
    .sort()
    .reverse();
  return {
    scores,
    group: Int32Array.from({ length: n }, () => rng.int(groups)),
    protectedFlag: Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0)),
    category: Int32Array.from({ length: n }, () => rng.int(categories)),
    popularity: Float64Array.from({ length: n }, () => Math.floor(rng.next() * 500)),
  };
}

function mixOf(rng: Rng, categories: number): Float64Array {
  const mix = Float64Array.from({ length: categories }, () => rng.next());
  const total = mix.reduce((sum, value) => sum + value, 0);
  return mix.map((value) => value / total);
}

function isPermutation(order: Int32Array, n: number): boolean {
  return order.length === n && [...order].sort((a, b) => a - b).every((value, at) => value === at);
}

describe('FA*IR table (Zehlike et al. 2017)', () => {
  it('is the inverse binomial CDF of each prefix, computed by hand', () => {
    // Binomial(10, 0.5): P(X ≤ 2) = 56/1024 < 0.1 ≤ P(X ≤ 3) = 176/1024.
    expect(binomialQuantile(0.1, 10, 0.5)).toBe(3);
    // Binomial(5, 0.5): P(X ≤ 0) = 1/32 < 0.1 ≤ P(X ≤ 1) = 6/32.
    expect(binomialQuantile(0.1, 5, 0.5)).toBe(1);
    expect([...fairStarTable(4, 0.5, 0.1)]).toEqual([0, 0, 0, 1]); // P(X≤0 | n=4) = 1/16 < 0.1
    expect([...fairStarTable(3, 0, 0.1)]).toEqual([0, 0, 0]);
  });

  it('gives the probability that a fair ranking fails the table', () => {
    // Table [0, 1] with p = 0.5 fails when both of the first two are unprotected: 1/4.
    expect(tableFailureProbability(Int32Array.from([0, 1]), 0.5)).toBeCloseTo(0.25, 12);
    expect(tableFailureProbability(Int32Array.from([1]), 0.3)).toBeCloseTo(0.7, 12);
    expect(tableFailureProbability(Int32Array.from([0, 0, 0]), 0.3)).toBeCloseTo(0, 12);
  });

  it('corrects α so that the whole table fails a fair ranking with probability at most α', () => {
    const corrected = adjustedAlpha(20, 0.5, 0.1);
    expect(corrected).toBeLessThan(0.1);
    expect(tableFailureProbability(fairStarTable(20, 0.5, corrected), 0.5)).toBeLessThanOrEqual(0.1);
    expect(tableFailureProbability(fairStarTable(20, 0.5, 0.1), 0.5)).toBeGreaterThan(0.1);
  });
});

describe('fairness re-rankers on hand-made lists', () => {
  it('fair-star pulls the best protected candidate up where the table demands one', () => {
    const list: CandidateList = {
      scores: Float64Array.from([10, 9, 8, 7, 6, 5]),
      protectedFlag: Uint8Array.from([0, 0, 0, 0, 1, 1]),
    };
    const table = fairStarMinimums({ k: 4, proportion: 0.5, alpha: 0.1 });
    const { order, moved } = rerank('fair-star', list, { k: 4, strength: 0.5, alpha: 0.1 });
    const first = table.findIndex((minimum) => minimum > 0);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(order[first]).toBe(4);
    expect([...order.subarray(0, first)]).toEqual([0, 1, 2, 3].slice(0, first));
    expect(moved[4]).toBe(1);
  });

  it('popularity puts a nearly as relevant, far less popular item first', () => {
    const list: CandidateList = {
      scores: Float64Array.from([1, 0.95, 0.2]),
      popularity: Float64Array.from([1000, 10, 5]),
    };
    // rel = (1, 0.9375, 0); value = 0.5·rel − 0.5·pop/1000 = (0, 0.46375, −0.0025) → 1, 0, 2.
    expect([...rerank('popularity', list, { k: 3, strength: 0.5 }).order]).toEqual([1, 0, 2]);
  });

  it('calibration KL matches Steck’s formula by hand', () => {
    // p = (0.5, 0.5), list all of category 0: q̃ = (0.99·1 + 0.005, 0.005).
    const kl = calibrationKl(Float64Array.from([0.5, 0.5]), Float64Array.from([2, 0]), 2);
    expect(kl).toBeCloseTo(0.5 * Math.log(0.5 / 0.995) + 0.5 * Math.log(0.5 / 0.005), 12);
  });

  it('calibration mixes in the category the history asks for', () => {
    const list: CandidateList = {
      scores: Float64Array.from([1, 0.99, 0.98, 0.5]),
      category: Int32Array.from([0, 0, 0, 1]),
    };
    const { order } = rerank('calibration', list, {
      k: 2,
      strength: 0.9,
      historyMix: Float64Array.from([0.5, 0.5]),
    });
    expect([...order.subarray(0, 2)].sort()).toEqual([0, 3]);
  });

  it('user-group leaves a disadvantaged user’s list alone and lowers an advantaged user’s', () => {
    const rng = createRng(3);
    const list = randomList(rng, 100);
    expect([...rerank('user-group', list, { k: 10, strength: 0.5, advantaged: false }).order]).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    const { order } = rerank('user-group', list, { k: 10, strength: 0.5, advantaged: true });
    const identity = Int32Array.from({ length: 100 }, (_, i) => i);
    expect(expectedDcg(list, order, 10) / expectedDcg(list, identity, 10)).toBeCloseTo(0.5, 1);
  });

  it('exposure gives a group with merit but no exposure a place in the top k', () => {
    const list: CandidateList = {
      scores: Float64Array.from([1, 0.98, 0.97, 0.96, 0.95, 0.1]),
      group: Int32Array.from([0, 0, 0, 0, 1, 0]),
    };
    // Group 1 holds about a fifth of the merit: at position 2 its deficit 0.195·1.63 passes group 0's
    // 0.805·1.63 − 1.
    const { order } = rerank('exposure', list, { k: 3, strength: 1 });
    expect([...order.subarray(0, 3)]).toEqual([0, 4, 1]);
    expect([...rerank('exposure', list, { k: 3, strength: 0 }).order.subarray(0, 3)]).toEqual([0, 1, 2]);
  });

  it('user-group demotes an advantaged user’s best item step by step, by hand', () => {
    // rel = (1, 0.5, 0), k = 2, w = (1, 1/log2 3 = 0.631): ideal 1.315. The chain: [0, 1] 1.315 →
    // swap [1, 0] 1.131 → replace [1, 2] 0.5 → swap [2, 1] 0.315 (the lowest any two can do).
    const list: CandidateList = { scores: Float64Array.from([1, 0.5, 0]) };
    const at = (strength: number) => [
      ...rerank('user-group', list, { k: 2, strength, advantaged: true }).order,
    ];
    expect(at(0.2)).toEqual([1, 0, 2]); // target 1.052: 1.131 is closest
    expect(at(0.6)).toEqual([1, 2, 0]); // target 0.526: 0.5 is closest
    expect(at(1)).toEqual([2, 1, 0]); // target 0: the chain's end
    expect(at(0.05)).toEqual([0, 1, 2]); // target 1.250: the model's order is closest
    // k = 1 walks by replacement only.
    expect([...rerank('user-group', list, { k: 1, strength: 0.6, advantaged: true }).order]).toEqual([
      1, 0, 2,
    ]);
  });

  it('user-group lifts a disadvantaged user’s list by calibration, only while the strength is above 0', () => {
    const list: CandidateList = {
      scores: Float64Array.from([1, 0.99, 0.98, 0.5]),
      category: Int32Array.from([0, 0, 0, 1]),
    };
    const historyMix = Float64Array.from([0.5, 0.5]);
    const lifted = rerank('user-group', list, {
      k: 2,
      strength: 0.4,
      advantaged: false,
      lift: 0.9,
      historyMix,
    });
    expect([...lifted.order]).toEqual([
      ...calibrationRerank(list, { k: 2, strength: 0.9, historyMix }).order,
    ]);
    expect([...lifted.order.subarray(0, 2)].sort()).toEqual([0, 3]);
    expect(lifted.moved[3]).toBe(1);
    const still = rerank('user-group', list, { k: 2, strength: 0, advantaged: false, lift: 0.9, historyMix });
    expect(still.moved.every((flag) => flag === 0)).toBe(true);
    const none = rerank('user-group', list, { k: 2, strength: 0.4, advantaged: false, historyMix });
    expect(none.moved.every((flag) => flag === 0)).toBe(true);
    // An advantaged user is levelled down whatever the lift.
    expect([
      ...rerank('user-group', list, { k: 2, strength: 0.4, advantaged: true, lift: 0.9, historyMix }).order,
    ]).toEqual([...rerank('user-group', list, { k: 2, strength: 0.4, advantaged: true }).order]);
    expect(() =>
      rerank(
        'user-group',
        { scores: list.scores },
        { k: 2, strength: 0.4, advantaged: false, lift: 0.5, historyMix },
      ),
    ).toThrow(/category/);
    expect(() => rerank('user-group', list, { k: 2, strength: 0.4, advantaged: false, lift: 0.5 })).toThrow(
      /history mix/,
    );
  });

  it('user-group lifts a disadvantaged user’s list by the popularity penalty when liftBy says so', () => {
    // rel = (1, 0.9, 0.6, 0) and pop/max = (1, 0.1, 0, 0.5): at λ 0.3 the values are
    // (0.4, 0.6, 0.42, −0.15), so the top 2 become items 1 and 2.
    const list: CandidateList = {
      scores: Float64Array.from([1, 0.95, 0.8, 0.5]),
      popularity: Float64Array.from([100, 10, 0, 50]),
    };
    const lifted = rerank('user-group', list, {
      k: 2,
      strength: 0.4,
      advantaged: false,
      lift: 0.3,
      liftBy: 'popularity',
    });
    expect([...lifted.order.subarray(0, 2)]).toEqual([1, 2]);
    expect([...lifted.order]).toEqual([...popularityBiasRerank(list, { k: 2, strength: 0.3 }).order]);
    // Items 1 and 2 were moved up; item 0, pushed out of the top 2, is not marked.
    expect([...lifted.moved]).toEqual([0, 1, 1, 0]);
    // Without popularity facts the popularity lift is a caller error, not a silent no-op.
    expect(() =>
      rerank(
        'user-group',
        { scores: list.scores },
        { k: 2, strength: 0.4, advantaged: false, lift: 0.3, liftBy: 'popularity' },
      ),
    ).toThrow(/popularity/);
    // An advantaged user is levelled down whatever the lift.
    expect([
      ...rerank('user-group', list, {
        k: 2,
        strength: 0.4,
        advantaged: true,
        lift: 0.3,
        liftBy: 'popularity',
      }).order,
    ]).toEqual([...rerank('user-group', list, { k: 2, strength: 0.4, advantaged: true }).order]);
  });

  it('exposure aims at a given target share instead of merit when one is given', () => {
    // rel = (1, 0.667, 0.333, 0): group 1 has almost no merit, so merit keeps the model's order; with
    // target (0.5, 0.5), position 2's deficits are 0.5·1.631 − 1 = −0.18 (group 0) and 0.82 (group 1).
    const list: CandidateList = {
      scores: Float64Array.from([1, 0.9, 0.8, 0.7]),
      group: Int32Array.from([0, 0, 0, 1]),
    };
    expect([...rerank('exposure', list, { k: 2, strength: 1 }).order]).toEqual([0, 1, 2, 3]);
    const target = Float64Array.from([0.5, 0.5]);
    expect([...rerank('exposure', list, { k: 2, strength: 1, exposureTarget: target }).order]).toEqual([
      0, 3, 1, 2,
    ]);
    // Renormalised over the groups among the candidates: a third, absent group changes nothing.
    const wider = Float64Array.from([0.25, 0.25, 0.5]);
    expect([...rerank('exposure', list, { k: 2, strength: 1, exposureTarget: wider }).order]).toEqual([
      0, 3, 1, 2,
    ]);
  });

  it('amortized-exposure ranks by relevance plus the group offset, ties in the model order', () => {
    // Relevance (scores scaled to [0, 1]): 1, 0.75, 0.5, 0.25, 0; group 1 gets +0.3.
    const list: CandidateList = {
      scores: Float64Array.from([5, 4, 3, 2, 1]),
      group: Int32Array.from([0, 0, 1, 0, 1]),
    };
    const offsets = Float64Array.from([0, 0.3]);
    const { order, moved } = rerank('amortized-exposure', list, {
      k: 3,
      strength: 0.5,
      groupOffsets: offsets,
    });
    // 1, 0.8 (item 2), 0.75 (item 1), 0.3 (item 4), 0.25 (item 3)
    expect([...order]).toEqual([0, 2, 1, 4, 3]);
    expect([...moved]).toEqual([0, 0, 1, 0, 1]); // moved up: 2 and 4; pushed down: 1 and 3
    expect([
      ...rerank('amortized-exposure', list, { k: 3, strength: 0.5, groupOffsets: new Float64Array(2) }).order,
    ]).toEqual([0, 1, 2, 3, 4]);
    expect(() => rerank('amortized-exposure', list, { k: 3, strength: 0.5 })).toThrow(/offsets/);
  });

  it('amortized-exposure reads every list’s relevance on the one scale it is given', () => {
    const offsets = Float64Array.from([0, 0.6]);
    const flat: CandidateList = {
      scores: Float64Array.from([1.02, 1.01, 1]),
      group: Int32Array.from([0, 0, 1]),
    };
    const steep: CandidateList = { scores: Float64Array.from([3, 2, 1]), group: Int32Array.from([0, 0, 1]) };
    const orderOf = (list: CandidateList, scale?: number) => [
      ...rerank('amortized-exposure', list, {
        k: 3,
        strength: 0.5,
        groupOffsets: offsets,
        ...(scale === undefined ? {} : { groupRelevanceScale: scale }),
      }).order,
    ];
    // Each list scaled to [0, 1]: 1, 0.5, 0 in both, so +0.6 puts the group-1 item second in both.
    expect(orderOf(flat)).toEqual([0, 2, 1]);
    expect(orderOf(steep)).toEqual([0, 2, 1]);
    expect(orderOf(steep, 0)).toEqual([0, 2, 1]);
    // One score unit per unit of relevance: the flat list's candidates are 0.01 apart, so the
    // group-1 item goes first; the steep list's are 1 apart, so it stays last.
    expect(orderOf(flat, 1)).toEqual([2, 0, 1]);
    expect(orderOf(steep, 1)).toEqual([0, 1, 2]);
  });

  it('amortized-exposure uses one relevance scale unless the model normalises scores per user', () => {
    expect(usesSharedRelevanceScale('auto', false)).toBe(true);
    expect(usesSharedRelevanceScale('auto', true)).toBe(false);
    expect(usesSharedRelevanceScale('shared', true)).toBe(true);
    expect(usesSharedRelevanceScale('list', false)).toBe(false);
  });

  it('the exposure controller’s relevance scale is the mean score span of the lists it observed', () => {
    const controller = new ExposureController(exposureFloors(Float64Array.from([0.5, 0.5]), 0.5));
    expect(controller.relevanceScale).toBe(0);
    controller.observe(Int32Array.from([0]), Float64Array.from([3, 2, 1])); // span 2
    controller.observe(Int32Array.from([1]), Float32Array.from([1, 1, 0])); // span 1
    controller.observe(Int32Array.from([0])); // no scores: the scale keeps its count
    expect(controller.relevanceScale).toBeCloseTo(1.5, 12);
    controller.warmStart([0.3, 0]);
    expect(controller.relevanceScale).toBeCloseTo(1.5, 12);
  });

  it('the exposure controller raises a starved group’s offset by step × its shortfall, and never below 0', () => {
    const controller = new ExposureController(exposureFloors(Float64Array.from([0.5, 0.5]), 0.5), 0.1);
    // Floors 0.25 each. A list of group 0 only: group 1 is 0.25 short, group 0 0.75 over.
    controller.observe(Int32Array.from([0, 0, 0]));
    expect(controller.offsets[1]).toBeCloseTo(0.025, 12);
    expect(controller.offsets[0]).toBe(0);
    // Group 1 alone at the first of two positions: share 1/(1 + 1/log2 3) ≈ 0.613, 0.363 over.
    controller.observe(Int32Array.from([1, 0]));
    expect(controller.offsets[1]).toBe(0);
  });

  it('a warm-started controller takes the given offsets, negatives as 0, missing groups at 0', () => {
    const controller = new ExposureController(exposureFloors(Float64Array.from([0.4, 0.3, 0.3]), 0.5));
    controller.warmStart([0.2, -0.1]);
    expect([...controller.offsets]).toEqual([0.2, 0, 0]);
  });

  it('rejects a list without the facts the re-ranker needs', () => {
    expect(() => rerank('fair-star', { scores: Float64Array.from([1]) }, { k: 1, strength: 0.5 })).toThrow(
      /protectedFlag/,
    );
  });
});

describe('re-ranker properties (200 seeded random lists each)', () => {
  const cases = Array.from({ length: 200 }, (_, seed) => seed + 1);

  it.each(rerankerNames)(
    '%s returns a permutation, marks exactly what it moved up, and is the identity at strength 0',
    (name) => {
      for (const seed of cases) {
        const rng = createRng(seed);
        const n = 5 + rng.int(120);
        const list = randomList(rng, n);
        const k = 1 + rng.int(20);
        const options = {
          k,
          strength: rng.next(),
          alpha: 0.1,
          advantaged: rng.next() < 0.5,
          lift: rng.next() < 0.5 ? 0 : rng.next(),
          historyMix: mixOf(rng, 5),
          ...(rng.next() < 0.5 ? { exposureTarget: mixOf(rng, 3) } : {}),
          groupOffsets: Float64Array.from({ length: 3 }, () => (rng.next() < 0.5 ? 0 : rng.next() * 0.5)),
        };
        const { order, moved } = rerank(name, list, options);
        expect(isPermutation(order, n)).toBe(true);
        for (let position = 0; position < n; position++)
          expect(moved[order[position]!]).toBe(position < order[position]! ? 1 : 0);
        const still = rerank(name, list, { ...options, strength: 0 });
        expect(still.moved.every((flag) => flag === 0)).toBe(true);
      }
    },
  );

  it('fair-star meets its table in every prefix, as far as there are protected candidates', () => {
    for (const seed of cases) {
      const rng = createRng(seed);
      const list = randomList(rng, 20 + rng.int(100));
      const k = 5 + rng.int(30);
      const proportion = 0.1 + 0.8 * rng.next();
      const { order } = rerank('fair-star', list, { k, strength: proportion, alpha: 0.1 });
      const shown = Math.min(k, order.length);
      const table = fairStarMinimums({ k: shown, proportion, alpha: 0.1 });
      const available = list.protectedFlag!.reduce((sum, flag) => sum + flag, 0);
      let count = 0;
      for (let position = 0; position < shown; position++) {
        count += list.protectedFlag![order[position]!]!;
        expect(count).toBeGreaterThanOrEqual(Math.min(table[position]!, available));
      }
    }
  });

  it('exposure at full strength keeps every group within one top position of its merit share', () => {
    let checked = 0;
    for (const seed of cases) {
      const rng = createRng(seed);
      const k = 5 + rng.int(15);
      // Enough candidates in every group that none runs out inside the top k.
      const list = randomList(rng, 100, 3);
      if ([0, 1, 2].some((g) => list.group!.filter((value) => value === g).length < k)) continue;
      checked++;
      const { order } = rerank('exposure', list, { k, strength: 1 });
      for (const deficit of exposureDeficits(list, order, k)) expect(deficit).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('exposure lowers the worst deficit of the top k as it grows stronger', () => {
    let before = 0;
    let after = 0;
    for (const seed of cases) {
      const list = randomList(createRng(seed), 100, 4);
      const identity = Int32Array.from({ length: 100 }, (_, i) => i);
      before += exposureDeficits(list, identity, 10)[9]!;
      after += exposureDeficits(list, rerank('exposure', list, { k: 10, strength: 1 }).order, 10)[9]!;
    }
    expect(after).toBeLessThan(before);
  });

  it('calibration never scores below the model order on its own objective, and lowers KL at λ = 1', () => {
    for (const seed of cases) {
      const rng = createRng(seed);
      const list = randomList(rng, 100);
      const historyMix = mixOf(rng, 5);
      const strength = rng.next();
      const identity = Int32Array.from({ length: 100 }, (_, i) => i);
      const { order } = rerank('calibration', list, { k: 10, strength, historyMix });
      const options = { k: 10, strength, historyMix };
      expect(calibrationObjective(list, order, 10, options)).toBeGreaterThanOrEqual(
        calibrationObjective(list, identity, 10, options) - 1e-12,
      );
      const full = rerank('calibration', list, { k: 10, strength: 1, historyMix }).order;
      const kl = (o: Int32Array) => -calibrationObjective(list, o, 10, { ...options, strength: 1 });
      expect(kl(full)).toBeLessThanOrEqual(kl(identity) + 1e-12);
    }
  });

  it('popularity never raises the top k’s total popularity', () => {
    for (const seed of cases) {
      const rng = createRng(seed);
      const list = randomList(rng, 100);
      const k = 1 + rng.int(20);
      const total = (order: ArrayLike<number>) => {
        let sum = 0;
        for (let position = 0; position < k; position++) sum += list.popularity![order[position]!]!;
        return sum;
      };
      const { order } = rerank('popularity', list, { k, strength: rng.next() });
      expect(total(order)).toBeLessThanOrEqual(total(Array.from({ length: 100 }, (_, i) => i)) + 1e-9);
    }
  });

  it('user-group keeps an advantaged list near its target expected DCG', () => {
    for (const seed of cases) {
      const rng = createRng(seed);
      const list = randomList(rng, 100);
      const strength = rng.next();
      const identity = Int32Array.from({ length: 100 }, (_, i) => i);
      const { order } = rerank('user-group', list, { k: 10, strength, advantaged: true });
      const ratio = expectedDcg(list, order, 10) / expectedDcg(list, identity, 10);
      expect(Math.abs(ratio - (1 - strength))).toBeLessThan(0.05);
    }
  });
  it('exposure at full strength keeps every group within one top position of a given target share', () => {
    let checked = 0;
    for (const seed of cases) {
      const rng = createRng(seed);
      const k = 5 + rng.int(15);
      const list = randomList(rng, 100, 3);
      if ([0, 1, 2].some((g) => list.group!.filter((value) => value === g).length < k)) continue;
      checked++;
      const target = mixOf(rng, 3);
      const { order } = rerank('exposure', list, { k, strength: 1, exposureTarget: target });
      for (const deficit of exposureDeficits(list, order, k, target))
        expect(deficit).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('user-group lowers an advantaged list’s expected DCG monotonically as the strength grows', () => {
    for (const seed of cases) {
      const rng = createRng(seed);
      const list = randomList(rng, 5 + rng.int(120));
      const k = 1 + rng.int(20);
      let previous = Number.POSITIVE_INFINITY;
      for (let strength = 0; strength <= 1.0001; strength += 0.05) {
        const { order } = rerank('user-group', list, { k, strength, advantaged: true });
        const dcg = expectedDcg(list, order, k);
        expect(dcg).toBeLessThanOrEqual(previous + 1e-12);
        previous = dcg;
      }
    }
  });

  it('amortized-exposure lifts every group to its floor over a stream of requests, where the model starves some', () => {
    // Four groups with equal item shares; the model scores group g's candidates lower as g grows, so
    // group 3 almost never reaches the top 10 on its own. Floors at strength s: s × 0.25 each.
    for (const strength of [0.4, 0.8, 1]) {
      const rng = createRng(7);
      const controller = new ExposureController(
        exposureFloors(Float64Array.from([0.25, 0.25, 0.25, 0.25]), strength),
      );
      const before = new Float64Array(4);
      const after = new Float64Array(4);
      let total = 0;
      for (let request = 0; request < 3000; request++) {
        const n = 60;
        const group = Int32Array.from({ length: n }, () => rng.int(4));
        const raw = Float64Array.from(group, (g) => rng.next() - 0.35 * g);
        const byScore = Array.from({ length: n }, (_, i) => i).sort((a, b) => raw[b]! - raw[a]!);
        const list: CandidateList = {
          scores: Float64Array.from(byScore, (i) => raw[i]!),
          group: Int32Array.from(byScore, (i) => group[i]!),
        };
        const { order } = rerank('amortized-exposure', list, {
          k: 10,
          strength,
          groupOffsets: controller.offsets,
        });
        const shown = Int32Array.from(order.subarray(0, 10), (position) => list.group![position]!);
        controller.observe(shown);
        if (request < 1000) continue; // the controller's warm-up
        for (let position = 0; position < 10; position++) {
          const weight = 1 / Math.log2(position + 2);
          before[list.group![position]!]! += weight;
          after[shown[position]!]! += weight;
          total += weight;
        }
      }
      expect(before[3]! / total).toBeLessThan(0.05);
      for (let g = 0; g < 4; g++) expect(after[g]! / total).toBeGreaterThanOrEqual(strength * 0.25 - 0.01);
    }
  });

  it('user-group gives a disadvantaged user exactly the calibrated list at its lift', () => {
    for (const seed of cases) {
      const rng = createRng(seed);
      const list = randomList(rng, 100);
      const historyMix = mixOf(rng, 5);
      const lift = rng.next();
      const options = { k: 10, strength: 0.01 + rng.next(), advantaged: false, lift, historyMix };
      expect([...rerank('user-group', list, options).order]).toEqual([
        ...calibrationRerank(list, { k: 10, strength: lift, historyMix }).order,
      ]);
    }
  });
});
