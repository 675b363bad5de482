import type { ListMetric } from './metric.js';

/** ARP@k (average recommendation popularity): mean training popularity of the recommended items. */
export const averagePopularity: ListMetric = {
  name: 'arp',
  kind: 'list',
  compute(lists, k, catalogue) {
    let sum = 0;
    let count = 0;
    for (const list of lists) {
      for (let r = 0; r < Math.min(k, list.length); r++) {
        sum += catalogue.popularity[list[r]!]!;
        count++;
      }
    }
    return count > 0 ? sum / count : 0;
  },
};
