import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  chiSquareSurvival,
  compareDistributions,
  excessScore,
  gammaP,
  logGamma,
  median,
  noisyOr,
  poissonUpperTail,
  quantile,
  robustScale,
  robustZ,
} from './robust-stats.js';

describe('robust statistics', () => {
  it('finds medians, quantiles and the MAD scale without being moved by an outlier', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    const { median: center, scale } = robustScale([10, 11, 9, 10, 1000]);
    expect(center).toBe(10);
    expect(scale).toBeCloseTo(1.4826, 4);
    const z = robustZ([10, 11, 9, 10, 1000], 0.5);
    expect(z[4]).toBeGreaterThan(600);
    // A constant feature: the floor keeps differences finite.
    expect(Array.from(robustZ([2, 2, 2, 3], 0.5))).toEqual([0, 0, 0, 2]);
  });

  it('computes distribution tails against known values', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(gammaP(1, 1)).toBeCloseTo(1 - Math.exp(-1), 10);
    // χ² with 1 degree of freedom at 3.841: p = 0.05; with 10 at 18.307: p = 0.05.
    expect(chiSquareSurvival(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareSurvival(18.307, 10)).toBeCloseTo(0.05, 3);
    // Poisson(2): P(X ≥ 5) = 1 − P(X ≤ 4) = 0.052653
    expect(poissonUpperTail(5, 2)).toBeCloseTo(0.052653, 5);
    expect(poissonUpperTail(0, 2)).toBe(1);
    // Binomial(10, 0.5): P(X ≥ 8) = 56/1024
    expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 10);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
  });

  it('compares distributions: the same shape passes, a shifted one has large KL and tiny p', () => {
    const same = compareDistributions([100, 200, 300], [1000, 2000, 3000]);
    expect(same.pValue).toBeGreaterThan(0.9);
    expect(same.kl).toBeLessThan(1e-4);
    const shifted = compareDistributions([300, 200, 100], [1000, 2000, 3000]);
    expect(shifted.pValue).toBeLessThan(1e-10);
    expect(shifted.kl).toBeGreaterThan(0.2);
    expect(compareDistributions([1], [1]).pValue).toBe(1);
  });

  it('maps evidence to scores', () => {
    expect(excessScore(1, 2, 1)).toBe(0);
    expect(excessScore(3, 2, 1)).toBe(0.5);
    expect(noisyOr([0.5, 0.5])).toBe(0.75);
    expect(noisyOr([])).toBe(0);
  });
});
