import { type UserMetric, hitsAt } from './metric.js';

/** HR@k = 1 when at least one relevant item is in the top k, else 0. */
export const hitRate: UserMetric = {
  name: 'hr',
  kind: 'user',
  compute: (ranked, relevant, k) => (hitsAt(ranked, relevant, k) > 0 ? 1 : 0),
};
