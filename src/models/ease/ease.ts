import { z } from 'zod';
import { AisleError } from '../../core/errors.js';
import { type Csr, mapValues } from '../../matrix/csr.js';
import { type PinnedMatrix, WasmKernels } from '../../matrix/wasm-kernels.js';
import { topK } from '../../matrix/top-k.js';
import { artifactArray } from '../artifact.js';
import type {
  Contribution,
  DenseContributions,
  ModelArtifact,
  ModelDefinition,
  Recommender,
  UserHistory,
} from '../model.js';

/** EASE configuration. λ is tuned on the validation split; 500 suits MovieLens-sized catalogues. */
export const easeConfigSchema = z
  .object({
    /** L2 regularisation added to the Gram matrix's diagonal. */
    lambda: z.number().positive().default(500),
    /** Use 1 for every interaction instead of the summed event weight. */
    binary: z.boolean().default(true),
    /**
     * Dropout-style emphasis (EDLAE, Steck 2020): each item's diagonal is also raised by
     * p/(1−p)·G_ii, regularising popular items more. 0 gives plain EASE.
     */
    dropout: z.number().min(0).max(0.95).default(0),
    /**
     * Each user's row weighs |history|^−γ in the Gram matrix, so a few very active users do not
     * dominate the item-item statistics. 0 gives plain EASE.
     */
    userWeightExponent: z.number().min(0).max(1).default(0),
  })
  .strict();

export type EaseConfig = z.output<typeof easeConfigSchema>;

/**
 * The inverse runs on two dense n×n float64 matrices in WebAssembly memory (4 GB at most): 15,000
 * items need 3.6 GB, 16,384 the whole of it. Refuse larger catalogues clearly rather than fail there.
 */
const MAX_ITEMS = 15_000;

/**
 * EASE (Steck 2019): an item-item weight matrix B with zero diagonal fitted in closed form,
 * P = (XᵀX + λI)⁻¹, B = I − P·diag(1/diag(P)). A user's score for item j is Σ_i x_i·B[i][j], so it
 * decomposes exactly over the history. The inverse runs in the WebAssembly kernels.
 */
export const easeModel: ModelDefinition<EaseConfig> = {
  name: 'ease',
  description: 'EASE: closed-form item-item autoencoder (dense, λ-regularised)',
  configSchema: easeConfigSchema,
  searchSpace: {
    lambda: [50, 100, 200, 300, 400, 500, 800, 1200, 2000],
    userWeightExponent: [0, 0.25, 0.5],
    dropout: [0, 0.2, 0.33],
  },
  fit(data, config, context) {
    const n = data.interactions.cols;
    if (n > MAX_ITEMS) {
      throw new AisleError(
        'INVALID_ARGUMENT',
        `EASE keeps a dense ${n}×${n} matrix; use it with at most ${MAX_ITEMS} items (or item-kNN / iALS)`,
      );
    }
    const matrix = config.binary ? mapValues(data.interactions, () => 1) : data.interactions;
    const kernels = new WasmKernels();
    context.onProgress?.(0, 'Gram matrix');
    const gram =
      config.userWeightExponent > 0
        ? kernels.sparseGram(weightRows(matrix, config.userWeightExponent))
        : kernels.sparseGram(matrix);
    const emphasis = config.dropout / (1 - config.dropout);
    for (let i = 0; i < n; i++) gram[i * n + i]! += config.lambda + emphasis * gram[i * n + i]!;
    context.onProgress?.(0.1, 'inverse');
    const p = kernels.spdInverse(gram, n);
    const b = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      const scale = -1 / p[j * n + j]!;
      for (let i = 0; i < n; i++) if (i !== j) b[i * n + j] = p[i * n + j]! * scale;
    }
    context.onProgress?.(1, 'done');
    return new EaseRecommender(b, n, { ...config });
  },
  load(artifact) {
    const n = Number(artifact.meta['items']);
    return new EaseRecommender(artifactArray(artifact, 'b', Float32Array), n, artifact.config);
  },
};

/** Scales each row's values by √(|row|^−γ), so the Gram matrix weighs each row |row|^−γ. */
function weightRows(matrix: Csr, exponent: number): Csr {
  const data = new Float32Array(matrix.data.length);
  for (let r = 0; r < matrix.rows; r++) {
    const start = matrix.indptr[r]!;
    const end = matrix.indptr[r + 1]!;
    const scale = Math.sqrt((end - start) ** -exponent);
    for (let p = start; p < end; p++) data[p] = matrix.data[p]! * scale;
  }
  return { ...matrix, data };
}

