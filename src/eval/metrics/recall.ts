import { type UserMetric, hitsAt } from './metric.js';

/** Recall@k = |top-k ∩ relevant| / |relevant| (as Microsoft Recommenders and RecBole define it). */
export const recall: UserMetric = {
  name: 'recall',
  kind: 'user',
  compute: (ranked, relevant, k) => hitsAt(ranked, relevant, k) / relevant.size,
};
