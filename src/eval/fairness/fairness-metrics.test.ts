import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import {
  itemShares,
  labelGrouping,
  newItemGrouping,
  popularityGrouping,
} from '../../rank/fairness/item-groups.js';
import type { UserGrouping } from '../user-groups.js';
import { bootstrapGap, bootstrapMean, quantile } from './bootstrap.js';
import { exposureAudit, itemExposure } from './exposure.js';
import { userGroupAudit } from './user-audit.js';

const lists = [Int32Array.from([0, 1]), Int32Array.from([1, 2])];

describe('exposure audit', () => {
  it('discounts exposure by position, 1 / log2(rank + 1)', () => {
    const exposure = itemExposure(lists, 2, 4);
    expect(exposure[0]).toBeCloseTo(1, 12);
    expect(exposure[1]).toBeCloseTo(1 + 1 / Math.log2(3), 12);
    expect(exposure[2]).toBeCloseTo(1 / Math.log2(3), 12);
    expect(exposure[3]).toBe(0);
    expect(itemExposure(lists, 1, 3)[2]).toBe(0);
  });

  it('compares each group’s exposure with its merit, and takes the Gini of exposure per item', () => {
    const grouping = labelGrouping('seller', ['a', 'a', 'b']);
    const audit = exposureAudit(lists, 2, grouping, Float64Array.from([1, 1, 2]));
    const second = 1 / Math.log2(3);
    const a = 2 + second; // items 0 and 1
    const b = second; // item 2
    expect(audit.byGroup['a']!.exposureShare).toBeCloseTo(a / (a + b), 5);
    expect(audit.byGroup['b']!.meritShare).toBe(0.5);
    expect(audit.byGroup['a']!.exposureToMerit).toBeCloseTo(a / (a + b) / 0.5, 5);
    expect(audit.byGroup['a']!.slotShare).toBe(0.75);
    // Per item per list: a = (2 + second)/2/2, b = second/2; Gini of two values x ≤ y = (y − x)/(2(x + y)).
    const x = b / 2;
    const y = a / 4;
    expect(audit.gini).toBeCloseTo((y - x) / (2 * (x + y)), 5);
  });

  it('gives each group’s mean share of every prefix, over the lists long enough to have it', () => {
    const grouping = labelGrouping('seller', ['a', 'a', 'b']);
    // Lists [0, 2, 1] (a, b, a), [2, 0] (b, a) and [1] (a), k = 3.
    const audit = exposureAudit(
      [Int32Array.from([0, 2, 1]), Int32Array.from([2, 0]), Int32Array.from([1])],
      3,
      grouping,
      new Float64Array(3),
    );
    // Prefix 1: a, b, a → 2/3. Prefix 2 (two lists): 1/2, 1/2. Prefix 3 (one list): 2/3.
    expect(audit.byGroup['a']!.prefixShares).toEqual([0.666667, 0.5, 0.666667]);
    expect(audit.byGroup['b']!.prefixShares).toEqual([0.333333, 0.5, 0.333333]);
  });

  it('is 0 when every group’s items are equally visible', () => {
    const audit = exposureAudit(
      [Int32Array.from([0, 1])],
      1,
      labelGrouping('g', ['a', 'b']),
      new Float64Array(2),
    );
    expect(audit.gini).toBeCloseTo(0.5, 12); // one group all, the other nothing
    const even = exposureAudit(
      [Int32Array.from([0]), Int32Array.from([1])],
      1,
      labelGrouping('g', ['a', 'b']),
      new Float64Array(2),
    );
    expect(even.gini).toBe(0);
    expect(even.byGroup['a']!.exposureToMerit).toBeNull();
  });
});

