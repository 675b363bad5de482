import type { ListMetric } from './metric.js';

/**
 * Intra-list diversity@k: the mean, over lists, of the share of item pairs in different categories
 * (distance 1 between categories, 0 within one; items without a category count as their own).
 */
export const intraListDiversity: ListMetric = {
  name: 'ild',
  kind: 'list',
  compute(lists, k, catalogue) {
    let total = 0;
    let counted = 0;
    for (const list of lists) {
      const n = Math.min(k, list.length);
      if (n < 2) continue;
      let different = 0;
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          const ca = catalogue.category[list[a]!]!;
          const cb = catalogue.category[list[b]!]!;
          if (ca < 0 || cb < 0 || ca !== cb) different++;
        }
      }
      total += different / ((n * (n - 1)) / 2);
      counted++;
    }
    return counted > 0 ? total / counted : 0;
  },
};
