import type { Rng } from '../../core/rng.js';

/**
 * Percentile bootstrap of the gap (max − min) between group means: each replicate resamples every
 * group's users with replacement (stratified, so each group keeps its size) and takes the gap of
 * the resampled means. Returns the (1 − level)/2 and (1 + level)/2 percentiles of `replicates`
 * gaps. A CI that excludes 0 says the gap is not an accident of which users were tested.
 */
export function bootstrapGap(
  groups: readonly Float64Array[],
  rng: Rng,
  replicates = 1000,
  level = 0.95,
): [number, number] {
  const present = groups.filter((values) => values.length > 0);
  if (present.length < 2) return [0, 0];
  const gaps = new Float64Array(replicates);
  for (let b = 0; b < replicates; b++) {
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (const values of present) {
      let sum = 0;
      for (let n = 0; n < values.length; n++) sum += values[rng.int(values.length)]!;
      const mean = sum / values.length;
      if (mean > max) max = mean;
      if (mean < min) min = mean;
    }
    gaps[b] = max - min;
  }
  gaps.sort();
  return [quantile(gaps, (1 - level) / 2), quantile(gaps, (1 + level) / 2)];
}

/**
 * Percentile bootstrap of a mean: each replicate resamples `values` with replacement and takes the
 * mean. Returns the (1 − level)/2 and (1 + level)/2 percentiles of `replicates` means ([0, 0] for no
 * values).
 */
export function bootstrapMean(
  values: Float64Array,
  rng: Rng,
  replicates = 1000,
  level = 0.95,
): [number, number] {
  if (values.length === 0) return [0, 0];
  const means = new Float64Array(replicates);
  for (let b = 0; b < replicates; b++) {
    let sum = 0;
    for (let n = 0; n < values.length; n++) sum += values[rng.int(values.length)]!;
    means[b] = sum / values.length;
  }
  means.sort();
  return [quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2)];
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}