describe('item groupings', () => {
  it('gives each group its share of the grouped items (the equal-exposure target)', () => {
    const grouping = labelGrouping('seller', ['a', 'b', 'a', '', 'a', 'b']);
    expect([...itemShares(grouping)]).toEqual([0.6, 0.4]); // the unknown item is left out
    expect([...itemShares(labelGrouping('seller', ['', '']))]).toEqual([]);
  });

  it('puts the top 20 % most popular items in the head', () => {
    const grouping = popularityGrouping([5, 50, 1, 2, 3, 4, 0, 9, 8, 7]);
    expect([...grouping.groupOf]).toEqual([1, 0, 1, 1, 1, 1, 1, 0, 1, 1]);
  });

  it('calls the newest 20 % of dated items new and leaves undated items out', () => {
    const grouping = newItemGrouping(Float64Array.from([1, 5, Number.NaN, 3, 4, 2, 9, 8, 7, 6, 0]));
    expect(grouping.groupOf[6]).toBe(0);
    expect(grouping.groupOf[7]).toBe(0);
    expect(grouping.groupOf[8]).toBe(1);
    expect(grouping.groupOf[2]).toBe(-1);
  });
});

describe('bootstrap CI of a gap', () => {
  it('is exact when every user of a group scores the same', () => {
    const ci = bootstrapGap(
      [Float64Array.from([1, 1, 1]), Float64Array.from([0.25, 0.25])],
      createRng(1),
      200,
    );
    expect(ci).toEqual([0.75, 0.75]);
  });

  it('is seeded, and brackets the observed gap of noisy groups', () => {
    const rng = createRng(7);
    const high = Float64Array.from({ length: 300 }, () => 0.5 + 0.2 * rng.normal());
    const low = Float64Array.from({ length: 300 }, () => 0.3 + 0.2 * rng.normal());
    const mean = (values: Float64Array) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const observed = mean(high) - mean(low);
    const ci = bootstrapGap([high, low], createRng(1));
    expect(ci).toEqual(bootstrapGap([high, low], createRng(1)));
    expect(ci[0]).toBeLessThan(observed);
    expect(ci[1]).toBeGreaterThan(observed);
    expect(ci[0]).toBeGreaterThan(0.1); // a real gap: the CI excludes 0
  });

  it('brackets a noisy mean with a seeded CI of the given width, and a constant one to rounding', () => {
    const rng = createRng(3);
    const values = Float64Array.from({ length: 400 }, () => 0.002 + 0.01 * rng.normal());
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const ci = bootstrapMean(values, createRng(1));
    expect(ci).toEqual(bootstrapMean(values, createRng(1)));
    expect(ci[0]).toBeLessThan(mean);
    expect(ci[1]).toBeGreaterThan(mean);
    // About 2 × 1.96 standard errors (0.01 / √400 each).
    expect(ci[1] - ci[0]).toBeGreaterThan(0.0015);
    expect(ci[1] - ci[0]).toBeLessThan(0.0025);
    for (const bound of bootstrapMean(Float64Array.from([0.4, 0.4, 0.4]), createRng(1), 50))
      expect(bound).toBeCloseTo(0.4, 12);
    expect(bootstrapMean(new Float64Array(0), createRng(1))).toEqual([0, 0]);
  });

  it('takes numpy’s linear quantile', () => {
    expect(quantile(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5);
    expect(quantile(Float64Array.from([1, 2, 3, 4]), 0.025)).toBeCloseTo(1.075, 12);
  });
});

describe('user-group audit', () => {
  it('averages every metric per group and reports gap and ratio on the primary one', () => {
    const grouping: UserGrouping = {
      attribute: 'gender',
      labels: ['f', 'm', 'x'],
      groupOf: Int32Array.from([0, 1, 0, 1, -1]),
    };
    const users = Int32Array.from([0, 1, 2, 3, 4]);
    const perUser = {
      'ndcg@10': Float64Array.from([0.2, 0.6, 0.4, 1.0, 0.9]),
      'recall@10': Float64Array.from([0, 1, 1, 1, 0]),
    };
    const audit = userGroupAudit(grouping, users, perUser, 'ndcg@10', createRng(1), 100);
    expect(audit.groups['f']).toEqual({ n: 2, 'ndcg@10': 0.3, 'recall@10': 0.5 });
    expect(audit.groups['m']).toEqual({ n: 2, 'ndcg@10': 0.8, 'recall@10': 1 });
    expect(audit.groups['x']).toBeUndefined();
    expect(audit.gap).toBe(0.5);
    expect(audit.ratio).toBe(0.375);
    expect(audit.ci[0]).toBeLessThanOrEqual(audit.ci[1]);
  });
});
