import { describe, expect, it } from 'vitest';
import { averagePopularity } from './arp.js';
import { longTailShare } from './aplt.js';
import { coverage } from './coverage.js';
import { intraListDiversity } from './diversity.js';
import { exposureGini, giniOf } from './gini.js';
import { hitRate } from './hit-rate.js';
import { meanAveragePrecision } from './map.js';
import type { CatalogueStats } from './metric.js';
import { meanReciprocalRank } from './mrr.js';
import { ndcg } from './ndcg.js';
import { novelty } from './novelty.js';
import { precision } from './precision.js';
import { recall } from './recall.js';

const ranked = Int32Array.from([3, 7, 1, 9, 4]);
const relevant = new Set([7, 4, 8]);

describe('accuracy metrics (hand-computed)', () => {
  it('precision, recall, hit rate', () => {
    expect(precision.compute(ranked, relevant, 5)).toBeCloseTo(2 / 5, 12);
    expect(precision.compute(ranked, relevant, 2)).toBeCloseTo(1 / 2, 12);
    expect(recall.compute(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(recall.compute(ranked, relevant, 1)).toBe(0);
    expect(hitRate.compute(ranked, relevant, 1)).toBe(0);
    expect(hitRate.compute(ranked, relevant, 2)).toBe(1);
  });

  it('NDCG: hits at ranks 2 and 5 over an ideal of 3 hits', () => {
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(6);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcg.compute(ranked, relevant, 5)).toBeCloseTo(dcg / ideal, 12);
    // At k = 2 the ideal has only 2 hits.
    expect(ndcg.compute(ranked, relevant, 2)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcg.compute(Int32Array.from([7, 4, 8]), relevant, 3)).toBeCloseTo(1, 12);
  });

  it('MAP and MRR', () => {
    // Precision at the hits: 1/2 (rank 2), 2/5 (rank 5); divided by min(|relevant|, k) = 3.
    expect(meanAveragePrecision.compute(ranked, relevant, 5)).toBeCloseTo((1 / 2 + 2 / 5) / 3, 12);
    expect(meanAveragePrecision.compute(ranked, relevant, 2)).toBeCloseTo(1 / 2 / 2, 12);
    expect(meanReciprocalRank.compute(ranked, relevant, 5)).toBeCloseTo(1 / 2, 12);
    expect(meanReciprocalRank.compute(ranked, new Set([99]), 5)).toBe(0);
  });

  it('handles lists shorter than k and ties in the relevant set', () => {
    const short = Int32Array.from([4]);
    expect(precision.compute(short, relevant, 5)).toBeCloseTo(1 / 5, 12);
    expect(ndcg.compute(short, relevant, 5)).toBeCloseTo(1 / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 12);
  });
});

describe('beyond-accuracy metrics (hand-computed)', () => {
  const catalogue: CatalogueStats = {
    itemCount: 5,
    userCount: 8,
    popularity: Int32Array.from([8, 4, 2, 1, 0]),
    longTail: Uint8Array.from([0, 1, 1, 1, 1]),
    category: Int32Array.from([0, 0, 1, 1, -1]),
  };
  const lists = [Int32Array.from([0, 1]), Int32Array.from([0, 2]), Int32Array.from([3, 4])];

  it('coverage, ARP, APLT', () => {
    expect(coverage.compute(lists, 2, catalogue)).toBeCloseTo(5 / 5, 12);
    expect(coverage.compute(lists, 1, catalogue)).toBeCloseTo(2 / 5, 12);
    expect(averagePopularity.compute(lists, 2, catalogue)).toBeCloseTo((8 + 4 + 8 + 2 + 1 + 0) / 6, 12);
    expect(longTailShare.compute(lists, 2, catalogue)).toBeCloseTo((0.5 + 0.5 + 1) / 3, 12);
  });

  it('intra-list diversity by category', () => {
    // [0,1] same category → 0; [0,2] different → 1; [3,4] one without category → 1.
    expect(intraListDiversity.compute(lists, 2, catalogue)).toBeCloseTo(2 / 3, 12);
  });

  it('novelty is the mean self-information of recommended items', () => {
    const expected =
      (-Math.log2(8 / 8) -
        Math.log2(4 / 8) -
        Math.log2(8 / 8) -
        Math.log2(2 / 8) -
        Math.log2(1 / 8) -
        Math.log2(1 / 8)) /
      6;
    expect(novelty.compute(lists, 2, catalogue)).toBeCloseTo(expected, 12);
  });

  it('Gini of exposure', () => {
    expect(giniOf(Float64Array.from([1, 1, 1, 1]))).toBeCloseTo(0, 12);
    expect(giniOf(Float64Array.from([0, 0, 0, 4]))).toBeCloseTo(0.75, 12);
    // Exposure counts at k = 2: item 0 twice, items 1–4 once: sorted [1,1,1,1,2], total 6.
    const g =
      ((2 * 1 - 6) * 1 + (2 * 2 - 6) * 1 + (2 * 3 - 6) * 1 + (2 * 4 - 6) * 1 + (2 * 5 - 6) * 2) / (5 * 6);
    expect(exposureGini.compute(lists, 2, catalogue)).toBeCloseTo(g, 12);
  });
});
