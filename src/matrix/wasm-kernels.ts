import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AisleError } from '../core/errors.js';
import type { Csr } from './csr.js';

/** The WebAssembly kernels of src/matrix/wasm/kernels.ts (pointers are byte offsets). */
interface DenseExports {
  gemmNT(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
  ): void;
  potrf(a: number, n: number, lda: number, nb: number): number;
  upperInverseTransposed(l: number, x: number, n: number, ld: number, nb: number): void;
  upperGram(x: number, p: number, n: number, ld: number, nb: number): void;
  sparseCross(
    indptr: number,
    indices: number,
    left: number,
    right: number,
    rows: number,
    g: number,
    n: number,
    symmetric: number,
  ): void;
  gemmNT32(m: number, n: number, d: number, a: number, b: number, c: number): void;
  sparseTimesDense(
    indptr: number,
    indices: number,
    data: number,
    rows: number,
    b: number,
    cols: number,
    out: number,
  ): void;
  factorGram(f: number, rows: number, d: number, g: number): void;
  lowerSolveRows(l: number, x: number, count: number, d: number): void;
  upperSolveTransposed(l: number, x: number, d: number): void;
  ialsHalfStep(
    indptr: number,
    indices: number,
    conf: number,
    rows: number,
    solved: number,
    fixed: number,
    fixedCount: number,
    d: number,
    gram: number,
    a0: number,
    lambdaBase: number,
    lambdaExponent: number,
    cgSteps: number,
    scratch: number,
  ): void;
}

/** The parameters of one iALS half-step (see `ialsHalfStep` in src/matrix/wasm/kernels.ts). */
export interface IalsStepParameters {
  unobservedWeight: number;
  regularization: number;
  regularizationExponent: number;
  cgSteps: number;
}

/**
 * iALS training state held in WebAssembly memory across iterations: both CSR views of the
 * interactions with each pair's confidence, and both factor matrices (columns padded to a multiple
 * of 4 for SIMD; padding stays 0).
 */
export interface IalsTrainer {
  /** Updates user factors from item factors, then item factors from user factors. */
  iterate(parameters: IalsStepParameters): void;
  /** Copies the factors out (rows × d, padding removed). */
  userFactors(): Float32Array;
  itemFactors(): Float32Array;
}

/** Block size of the blocked factorisations: 64 doubles per row segment keep a block pair in L1/L2. */
const BLOCK = 64;
const PAGE = 65_536;
/** Allocations start past the module's own static data. */
const HEAP_START = 1 << 16;

/** The compiled kernels (`npm run build` writes them), found from src/matrix or dist/matrix alike. */
const WASM_PATH = fileURLToPath(new URL('../../dist/wasm/kernels.wasm', import.meta.url));
let compiled: WebAssembly.Module | undefined;

function module(): WebAssembly.Module {
  if (!compiled) {
    if (!existsSync(WASM_PATH)) {
      throw new AisleError('INTERNAL', `The dense kernels are not built (${WASM_PATH}); run npm run build`);
    }
    compiled = new WebAssembly.Module(readFileSync(WASM_PATH));
  }
  return compiled;
}

/** A matrix copied into a kernels instance's memory for good (see WasmKernels.pin). */
export interface PinnedMatrix {
  pointer: number;
  length: number;
}

/**
 * One instance of the dense kernels with its own linear memory and a bump allocator. Each call
 * below allocates what it needs, runs, copies results out and resets the allocator.
 */
