import { type UserMetric, hitsAt } from './metric.js';

/** Precision@k = |top-k ∩ relevant| / k. */
export const precision: UserMetric = {
  name: 'precision',
  kind: 'user',
  compute: (ranked, relevant, k) => hitsAt(ranked, relevant, k) / k,
};
