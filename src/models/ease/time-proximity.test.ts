import { describe, expect, it } from 'vitest';
import { csrFromTriplets } from '../../matrix/csr.js';
import { applyTimeProximity } from './time-proximity.js';

/** Two users over three items; user 0 took items 0 and 1 ten minutes apart, item 2 a day later. */
function fixture() {
  const matrix = csrFromTriplets(
    2,
    3,
    Int32Array.of(0, 0, 0, 1, 1),
    Int32Array.of(0, 1, 2, 0, 2),
    Float32Array.of(1, 2, 1, 1, 0.5),
  );
  const minute = 60_000;
  // Aligned with matrix.data (row 0: items 0, 1, 2; row 1: items 0, 2).
  const times = Float64Array.of(0, 10 * minute, 1440 * minute, 5 * minute, 5 * minute);
  return { matrix, times };
}

function plainGram(): Float64Array {
  const { matrix } = fixture();
  const gram = new Float64Array(9);
  for (let u = 0; u < matrix.rows; u++)
    for (let p = matrix.indptr[u]!; p < matrix.indptr[u + 1]!; p++)
      for (let q = matrix.indptr[u]!; q < matrix.indptr[u + 1]!; q++)
        gram[matrix.indices[p]! * 3 + matrix.indices[q]!]! += matrix.data[p]! * matrix.data[q]!;
  return gram;
}

describe('time-proximity Gram matrix', () => {
  it('weighs each co-occurrence by f + (1 − f)·exp(−|Δt|/τ), computed by hand', () => {
    const { matrix, times } = fixture();
    const gram = plainGram();
    const tau = 600_000; // 10 minutes
    const f = 0.3;
    applyTimeProximity(gram, matrix, times, { scaleMs: tau, floor: f });
    const kernel = (gapMinutes: number) => f + (1 - f) * Math.exp(-(gapMinutes * 60_000) / tau);
    // Diagonal: Σ x² unchanged (gap 0).
    expect(gram[0]).toBeCloseTo(1 + 1, 12);
    expect(gram[4]).toBeCloseTo(4, 12);
    expect(gram[8]).toBeCloseTo(1 + 0.25, 12);
    // (0, 1): user 0 only, 10 minutes apart, x = 1·2.
    expect(gram[1]).toBeCloseTo(2 * kernel(10), 12);
    expect(gram[3]).toBeCloseTo(gram[1]!, 12);
    // (0, 2): user 0 a day apart (beyond 20τ: the floor only), user 1 at the same time, x = 0.5.
    expect(gram[2]).toBeCloseTo(1 * f + 0.5 * 1, 12);
    // (1, 2): user 0, 1430 minutes apart.
    expect(gram[5]).toBeCloseTo(2 * f, 12);
    expect(gram[7]).toBeCloseTo(gram[5]!, 12);
  });

  it('leaves XᵀX as it is with a floor of 1, and moves every entry towards it as τ grows', () => {
    const { matrix, times } = fixture();
    const unchanged = plainGram();
    applyTimeProximity(unchanged, matrix, times, { scaleMs: 1000, floor: 1 });
    expect(unchanged).toEqual(plainGram());
    const wide = plainGram();
    applyTimeProximity(wide, matrix, times, { scaleMs: 1e15, floor: 0 });
    plainGram().forEach((value, at) => expect(wide[at]).toBeCloseTo(value, 6));
  });

  it('stays positive definite (a valid Gram matrix for EASE)', () => {
    const { matrix, times } = fixture();
    const gram = plainGram();
    applyTimeProximity(gram, matrix, times, { scaleMs: 60_000, floor: 0 });
    // Leading principal minors of the 3×3 matrix, after a small ridge as EASE adds λ.
    const a = (i: number, j: number) => gram[i * 3 + j]! + (i === j ? 1e-6 : 0);
    expect(a(0, 0)).toBeGreaterThan(0);
    expect(a(0, 0) * a(1, 1) - a(0, 1) * a(1, 0)).toBeGreaterThan(0);
    const det =
      a(0, 0) * (a(1, 1) * a(2, 2) - a(1, 2) * a(2, 1)) -
      a(0, 1) * (a(1, 0) * a(2, 2) - a(1, 2) * a(2, 0)) +
      a(0, 2) * (a(1, 0) * a(2, 1) - a(1, 1) * a(2, 0));
    expect(det).toBeGreaterThan(0);
  });
});
