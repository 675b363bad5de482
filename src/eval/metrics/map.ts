import type { UserMetric } from './metric.js';

/** MAP@k: AP@k = (1 / min(|relevant|, k)) · Σ_{r ≤ k, rel_r = 1} precision@r (RecBole's definition). */
export const meanAveragePrecision: UserMetric = {
  name: 'map',
  kind: 'user',
  compute(ranked, relevant, k) {
    let hits = 0;
    let sum = 0;
    const limit = Math.min(k, ranked.length);
    for (let r = 0; r < limit; r++) {
      if (!relevant.has(ranked[r]!)) continue;
      hits++;
      sum += hits / (r + 1);
    }
    return sum / Math.min(relevant.size, k);
  },
};
