import type { UserMetric } from './metric.js';

/**
 * NDCG@k with binary relevance: DCG = Σ_{r=1..k} rel_r / log2(r + 1), divided by the ideal DCG of
 * min(|relevant|, k) hits at the top.
 */
export const ndcg: UserMetric = {
  name: 'ndcg',
  kind: 'user',
  compute(ranked, relevant, k) {
    let dcg = 0;
    const limit = Math.min(k, ranked.length);
    for (let r = 0; r < limit; r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
    let ideal = 0;
    for (let r = 0; r < Math.min(k, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
    return ideal > 0 ? dcg / ideal : 0;
  },
};
