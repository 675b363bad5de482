// Dense linear-algebra kernels in AssemblyScript, compiled to WebAssembly with SIMD (128-bit, two
// doubles per lane) by `npm run build`. Written here rather than taken from a library because no
// npm package offers BLAS/LAPACK speed without native binaries, and EASE needs an n×n inverse:
// these kernels run about four times faster than the same loops in JavaScript (docs/benchmarks.md).
//
// Conventions: row-major float64 matrices; every pointer is a byte offset into the linear memory
// the host imports (env.memory); `ld*` are row strides in elements. Nothing here allocates.

const F64 = 8;

@inline function at(base: usize, row: i32, ld: i32, col: i32): usize {
  return base + ((<usize>row * <usize>ld + <usize>col) << 3);
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Dot product of two contiguous vectors of length n. */
@inline function dot(x: usize, y: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; k < n; k++) s += load<f64>(x + (<usize>k << 3)) * load<f64>(y + (<usize>k << 3));
  return s;
}

/**
 * C[i][j] -= Σ_k A[i][k]·B[j][k] for an m×n block of C, with A m×K and B n×K (both row-major, so
 * each product is a dot product of two contiguous rows). Register-blocked 4 rows × 2 columns.
 */
export function gemmNT(m: i32, n: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = at(a, i, lda, 0);
    const a1 = at(a, i + 1, lda, 0);
    const a2 = at(a, i + 2, lda, 0);
    const a3 = at(a, i + 3, lda, 0);
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = at(b, j, ldb, 0);
      const b1 = at(b, j + 1, ldb, 0);
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      let k = 0;
      for (; k + 2 <= K; k += 2) {
        const o = <usize>k << 3;
        const x0 = v128.load(b0 + o);
        const x1 = v128.load(b1 + o);
        let y = v128.load(a0 + o);
        c00 = f64x2.add(c00, f64x2.mul(y, x0));
        c01 = f64x2.add(c01, f64x2.mul(y, x1));
        y = v128.load(a1 + o);
        c10 = f64x2.add(c10, f64x2.mul(y, x0));
        c11 = f64x2.add(c11, f64x2.mul(y, x1));
        y = v128.load(a2 + o);
        c20 = f64x2.add(c20, f64x2.mul(y, x0));
        c21 = f64x2.add(c21, f64x2.mul(y, x1));
        y = v128.load(a3 + o);
        c30 = f64x2.add(c30, f64x2.mul(y, x0));
        c31 = f64x2.add(c31, f64x2.mul(y, x1));
      }
      let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
      let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
      if (k < K) {
        const o = <usize>k << 3;
        const x0 = load<f64>(b0 + o);
        const x1 = load<f64>(b1 + o);
        const y0 = load<f64>(a0 + o), y1 = load<f64>(a1 + o), y2 = load<f64>(a2 + o), y3 = load<f64>(a3 + o);
        s00 += y0 * x0; s01 += y0 * x1; s10 += y1 * x0; s11 += y1 * x1;
        s20 += y2 * x0; s21 += y2 * x1; s30 += y3 * x0; s31 += y3 * x1;
      }
      let p = at(c, i, ldc, j);
      store<f64>(p, load<f64>(p) - s00);
      store<f64>(p + F64, load<f64>(p + F64) - s01);
      p = at(c, i + 1, ldc, j);
      store<f64>(p, load<f64>(p) - s10);
      store<f64>(p + F64, load<f64>(p + F64) - s11);
      p = at(c, i + 2, ldc, j);
      store<f64>(p, load<f64>(p) - s20);
      store<f64>(p + F64, load<f64>(p + F64) - s21);
      p = at(c, i + 3, ldc, j);
      store<f64>(p, load<f64>(p) - s30);
      store<f64>(p + F64, load<f64>(p + F64) - s31);
    }
    for (; j < n; j++) {
      const bj = at(b, j, ldb, 0);
      for (let r = 0; r < 4; r++) {
        const p = at(c, i + r, ldc, j);
        store<f64>(p, load<f64>(p) - dot(at(a, i + r, lda, 0), bj, K));
      }
    }
  }
  for (; i < m; i++) {
    const ai = at(a, i, lda, 0);
    for (let j = 0; j < n; j++) {
      const p = at(c, i, ldc, j);
      store<f64>(p, load<f64>(p) - dot(ai, at(b, j, ldb, 0), K));
    }
  }
}

