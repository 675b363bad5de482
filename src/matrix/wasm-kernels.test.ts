import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { csrFromTriplets } from './csr.js';
import { WasmKernels } from './wasm-kernels.js';

/** A random symmetric positive-definite matrix: Mᵀ·M + n·I. */
function spd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += m[k * n + i]! * m[k * n + j]!;
      a[i * n + j] = s + (i === j ? n : 0);
    }
  }
  return a;
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return c;
}

describe('WebAssembly kernels', () => {
  const kernels = new WasmKernels();

  it.each([1, 2, 5, 63, 64, 65, 130, 200])('inverts an n×n SPD matrix (n = %i): A·A⁻¹ = I', (n) => {
    const a = spd(n, n);
    const inverse = kernels.spdInverse(a, n);
    const product = multiply(a, inverse, n);
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(product[i * n + j]! - (i === j ? 1 : 0)));
    expect(worst).toBeLessThan(1e-9);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => kernels.spdInverse(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });

  it('subtracts A·Bᵀ for odd sizes', () => {
    const rng = createRng(3);
    const [m, n, k] = [7, 5, 9];
    const a = Float64Array.from({ length: m * k }, () => rng.next());
    const b = Float64Array.from({ length: n * k }, () => rng.next());
    const c = Float64Array.from({ length: m * n }, () => rng.next());
    const expected = c.slice();
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        for (let t = 0; t < k; t++) expected[i * n + j]! -= a[i * k + t]! * b[j * k + t]!;
    kernels.gemmNT(a, b, c, m, n, k);
    for (let x = 0; x < c.length; x++) expect(c[x]).toBeCloseTo(expected[x]!, 12);
  });

  it('computes the Gram matrix of a sparse matrix and sparse × dense products', () => {
    const x = csrFromTriplets(
      3,
      4,
      Int32Array.from([0, 0, 1, 2, 2]),
      Int32Array.from([0, 2, 1, 2, 3]),
      Float32Array.from([1, 2, 3, 1, 0.5]),
    );
    const gram = kernels.sparseGram(x);
    expect([...gram]).toEqual([1, 0, 2, 0, 0, 9, 0, 0, 2, 0, 5, 0.5, 0, 0, 0.5, 0.25]);
    const dense = Float32Array.from({ length: 4 * 9 }, (_, n) => n);
    const out = new Float32Array(3 * 9);
    kernels.sparseTimesDense(x, dense, 9, out);
    for (let j = 0; j < 9; j++) {
      expect(out[j]).toBeCloseTo(1 * dense[j]! + 2 * dense[18 + j]!, 5);
      expect(out[9 + j]).toBeCloseTo(3 * dense[9 + j]!, 5);
      expect(out[18 + j]).toBeCloseTo(dense[18 + j]! + 0.5 * dense[27 + j]!, 5);
    }
  });
});
