import type { ListMetric } from './metric.js';

/**
 * Novelty@k (Zhou et al. 2010): the mean self-information −log2(p_i) of recommended items, p_i the
 * share of training users who interacted with item i (items nobody saw count as 1 user).
 */
export const novelty: ListMetric = {
  name: 'novelty',
  kind: 'list',
  compute(lists, k, catalogue) {
    let sum = 0;
    let count = 0;
    for (const list of lists) {
      for (let r = 0; r < Math.min(k, list.length); r++) {
        sum += -Math.log2(Math.max(1, catalogue.popularity[list[r]!]!) / catalogue.userCount);
        count++;
      }
    }
    return count > 0 ? sum / count : 0;
  },
};