/**
 * In-place Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite n×n matrix; only the
 * lower triangle (diagonal included) is read and overwritten with L. Blocked right-looking: the
 * trailing update, where almost all the work is, runs through `gemmNT`.
 * Returns 0, or k+1 when the leading (k+1)×(k+1) minor is not positive definite.
 */
export function potrf(a: usize, n: i32, lda: i32, nb: i32): i32 {
  for (let kb = 0; kb < n; kb += nb) {
    const b = min(nb, n - kb);
    // 1. Factor the diagonal block (its trailing update from earlier panels is already applied).
    for (let j = kb; j < kb + b; j++) {
      const rj = at(a, j, lda, kb);
      const d = load<f64>(at(a, j, lda, j)) - dot(rj, rj, j - kb);
      if (!(d > 0)) return j + 1;
      const l = Math.sqrt(d);
      store<f64>(at(a, j, lda, j), l);
      const inv = 1 / l;
      for (let i = j + 1; i < kb + b; i++) {
        const p = at(a, i, lda, j);
        store<f64>(p, (load<f64>(p) - dot(at(a, i, lda, kb), rj, j - kb)) * inv);
      }
    }
    // 2. Panel below it: L[i][kb..] = A[i][kb..]·L_kk⁻ᵀ, row by row (forward substitution).
    for (let i = kb + b; i < n; i++) {
      const ri = at(a, i, lda, kb);
      for (let j = kb; j < kb + b; j++) {
        const p = at(a, i, lda, j);
        const s = load<f64>(p) - dot(ri, at(a, j, lda, kb), j - kb);
        store<f64>(p, s / load<f64>(at(a, j, lda, j)));
      }
    }
    // 3. Trailing update of the lower triangle: A22 -= L21·L21ᵀ, block by block.
    for (let ib = kb + b; ib < n; ib += nb) {
      const mb = min(nb, n - ib);
      for (let jb = kb + b; jb <= ib; jb += nb) {
        const cols = min(nb, n - jb);
        gemmNT(mb, cols, b, at(a, ib, lda, kb), lda, at(a, jb, lda, kb), lda, at(a, ib, lda, jb), lda);
      }
    }
  }
  return 0;
}

/**
 * X = (L⁻¹)ᵀ for a lower-triangular L (as `potrf` leaves it): X is upper triangular, row-major, and
 * row j of X is the solution of L·x = e_j. Blocked by columns of X: each block first subtracts the
 * contributions of earlier columns with `gemmNT` (rows of X times rows of L), then finishes with a
 * small triangular solve.
 */
export function upperInverseTransposed(l: usize, x: usize, n: i32, ld: i32, nb: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(at(x, i, ld, j), i == j ? 1.0 : 0.0);
  }
  for (let kb = 0; kb < n; kb += nb) {
    const b = min(nb, n - kb);
    // X[j][kb..kb+b) -= Σ_{m<kb} X[j][m]·L[k][m] for rows j < kb+b; X[j][m] = 0 for m < j, so each
    // row block only needs the columns from its own start.
    for (let jb = 0; jb < kb; jb += nb) {
      const rows = min(nb, kb - jb);
      gemmNT(rows, b, kb - jb, at(x, jb, ld, jb), ld, at(l, kb, ld, jb), ld, at(x, jb, ld, kb), ld);
    }
    // Triangular solve within the block, for every row j < kb + b.
    for (let k = kb; k < kb + b; k++) {
      const lk = at(l, k, ld, kb);
      const inv = 1 / load<f64>(at(l, k, ld, k));
      for (let j = 0; j <= k; j++) {
        const p = at(x, j, ld, k);
        // Columns kb..k-1 of row j; only the part at or after j is non-zero.
        const from = max(kb, j);
        const s = load<f64>(p) - dot(at(x, j, ld, from), lk + (<usize>(from - kb) << 3), k - from);
        store<f64>(p, s * inv);
      }
    }
  }
}

