import type { UserMetric } from './metric.js';

/** MRR@k = 1 / rank of the first relevant item within the top k, 0 when there is none. */
export const meanReciprocalRank: UserMetric = {
  name: 'mrr',
  kind: 'user',
  compute(ranked, relevant, k) {
    const limit = Math.min(k, ranked.length);
    for (let r = 0; r < limit; r++) if (relevant.has(ranked[r]!)) return 1 / (r + 1);
    return 0;
  },
};