/**
 * Up to this many items, serving keeps a second copy of B in the SIMD kernels' memory (256 MB at
 * the limit); larger models score with the scalar loop rather than double their memory.
 */
const PIN_MAX_ITEMS = 8_000;

function scoreScalar(
  b: Float32Array,
  n: number,
  history: UserHistory,
  binary: boolean,
  out: Float32Array,
): void {
  out.fill(0);
  for (let h = 0; h < history.items.length; h++) {
    const item = history.items[h]!;
    if (item >= n) continue;
    const w = binary ? 1 : history.weights[h]!;
    const row = item * n;
    for (let j = 0; j < n; j++) out[j]! += w * b[row + j]!;
  }
}

export class EaseRecommender implements Recommender {
  readonly name = 'ease';
  private kernels: WasmKernels | undefined;
  private served: { kernels: WasmKernels; b: PinnedMatrix } | undefined;

  constructor(
    /** Row-major n×n, B[i][j] = how much interacting with i says about j. */
    readonly b: Float32Array,
    readonly itemCount: number,
    private readonly config: Record<string, unknown>,
  ) {}

  score(history: UserHistory, out: Float32Array): void {
    const n = this.itemCount;
    if (n > PIN_MAX_ITEMS) {
      scoreScalar(this.b, n, history, this.config['binary'] !== false, out);
      return;
    }
    // Requests score one history at a time: B stays in the SIMD kernels' memory (pinned once, not
    // copied per call), several times faster than the scalar loop.
    if (!this.served) {
      const kernels = new WasmKernels();
      this.served = { kernels, b: kernels.pin(this.b) };
    }
    const binary = this.config['binary'] !== false;
    const items: number[] = [];
    const weights: number[] = [];
    for (let h = 0; h < history.items.length; h++) {
      if (history.items[h]! >= n) continue;
      items.push(history.items[h]!);
      weights.push(binary ? 1 : history.weights[h]!);
    }
    const row: Csr = {
      rows: 1,
      cols: n,
      indptr: Int32Array.of(0, items.length),
      indices: Int32Array.from(items),
      data: Float32Array.from(weights),
    };
    this.served.kernels.sparseTimesPinned(row, this.served.b, n, out);
  }

  scoreBatch(histories: Csr, out: Float32Array): void {
    this.kernels ??= new WasmKernels();
    const input = this.config['binary'] === false ? histories : mapValues(histories, () => 1);
    this.kernels.sparseTimesDense(input, this.b, this.itemCount, out);
  }

  explain(history: UserHistory, item: number): Contribution[] {
    const n = this.itemCount;
    const contributions: Contribution[] = [];
    for (let h = 0; h < history.items.length; h++) {
      const source = history.items[h]!;
      if (source >= n) continue;
      const w = this.config['binary'] === false ? history.weights[h]! : 1;
      const weight = w * this.b[source * n + item]!;
      if (weight !== 0) contributions.push({ kind: 'history', item: source, weight });
    }
    return contributions.sort((a, b) => b.weight - a.weight);
  }

  explainMany(history: UserHistory, items: Int32Array): DenseContributions {
    const n = this.itemCount;
    const length = history.items.length;
    const weights = new Float32Array(items.length * length);
    const binary = this.config['binary'] !== false;
    for (let h = 0; h < length; h++) {
      const source = history.items[h]!;
      if (source >= n) continue;
      const w = binary ? 1 : history.weights[h]!;
      const row = source * n;
      for (let e = 0; e < items.length; e++) weights[e * length + h] = w * this.b[row + items[e]!]!;
    }
    return { kind: 'history', weights };
  }

  similarItems(item: number, k: number): { indices: Int32Array; scores: Float32Array } {
    const row = this.b.slice(item * this.itemCount, (item + 1) * this.itemCount);
    row[item] = Number.NEGATIVE_INFINITY;
    return topK(row, k);
  }

  toArtifact(): ModelArtifact {
    return { model: 'ease', config: this.config, meta: { items: this.itemCount }, arrays: { b: this.b } };
  }
}
