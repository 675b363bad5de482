import type { Csr } from '../../matrix/csr.js';

/** Pairs further apart than this many time scales add e^−20 ≈ 2·10⁻⁹ of a co-occurrence: skipped. */
const HORIZON = 20;

export interface TimeProximityOptions {
  /** τ in milliseconds: the time scale over which co-occurrence fades from full to `floor`. */
  scaleMs: number;
  /** Share of a co-occurrence that counts however far apart the two interactions are (0..1). */
  floor: number;
}

/**
 * Turns a Gram matrix XᵀX (row-major n×n, float64) into a time-proximity Gram matrix in place:
 *
 *   G[a][b] = Σ_u x_ua·x_ub·(f + (1 − f)·exp(−|t_ua − t_ub| / τ))
 *
 * so two items a user took within minutes of each other (one shopping session) count as more
 * related than two taken months apart. The kernel exp(−|Δ|/τ) is positive definite on the real line,
 * so G stays a valid Gram matrix (EASE's closed form still applies) and its diagonal is unchanged.
 * Only pairs within HORIZON·τ of each other are visited (per user, items sorted by time), so the
 * extra cost over XᵀX is the number of near-in-time pairs, not all pairs.
 *
 * `times` is aligned with `matrix.data` (the time of each user–item pair).
 */
export function applyTimeProximity(
  gram: Float64Array,
  matrix: Csr,
  times: Float64Array,
  options: TimeProximityOptions,
): void {
  const n = matrix.cols;
  const floor = options.floor;
  const near = 1 - floor;
  if (near === 0) return;
  for (let k = 0; k < gram.length; k++) gram[k]! *= floor;
  const horizon = HORIZON * options.scaleMs;
  const inverseScale = 1 / options.scaleMs;
  let order = new Int32Array(0);
  for (let u = 0; u < matrix.rows; u++) {
    const start = matrix.indptr[u]!;
    const length = matrix.indptr[u + 1]! - start;
    if (length === 0) continue;
    if (order.length < length) order = new Int32Array(Math.max(length, order.length * 2));
    const byTime = order.subarray(0, length);
    for (let p = 0; p < length; p++) byTime[p] = start + p;
    byTime.sort((x, y) => times[x]! - times[y]! || x - y);
    for (let p = 0; p < length; p++) {
      const at = byTime[p]!;
      const a = matrix.indices[at]!;
      const xa = matrix.data[at]!;
      const ta = times[at]!;
      gram[a * n + a]! += near * xa * xa;
      for (let q = p + 1; q < length; q++) {
        const other = byTime[q]!;
        const gap = times[other]! - ta;
        if (gap > horizon) break;
        const b = matrix.indices[other]!;
        const weight = near * xa * matrix.data[other]! * Math.exp(-gap * inverseScale);
        gram[a * n + b]! += weight;
        gram[b * n + a]! += weight;
      }
    }
  }
}
