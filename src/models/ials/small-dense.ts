/**
 * Small dense linear algebra for factor models (d ≈ 16–256): Gram matrices, Cholesky solves and
 * conjugate gradients on Float64Array, row-major. Plain loops: at this size the JavaScript JIT is
 * within a small factor of SIMD, and the calls are many and short.
 */

/** G = Fᵀ·F for a row-major factor matrix F (rows × d), written into `out` (d × d). */
export function gramOf(factors: Float32Array, rows: number, d: number, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    for (let a = 0; a < d; a++) {
      const fa = factors[base + a]!;
      if (fa === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) out[row + b]! += fa * factors[base + b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) out[a * d + b] = out[b * d + a]!;
}

/** In-place Cholesky of a d×d SPD matrix (lower triangle); false when not positive definite. */
export function choleskyInPlace(a: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= a[j * d + k]! * a[j * d + k]!;
    if (!(s > 0)) return false;
    const l = Math.sqrt(s);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= a[i * d + k]! * a[j * d + k]!;
      a[i * d + j] = t / l;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place (b becomes x), with L from `choleskyInPlace`. */
export function choleskySolve(l: Float64Array, d: number, b: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
}

/** out = M·v for a d×d matrix. */
export function matVec(m: Float64Array, v: Float64Array, d: number, out: Float64Array): void {
  for (let a = 0; a < d; a++) {
    let s = 0;
    const row = a * d;
    for (let b = 0; b < d; b++) s += m[row + b]! * v[b]!;
    out[a] = s;
  }
}

/** Dot product of a Float32 row (at `offset`) with a Float64 vector. */
export function dotRow(factors: Float32Array, offset: number, v: Float64Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += factors[offset + k]! * v[k]!;
  return s;
}
