import { describe, expect, it } from 'vitest';
import { rerankerNames } from '../../core/fairness-config.js';
import { type Rng, createRng } from '../../core/rng.js';
import { calibrationKl, calibrationObjective } from './calibration.js';
import type { CandidateList } from './candidate-list.js';
import { exposureDeficits } from './exposure-merit.js';
import {
  adjustedAlpha,
  binomialQuantile,
  fairStarMinimums,
  fairStarTable,
  tableFailureProbability,
} from './fair-star.js';
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

  it('rejects a list without the facts the re-ranker needs', () => {
    expect(() => rerank('fair-star', { scores: Float64Array.from([1]) }, { k: 1, strength: 0.5 })).toThrow(
      /protectedFlag/,
    );
  });
});

describe('re-ranker properties (200 seeded random lists each)', () => {
  const cases = Array.from({ length: 200 }, (_, seed) => seed + 1);

  it.each(rerankerNames)(
    '%s returns a permutation, marks exactly what it moved, and is the identity at strength 0',
    (name) => {
      for (const seed of cases) {
        const rng = createRng(seed);
        const n = 5 + rng.int(120);
        const list = randomList(rng, n);
        const k = 1 + rng.int(20);
        const options = { k, strength: rng.next(), alpha: 0.1, advantaged: true, historyMix: mixOf(rng, 5) };
        const { order, moved } = rerank(name, list, options);
        expect(isPermutation(order, n)).toBe(true);
        for (let position = 0; position < n; position++)
          expect(moved[order[position]!]).toBe(order[position] === position ? 0 : 1);
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
});
