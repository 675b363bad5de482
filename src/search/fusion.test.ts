import { describe, expect, it } from 'vitest';
import { type RankedList, reciprocalRankFusion, weightedBlend } from './fusion.js';

const list = (docs: number[], scores: number[]): RankedList => ({
  docs: Int32Array.from(docs),
  scores: Float32Array.from(scores),
});
const lexical = list([1, 2, 3], [10, 5, 1]);
const semantic = list([3, 4, 1], [0.9, 0.8, 0.5]);

function byDoc(fused: ReturnType<typeof reciprocalRankFusion>): Record<number, number> {
  const result: Record<number, number> = {};
  fused.docs.forEach((doc, i) => (result[doc] = fused.scores[i]!));
  return result;
}

describe('fusion', () => {
  it('reciprocal rank fusion adds (1 − w)/(k + lexical rank) and w/(k + semantic rank)', () => {
    const fused = reciprocalRankFusion(lexical, semantic, 0.4, 60);
    const scores = byDoc(fused);
    expect(Object.keys(scores).map(Number).sort()).toEqual([1, 2, 3, 4]);
    expect(scores[1]).toBeCloseTo(0.6 / 61 + 0.4 / 63, 7);
    expect(scores[2]).toBeCloseTo(0.6 / 62, 7);
    expect(scores[3]).toBeCloseTo(0.6 / 63 + 0.4 / 61, 7);
    expect(scores[4]).toBeCloseTo(0.4 / 62, 7);
    // Each side's part is reported separately (for reasons).
    const at = [...fused.docs].indexOf(3);
    expect(fused.lexical[at]).toBeCloseTo(0.6 / 63, 7);
    expect(fused.semantic[at]).toBeCloseTo(0.4 / 61, 7);
  });

  it('the weighted blend normalises lexical by the best score and semantic above the floor', () => {
    const scores = byDoc(weightedBlend(lexical, semantic, 0.25, 0.5));
    // doc 1: 0.75 · 10/10 + 0.25 · (0.5 − 0.5)/0.5 = 0.75
    expect(scores[1]).toBeCloseTo(0.75, 6);
    // doc 3: 0.75 · 1/10 + 0.25 · (0.9 − 0.5)/0.5 = 0.075 + 0.2
    expect(scores[3]).toBeCloseTo(0.275, 6);
    // doc 4: semantic only, 0.25 · 0.3/0.5
    expect(scores[4]).toBeCloseTo(0.15, 6);
  });

  it('weight 0 is lexical order, weight 1 is semantic order', () => {
    const order = (fused: ReturnType<typeof reciprocalRankFusion>) =>
      [...fused.docs]
        .map((doc, i) => ({ doc, score: fused.scores[i]! }))
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score)
        .map((entry) => entry.doc);
    expect(order(reciprocalRankFusion(lexical, semantic, 0, 60))).toEqual([1, 2, 3]);
    expect(order(reciprocalRankFusion(lexical, semantic, 1, 60))).toEqual([3, 4, 1]);
    expect(order(weightedBlend(lexical, semantic, 1, 0))).toEqual([3, 4, 1]);
  });
});
