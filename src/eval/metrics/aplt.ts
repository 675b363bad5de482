import type { ListMetric } from './metric.js';

/**
 * APLT@k (average percentage of long tail, Abdollahpouri et al. 2019): the mean share of long-tail
 * items per list; the long tail is every item outside the top 20 % most popular.
 */
export const longTailShare: ListMetric = {
  name: 'aplt',
  kind: 'list',
  compute(lists, k, catalogue) {
    let total = 0;
    let counted = 0;
    for (const list of lists) {
      const n = Math.min(k, list.length);
      if (n === 0) continue;
      let tail = 0;
      for (let r = 0; r < n; r++) tail += catalogue.longTail[list[r]!]!;
      total += tail / n;
      counted++;
    }
    return counted > 0 ? total / counted : 0;
  },
};
