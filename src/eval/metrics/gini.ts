import type { ListMetric } from './metric.js';

/**
 * Gini index of exposure@k: how unevenly recommendations spread over the whole catalogue
 * (0 = every item shown equally often, 1 = one item gets everything). With counts x sorted
 * ascending, G = Σ_i (2i − n − 1)·x_i / (n·Σ x), i = 1..n.
 */
export const exposureGini: ListMetric = {
  name: 'gini',
  kind: 'list',
  compute(lists, k, catalogue) {
    return giniOf(exposureCounts(lists, k, catalogue.itemCount));
  },
};

export function exposureCounts(lists: readonly Int32Array[], k: number, itemCount: number): Float64Array {
  const counts = new Float64Array(itemCount);
  for (const list of lists) for (let r = 0; r < Math.min(k, list.length); r++) counts[list[r]!]!++;
  return counts;
}

export function giniOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    weighted += (2 * (i + 1) - n - 1) * sorted[i]!;
  }
  return total > 0 ? weighted / (n * total) : 0;
}