export class WasmKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: DenseExports;
  private top = HEAP_START;
  /** Where per-call allocations start: after any matrices pinned for the instance's lifetime. */
  private base = HEAP_START;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 17, maximum: 65_536 });
    const instance = new WebAssembly.Instance(module(), {
      env: { memory: this.memory, abort: () => undefined },
    });
    this.kernels = instance.exports as unknown as DenseExports;
  }

  /**
   * The inverse of a symmetric positive-definite n×n matrix (row-major; only the lower triangle is
   * read): Cholesky A = L·Lᵀ, then X = (L⁻¹)ᵀ, then A⁻¹ = X·Xᵀ — about n³ floating-point operations.
   */
  spdInverse(matrix: Float64Array, n: number): Float64Array {
    const bytes = n * n * 8;
    const a = this.alloc(bytes);
    const x = this.alloc(bytes);
    try {
      this.f64(a, n * n).set(matrix.subarray(0, n * n));
      const failed = this.kernels.potrf(a, n, n, BLOCK);
      if (failed !== 0) {
        throw new AisleError(
          'INVALID_ARGUMENT',
          `The matrix is not positive definite (leading minor ${failed}); increase the regularisation`,
          {
            minor: failed,
          },
        );
      }
      this.kernels.upperInverseTransposed(a, x, n, n, BLOCK);
      this.kernels.upperGram(x, a, n, n, BLOCK);
      return this.f64(a, n * n).slice();
    } finally {
      this.reset();
    }
  }

  /** Xᵀ·X of a sparse matrix (rows × n) as a dense n×n float64 matrix (accumulated in float32). */
  sparseGram(matrix: Csr): Float64Array {
    return Float64Array.from(this.sparseCross(matrix, matrix.data));
  }

  /**
   * Lᵀ·R for two sparse matrices sharing `matrix`'s pattern, L with `matrix.data` and R with
   * `right` as values, as a dense n×n float32 matrix.
   */
  sparseCross(matrix: Csr, right: Float32Array): Float32Array {
    const n = matrix.cols;
    const [indptr, indices, data] = this.copyCsr(matrix);
    const symmetric = right === matrix.data;
    const other = symmetric ? data : this.alloc(Math.max(4, right.byteLength));
    if (!symmetric) new Float32Array(this.memory.buffer, other, right.length).set(right);
    const g = this.alloc(n * n * 4);
    try {
      new Float32Array(this.memory.buffer, g, n * n).fill(0);
      this.kernels.sparseCross(indptr, indices, data, other, matrix.rows, g, n, symmetric ? 1 : 0);
      return new Float32Array(this.memory.buffer, g, n * n).slice();
    } finally {
      this.reset();
    }
  }

  /**
   * Scores of factor models for a batch of users: out = U·Hᵀ (float32; U rows × d, H items × d,
   * d padded internally to a multiple of 4).
   */
  factorScores(
    userFactors: Float32Array,
    rows: number,
    itemFactors: Float32Array,
    items: number,
    d: number,
    out: Float32Array,
  ): void {
    const padded = Math.ceil(d / 4) * 4;
    const u = this.placePadded(userFactors, rows, d, padded);
    const h = this.placePadded(itemFactors, items, d, padded);
    const c = this.alloc(rows * items * 4);
    try {
      this.kernels.gemmNT32(rows, items, padded, u, h, c);
      out.set(new Float32Array(this.memory.buffer, c, rows * items));
    } finally {
      this.reset();
    }
  }

  /**
   * Copies a factor matrix (rows × d float32) in for good with its rows padded to a multiple of 4, for
   * `pinnedFactorScores` (see `pin`).
   */
  pinFactors(factors: Float32Array, rows: number, d: number): PinnedMatrix {
    this.reset();
    const padded = Math.ceil(d / 4) * 4;
    const pointer = this.placePadded(factors, rows, d, padded);
    this.base = this.top;
    return { pointer, length: rows * padded };
  }

  /** One user's scores against pinned item factors (from `pinFactors`): out[j] = ⟨w, f_j⟩, SIMD. */
  pinnedFactorScores(
    pinned: PinnedMatrix,
    items: number,
    d: number,
    w: Float64Array,
    out: Float32Array,
  ): void {
    const padded = Math.ceil(d / 4) * 4;
    const u = this.alloc(padded * 4);
    const c = this.alloc(items * 4);
    try {
      const user = new Float32Array(this.memory.buffer, u, padded);
      user.fill(0);
      for (let k = 0; k < d; k++) user[k] = w[k]!;
      this.kernels.gemmNT32(1, items, padded, u, pinned.pointer, c);
      out.set(new Float32Array(this.memory.buffer, c, items));
    } finally {
      this.reset();
    }
  }

  /**
   * Rows of a sparse matrix times a dense float32 matrix (n × cols), written into `out`
   * (rows × cols): the scores of many users at once for models that score by summing item rows.
   */
  sparseTimesDense(matrix: Csr, dense: Float32Array, cols: number, out: Float32Array): void {
    const [indptr, indices, data] = this.copyCsr(matrix);
    const b = this.alloc(dense.byteLength);
    const result = this.alloc(matrix.rows * cols * 4);
    try {
      new Float32Array(this.memory.buffer, b, dense.length).set(dense);
      this.kernels.sparseTimesDense(indptr, indices, data, matrix.rows, b, cols, result);
      out.set(new Float32Array(this.memory.buffer, result, matrix.rows * cols));
    } finally {
      this.reset();
    }
  }

  /**
   * Starts iALS training: copies the interactions (users × items and items × users, data = the
   * confidence of each pair) and the initial factors into this instance's memory, which then holds
   * them until the trainer is dropped (one trainer per instance at a time).
   */
  ialsTrainer(
    userItems: Csr,
    itemUsers: Csr,
    d: number,
    userFactors: Float32Array,
    itemFactors: Float32Array,
  ): IalsTrainer {
    this.reset();
    const padded = Math.ceil(d / 4) * 4;
    const [uIndptr, uIndices, uConf] = this.copyCsr(userItems);
    const [iIndptr, iIndices, iConf] = this.copyCsr(itemUsers);
    const users = userItems.rows;
    const items = userItems.cols;
    const uFactors = this.placePadded(userFactors, users, d, padded);
    const iFactors = this.placePadded(itemFactors, items, d, padded);
    const gram = this.alloc(padded * padded * 4);
    const scratch = this.alloc(4 * padded * 4);
    const read = (pointer: number, rows: number): Float32Array => {
      const view = new Float32Array(this.memory.buffer, pointer, rows * padded);
      const out = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) out.set(view.subarray(r * padded, r * padded + d), r * d);
      return out;
    };
    const k = this.kernels;
    return {
      iterate: (p) => {
        k.factorGram(iFactors, items, padded, gram);
        k.ialsHalfStep(
          uIndptr,
          uIndices,
          uConf,
          users,
          uFactors,
          iFactors,
          items,
          padded,
          gram,
          p.unobservedWeight,
          p.regularization,
          p.regularizationExponent,
          p.cgSteps,
          scratch,
        );
        k.factorGram(uFactors, users, padded, gram);
        k.ialsHalfStep(
          iIndptr,
          iIndices,
          iConf,
          items,
          iFactors,
          uFactors,
          users,
          padded,
          gram,
          p.unobservedWeight,
          p.regularization,
          p.regularizationExponent,
          p.cgSteps,
          scratch,
        );
      },
      userFactors: () => read(uFactors, users),
      itemFactors: () => read(iFactors, items),
    };
  }

  /**
   * Folds in the factors of many users at once: the iALS user half-step from zero factors, with the
   * item factors fixed (`histories` holds each observed pair's confidence). Returns rows × d.
   */
  ialsFoldIn(
    histories: Csr,
    itemFactors: Float32Array,
    d: number,
    parameters: IalsStepParameters,
  ): Float32Array {
    const padded = Math.ceil(d / 4) * 4;
    const items = histories.cols;
    const [indptr, indices, conf] = this.copyCsr(histories);
    const h = this.placePadded(itemFactors, items, d, padded);
    const u = this.alloc(histories.rows * padded * 4);
    const gram = this.alloc(padded * padded * 4);
    const scratch = this.alloc(4 * padded * 4);
    try {
      new Float32Array(this.memory.buffer, u, histories.rows * padded).fill(0);
      this.kernels.factorGram(h, items, padded, gram);
      this.kernels.ialsHalfStep(
        indptr,
        indices,
        conf,
        histories.rows,
        u,
        h,
        items,
        padded,
        gram,
        parameters.unobservedWeight,
        parameters.regularization,
        parameters.regularizationExponent,
        parameters.cgSteps,
        scratch,
      );
      const view = new Float32Array(this.memory.buffer, u, histories.rows * padded);
      const out = new Float32Array(histories.rows * d);
      for (let r = 0; r < histories.rows; r++) out.set(view.subarray(r * padded, r * padded + d), r * d);
      return out;
    } finally {
      this.reset();
    }
  }

  /** C -= A·Bᵀ (row-major float64; A m×k, B n×k, C m×n): exposed for tests and benchmarks. */
  gemmNT(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number): void {
    const pa = this.alloc(a.byteLength);
    const pb = this.alloc(b.byteLength);
    const pc = this.alloc(c.byteLength);
    try {
      this.f64(pa, a.length).set(a);
      this.f64(pb, b.length).set(b);
      this.f64(pc, c.length).set(c);
      this.kernels.gemmNT(m, n, k, pa, k, pb, k, pc, n);
      c.set(this.f64(pc, c.length));
    } finally {
      this.reset();
    }
  }

  /**
   * One user's exact iALS fold-in: A = base + Σ_h s_h·f_h·f_hᵀ (base = α₀·HᵀH + λ·I, s_h = c_h − α₀),
   * factored A = L·Lᵀ, and the factors w = A⁻¹·rhs. `historyT` and `scaledT` are the history's
   * factors transposed (d × n; `scaledT` multiplied by −s_h, as gemmNT subtracts). Returns undefined
   * when A is not positive definite, else `out` holding L (d × d) and w (d). The products and the
   * factorisation run with SIMD over doubles.
   */
  ialsSystem(
    base: Float64Array,
    historyT: Float64Array,
    scaledT: Float64Array,
    rhs: Float64Array,
    d: number,
    n: number,
    out: { cholesky: Float64Array; factors: Float64Array },
  ): { cholesky: Float64Array; factors: Float64Array } | undefined {
    const a = this.alloc(d * d * 8);
    const h = this.alloc(Math.max(8, historyT.byteLength));
    const s = this.alloc(Math.max(8, scaledT.byteLength));
    const x = this.alloc(d * 8);
    try {
      this.f64(a, d * d).set(base);
      this.f64(h, historyT.length).set(historyT);
      this.f64(s, scaledT.length).set(scaledT);
      this.f64(x, d).set(rhs);
      if (n > 0) this.kernels.gemmNT(d, d, n, h, n, s, n, a, d);
      if (this.kernels.potrf(a, d, d, 32) !== 0) return undefined;
      this.kernels.lowerSolveRows(a, x, 1, d);
      this.kernels.upperSolveTransposed(a, x, d);
      out.cholesky.set(this.f64(a, d * d));
      out.factors.set(this.f64(x, d));
      return out;
    } finally {
      this.reset();
    }
  }

  /**
   * Each row x of `rows` (count × d) solved as L⁻¹·x, L lower-triangular (d × d, from ialsSystem),
   * into `out` (count × d).
   */
  lowerSolveRows(
    cholesky: Float64Array,
    rows: Float64Array,
    count: number,
    d: number,
    out: Float64Array,
  ): Float64Array {
    const l = this.alloc(d * d * 8);
    const x = this.alloc(Math.max(8, count * d * 8));
    try {
      this.f64(l, d * d).set(cholesky);
      this.f64(x, count * d).set(rows.subarray(0, count * d));
      this.kernels.lowerSolveRows(l, x, count, d);
      out.set(this.f64(x, count * d));
      return out;
    } finally {
      this.reset();
    }
  }

  /** A·Bᵀ (row-major float64; A m×k, B n×k) into `out` (m×n). */
  crossRows(
    a: Float64Array,
    b: Float64Array,
    m: number,
    n: number,
    k: number,
    out: Float64Array,
  ): Float64Array {
    const c = out.fill(0);
    if (m === 0 || n === 0) return c;
    this.gemmNT(a, b, c, m, n, k);
    for (let i = 0; i < c.length; i++) c[i] = -c[i]!;
    return c;
  }

  /** Copies a rows × d float32 matrix in with its rows padded to `padded` columns of zeros. */
  private placePadded(source: Float32Array, rows: number, d: number, padded: number): number {
    const pointer = this.alloc(rows * padded * 4);
    const view = new Float32Array(this.memory.buffer, pointer, rows * padded);
    if (padded === d) view.set(source.subarray(0, rows * d));
    else {
      view.fill(0);
      for (let r = 0; r < rows; r++) view.set(source.subarray(r * d, (r + 1) * d), r * padded);
    }
    return pointer;
  }

  private copyCsr(matrix: Csr): [number, number, number] {
    const indptr = this.alloc(matrix.indptr.byteLength);
    const indices = this.alloc(Math.max(4, matrix.indices.byteLength));
    const data = this.alloc(Math.max(4, matrix.data.byteLength));
    new Int32Array(this.memory.buffer, indptr, matrix.indptr.length).set(matrix.indptr);
    new Int32Array(this.memory.buffer, indices, matrix.indices.length).set(matrix.indices);
    new Float32Array(this.memory.buffer, data, matrix.data.length).set(matrix.data);
    return [indptr, indices, data];
  }

  private alloc(bytes: number): number {
    const start = (this.top + 15) & ~15;
    const end = start + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      if (end > 65_536 * PAGE) {
        throw new AisleError(
          'INVALID_ARGUMENT',
          `A dense matrix of ${Math.round(end / 2 ** 20)} MB exceeds the 4 GB WebAssembly memory`,
        );
      }
      this.memory.grow(Math.ceil((end - have) / PAGE));
    }
    this.top = end;
    return start;
  }

  private reset(): void {
    this.top = this.base;
  }

  /**
   * Copies a dense float32 matrix in once and keeps it for this instance's lifetime, for serving:
   * each request then copies only its history in (a few hundred bytes), not the matrix.
   */
  pin(dense: Float32Array): PinnedMatrix {
    this.reset();
    const pointer = this.alloc(dense.byteLength);
    new Float32Array(this.memory.buffer, pointer, dense.length).set(dense);
    this.base = this.top;
    return { pointer, length: dense.length };
  }

  /** Sparse rows times a pinned dense matrix (n × cols), as sparseTimesDense. */
  sparseTimesPinned(matrix: Csr, pinned: PinnedMatrix, cols: number, out: Float32Array): void {
    const [indptr, indices, data] = this.copyCsr(matrix);
    const result = this.alloc(matrix.rows * cols * 4);
    try {
      this.kernels.sparseTimesDense(indptr, indices, data, matrix.rows, pinned.pointer, cols, result);
      out.set(new Float32Array(this.memory.buffer, result, matrix.rows * cols));
    } finally {
      this.reset();
    }
  }

  private f64(pointer: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, pointer, length);
  }
}