/**
 * P = X·Xᵀ for an upper-triangular X (row-major): P[i][j] = Σ_{k ≥ max(i,j)} X[i][k]·X[j][k]. Writes
 * the whole symmetric P. With X = (L⁻¹)ᵀ this is (L·Lᵀ)⁻¹.
 */
export function upperGram(x: usize, p: usize, n: i32, ld: i32, nb: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(at(p, i, ld, j), 0.0);
  }
  for (let ib = 0; ib < n; ib += nb) {
    const rows = min(nb, n - ib);
    for (let jb = 0; jb <= ib; jb += nb) {
      const cols = min(nb, n - jb);
      // Rows ib.. of X are zero before column ib, so the product starts there. (gemmNT subtracts,
      // so P accumulates −X·Xᵀ and is negated below.)
      gemmNT(rows, cols, n - ib, at(x, ib, ld, ib), ld, at(x, jb, ld, ib), ld, at(p, ib, ld, jb), ld);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = -load<f64>(at(p, i, ld, j));
      store<f64>(at(p, i, ld, j), v);
      store<f64>(at(p, j, ld, i), v);
    }
  }
}

/**
 * G += Lᵀ·R for two sparse matrices with the same pattern (rows × n; `left` and `right` are their
 * float32 values): for each row, every pair of its entries, G[i][j] += left(r,i)·right(r,j), G a
 * float32 n×n matrix. With `symmetric` (left = right: the Gram matrix Xᵀ·X) only j ≥ i is
 * accumulated and the lower triangle mirrored at the end: half the scattered updates, which are
 * what this kernel's time goes to. `indptr` and `indices` are int32 arrays, sorted within rows.
 */
export function sparseCross(indptr: usize, indices: usize, left: usize, right: usize, rows: i32, g: usize, n: i32, symmetric: bool): void {
  for (let r = 0; r < rows; r++) {
    const start = load<i32>(indptr + (<usize>r << 2));
    const end = load<i32>(indptr + (<usize>(r + 1) << 2));
    for (let s = start; s < end; s++) {
      const i = load<i32>(indices + (<usize>s << 2));
      const wi = load<f32>(left + (<usize>s << 2));
      const row = g + ((<usize>i * <usize>n) << 2);
      for (let t = symmetric ? s : start; t < end; t++) {
        const p = row + (<usize>load<i32>(indices + (<usize>t << 2)) << 2);
        store<f32>(p, load<f32>(p) + wi * load<f32>(right + (<usize>t << 2)));
      }
    }
  }
  if (!symmetric) return;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) store<f32>(g + ((<usize>i * <usize>n + <usize>j) << 2), load<f32>(g + ((<usize>j * <usize>n + <usize>i) << 2)));
  }
}

/**
 * out[r][·] = Σ_s data[s]·B[indices[s]][·] for rows r of a sparse CSR matrix and a dense float32
 * matrix B (n × cols): the scores of many users at once for models whose score is a weighted sum of
 * item rows (EASE, item-kNN with dense neighbours). `out` is float32 rows × cols.
 */
