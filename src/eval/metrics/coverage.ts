import type { ListMetric } from './metric.js';

/** Catalogue coverage@k = |⋃ top-k lists| / number of items. */
export const coverage: ListMetric = {
  name: 'coverage',
  kind: 'list',
  compute(lists, k, catalogue) {
    const shown = new Uint8Array(catalogue.itemCount);
    let distinct = 0;
    for (const list of lists) {
      for (let r = 0; r < Math.min(k, list.length); r++) {
        if (shown[list[r]!] === 0) {
          shown[list[r]!] = 1;
          distinct++;
        }
      }
    }
    return catalogue.itemCount > 0 ? distinct / catalogue.itemCount : 0;
  },
};
