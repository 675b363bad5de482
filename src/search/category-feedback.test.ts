import { describe, expect, it } from 'vitest';
import { categoryFeedback } from './category-feedback.js';

/** Documents 0–5 and their category path ids (−1: none). */
const categoryOf = Int32Array.from([0, 1, 1, 1, -1, 2]);
const options = { weight: 0.4, depth: 30, minRelativeScore: 0.8 };

describe('category feedback', () => {
  it('raises results by weight × their category’s share of the best results’ scores', () => {
    // Results in list order: doc 0 (category 0) is best; docs 1–3 (category 1) close behind.
    const docs = Int32Array.from([0, 1, 2, 3, 5]);
    const scores = Float32Array.from([10, 9, 9, 8, 2]);
    const feedback = categoryFeedback(docs, scores, categoryOf, options)!;
    // Voters: scores ≥ 8 → category 0: 10, category 1: 26 of 36; doc 5 (score 2) does not vote.
    expect(feedback.shares.get(0)).toBeCloseTo(10 / 36, 6);
    expect(feedback.shares.get(1)).toBeCloseTo(26 / 36, 6);
    expect(feedback.shares.has(2)).toBe(false);
    expect(feedback.boosts[0]).toBeCloseTo(10 * 0.4 * (10 / 36), 5);
    expect(feedback.boosts[1]).toBeCloseTo(9 * 0.4 * (26 / 36), 5);
    expect(feedback.boosts[4]).toBe(0);
    // The plant-based milks overtake the shorter-titled yogurt.
    expect(scores[1]! + feedback.boosts[1]!).toBeGreaterThan(scores[0]! + feedback.boosts[0]!);
  });

  it('lets only the best `depth` results vote, and none without a category', () => {
    const docs = Int32Array.from([4, 0, 1, 2]);
    const scores = Float32Array.from([10, 9.5, 9, 9]);
    const one = categoryFeedback(docs, scores, categoryOf, { ...options, depth: 2 })!;
    // Doc 4 (no category) does not vote; doc 0 holds every vote of the best two.
    expect([...one.shares]).toEqual([[0, 1]]);
    expect(one.boosts[0]).toBe(0);
    expect(one.boosts[1]).toBeCloseTo(9.5 * 0.4, 5);
    expect(one.boosts[2]).toBe(0);
  });

  it('does nothing when turned off, for an empty list or when no voter has a category', () => {
    const docs = Int32Array.from([4]);
    const scores = Float32Array.from([3]);
    expect(categoryFeedback(docs, scores, categoryOf, options)).toBeUndefined();
    expect(
      categoryFeedback(Int32Array.from([0]), Float32Array.from([1]), categoryOf, { ...options, weight: 0 }),
    ).toBeUndefined();
    expect(categoryFeedback(new Int32Array(0), new Float32Array(0), categoryOf, options)).toBeUndefined();
  });
});