export function sparseTimesDense(
  indptr: usize,
  indices: usize,
  data: usize,
  rows: i32,
  b: usize,
  cols: i32,
  out: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const o = out + ((<usize>r * <usize>cols) << 2);
    memory.fill(o, 0, <usize>cols << 2);
    const start = load<i32>(indptr + (<usize>r << 2));
    const end = load<i32>(indptr + (<usize>(r + 1) << 2));
    for (let s = start; s < end; s++) {
      const row = b + ((<usize>load<i32>(indices + (<usize>s << 2)) * <usize>cols) << 2);
      const w = f32x4.splat(load<f32>(data + (<usize>s << 2)));
      let j = 0;
      for (; j + 8 <= cols; j += 8) {
        const q = <usize>j << 2;
        v128.store(o + q, f32x4.add(v128.load(o + q), f32x4.mul(w, v128.load(row + q))));
        v128.store(o + q + 16, f32x4.add(v128.load(o + q + 16), f32x4.mul(w, v128.load(row + q + 16))));
      }
      const ws = load<f32>(data + (<usize>s << 2));
      for (; j < cols; j++) {
        const q = <usize>j << 2;
        store<f32>(o + q, load<f32>(o + q) + ws * load<f32>(row + q));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Factor-model kernels (float32, SIMD over the factor dimension; d must be a multiple of 4).

@inline function dot32(x: usize, y: usize, d: i32): f32 {
  let s = f32x4.splat(0);
  for (let k = 0; k < d; k += 4) {
    const o = <usize>k << 2;
    s = f32x4.add(s, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** y += a·x for float32 vectors of length d. */
@inline function axpy32(a: f32, x: usize, y: usize, d: i32): void {
  const va = f32x4.splat(a);
  for (let k = 0; k < d; k += 4) {
    const o = <usize>k << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
}

/** G = Fᵀ·F for rows × d float32 factors, G d×d float32 (full, symmetric). */
export function factorGram(f: usize, rows: i32, d: i32, g: usize): void {
  memory.fill(g, 0, (<usize>d * <usize>d) << 2);
  for (let r = 0; r < rows; r++) {
    const row = f + ((<usize>r * <usize>d) << 2);
    for (let a = 0; a < d; a++) axpy32(load<f32>(row + (<usize>a << 2)), row, g + ((<usize>a * <usize>d) << 2), d);
  }
}

/**
 * out = (α₀·G + λ·I)·v + Σ_{q ∈ [start,end)} (c_q − α₀)·(f_qᵀv)·f_q for one row's iALS system,
 * without forming it. `conf` holds each observed pair's confidence c_q.
 */
@inline function systemTimes(
  start: i32, end: i32, indices: usize, conf: usize, fixed: usize, d: i32, g: usize, a0: f32, lambda: f32, v: usize, out: usize,
): void {
  for (let a = 0; a < d; a++) store<f32>(out + (<usize>a << 2), a0 * dot32(g + ((<usize>a * <usize>d) << 2), v, d) + lambda * load<f32>(v + (<usize>a << 2)));
  for (let q = start; q < end; q++) {
    const f = fixed + ((<usize>load<i32>(indices + (<usize>q << 2)) * <usize>d) << 2);
    axpy32((load<f32>(conf + (<usize>q << 2)) - a0) * dot32(f, v, d), f, out, d);
  }
}

/**
 * One iALS half-step (Rendle et al. 2022 formulation): for every row r of a CSR matrix (users or
 * items), `cgSteps` conjugate-gradient steps on
 *   (α₀·FᵀF + Σ_observed (c − α₀)·f·fᵀ + λ_r·I)·x = Σ_observed c·f,
 * warm-started from the current x (row r of `solved`), with λ_r = λ·(count_r + α₀·fixedCount)^ν.
 * `gram` = FᵀF of `fixed`; `scratch` holds 4·d floats.
 */
export function ialsHalfStep(
  indptr: usize, indices: usize, conf: usize, rows: i32, solved: usize, fixed: usize, fixedCount: i32, d: i32, gram: usize,
  a0: f32, lambdaBase: f32, lambdaExponent: f32, cgSteps: i32, scratch: usize,
): void {
  const bytes = <usize>d << 2;
  const r = scratch;
  const p = scratch + bytes;
  const ap = scratch + 2 * bytes;
  for (let row = 0; row < rows; row++) {
    const start = load<i32>(indptr + (<usize>row << 2));
    const end = load<i32>(indptr + (<usize>(row + 1) << 2));
    const x = solved + ((<usize>row * <usize>d) << 2);
    const lambda = lambdaBase * <f32>Math.pow(<f64>(end - start) + <f64>a0 * <f64>fixedCount, <f64>lambdaExponent);
    // r = b − A·x
    systemTimes(start, end, indices, conf, fixed, d, gram, a0, lambda, x, ap);
    for (let k = 0; k < d; k++) store<f32>(r + (<usize>k << 2), -load<f32>(ap + (<usize>k << 2)));
    for (let q = start; q < end; q++) {
      const f = fixed + ((<usize>load<i32>(indices + (<usize>q << 2)) * <usize>d) << 2);
      axpy32(load<f32>(conf + (<usize>q << 2)), f, r, d);
    }
    memory.copy(p, r, bytes);
    let rsOld = dot32(r, r, d);
    for (let step = 0; step < cgSteps; step++) {
      if (rsOld < 1e-20) break;
      systemTimes(start, end, indices, conf, fixed, d, gram, a0, lambda, p, ap);
      const pAp = dot32(p, ap, d);
      if (!(pAp > 0)) break;
      const alpha = rsOld / pAp;
      axpy32(alpha, p, x, d);
      axpy32(-alpha, ap, r, d);
      const rsNew = dot32(r, r, d);
      const beta = rsNew / rsOld;
      // p = r + β·p
      const vb = f32x4.splat(beta);
      for (let k = 0; k < d; k += 4) {
        const o = <usize>k << 2;
        v128.store(p + o, f32x4.add(v128.load(r + o), f32x4.mul(vb, v128.load(p + o))));
      }
      rsOld = rsNew;
    }
  }
}

/** C = A·Bᵀ (overwrite) for float32 A (m × d) and B (n × d), d a multiple of 4: factor-model scores. */
export function gemmNT32(m: i32, n: i32, d: i32, a: usize, b: usize, c: usize): void {
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>i * <usize>d) << 2);
    const ci = c + ((<usize>i * <usize>n) << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + ((<usize>j * <usize>d) << 2);
      const b1 = b0 + (<usize>d << 2);
      const b2 = b1 + (<usize>d << 2);
      const b3 = b2 + (<usize>d << 2);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let k = 0; k < d; k += 4) {
        const o = <usize>k << 2;
        const x = v128.load(ai + o);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + o)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + o)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + o)));
      }
      store<f32>(ci + (<usize>j << 2), f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3));
      store<f32>(ci + (<usize>(j + 1) << 2), f32x4.extract_lane(s1, 0) + f32x4.extract_lane(s1, 1) + f32x4.extract_lane(s1, 2) + f32x4.extract_lane(s1, 3));
      store<f32>(ci + (<usize>(j + 2) << 2), f32x4.extract_lane(s2, 0) + f32x4.extract_lane(s2, 1) + f32x4.extract_lane(s2, 2) + f32x4.extract_lane(s2, 3));
      store<f32>(ci + (<usize>(j + 3) << 2), f32x4.extract_lane(s3, 0) + f32x4.extract_lane(s3, 1) + f32x4.extract_lane(s3, 2) + f32x4.extract_lane(s3, 3));
    }
    for (; j < n; j++) store<f32>(ci + (<usize>j << 2), dot32(ai, b + ((<usize>j * <usize>d) << 2), d));
  }
}

/**
 * Forward substitution for many right-hand sides: each row x of X (count × d, row-major) becomes
 * L⁻¹·x, L the lower-triangular factor `potrf` leaves in `l` (d × d). Each step is a contiguous dot
 * product of a row of L with the solved part of x.
 */
export function lowerSolveRows(l: usize, x: usize, count: i32, d: i32): void {
  for (let r = 0; r < count; r++) {
    const row = x + ((<usize>r * <usize>d) << 3);
    for (let i = 0; i < d; i++) {
      const p = row + (<usize>i << 3);
      store<f64>(p, (load<f64>(p) - dot(at(l, i, d, 0), row, i)) / load<f64>(at(l, i, d, i)));
    }
  }
}

/** Back substitution x ← L⁻ᵀ·x for one vector, L as `potrf` leaves it (d × d). */
export function upperSolveTransposed(l: usize, x: usize, d: i32): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = load<f64>(x + (<usize>i << 3));
    for (let k = i + 1; k < d; k++) s -= load<f64>(at(l, k, d, i)) * load<f64>(x + (<usize>k << 3));
    store<f64>(x + (<usize>i << 3), s / load<f64>(at(l, i, d, i)));
  }
}
