import { z } from 'zod';
import { AisleError } from '../../core/errors.js';
import { type Csr, mapValues } from '../../matrix/csr.js';
import { type PinnedMatrix, WasmKernels } from '../../matrix/wasm-kernels.js';
import { topK } from '../../matrix/top-k.js';
import { applyTimeProximity } from './time-proximity.js';
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
     * When not binary, each interaction enters as w^p (w the summed event weight): 1 keeps the
     * weight, 0.5 damps it (a 5-star rating or six repeat views count less than proportionally).
     */
    valueExponent: z.number().min(0).max(2).default(0.5),
    /**
     * τ in seconds: a user's two interactions this close in time (one session) count fully as
     * co-occurrence, further apart they fade to `timeProximityFloor` (src/models/ease/time-proximity.ts).
     * 0 turns it off (plain EASE).
     */
    timeProximitySeconds: z.number().min(0).default(0),
    /** Share of a co-occurrence that counts however far apart in time (with timeProximitySeconds > 0). */
    timeProximityFloor: z.number().min(0).max(1).default(0.3),
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
 * The inverse runs on two dense m×m float64 matrices in WebAssembly memory (4 GB at most), m the
 * items with at least one interaction: 15,000 need 3.6 GB, 16,384 the whole of it. Refuse larger
 * ones clearly rather than fail there.
 */
const MAX_ITEMS = 15_000;

/**
 * EASE (Steck 2019): an item-item weight matrix B with zero diagonal fitted in closed form,
 * P = (G + λI)⁻¹, B = I − P·diag(1/diag(P)), G = XᵀX (or its time-proximity form). A user's score
 * for item j is Σ_i x_i·B[i][j], so it decomposes exactly over the history. The inverse runs in the
 * WebAssembly kernels, over the items with interactions only: an item nobody took has a zero row and
 * column in B anyway, and catalogues (or filtered protocols such as RecBole's 10-core) often have many.
 */
export const easeModel: ModelDefinition<EaseConfig> = {
  name: 'ease',
  description: 'EASE: closed-form item-item autoencoder (dense, λ-regularised)',
  configSchema: easeConfigSchema,
  searchSpace: {
    lambda: [50, 100, 150, 200, 300, 400, 500, 800, 1200, 2000],
    timeProximitySeconds: [0, 120, 300, 900, 3600, 86400],
    timeProximityFloor: [0.1, 0.3, 0.5],
    binary: [true, false],
    valueExponent: [0.5, 1],
    userWeightExponent: [0, 0.25, 0.5],
    dropout: [0, 0.2, 0.33, 0.5],
  },
  fit(data, config, context) {
    const slots = activeItems(data.interactions);
    const m = slots.length;
    if (m > MAX_ITEMS) {
      throw new AisleError(
        'INVALID_ARGUMENT',
        `EASE keeps a dense ${m}×${m} matrix over the items with interactions; use it with at most ${MAX_ITEMS} such items (or item-kNN / iALS)`,
      );
    }
    const slotOf = slotIndex(slots, data.interactions.cols);
    const input = remapColumns(mapValues(data.interactions, inputValue(config)), slotOf, m);
    const matrix = config.userWeightExponent > 0 ? weightRows(input, config.userWeightExponent) : input;
    const kernels = new WasmKernels();
    context.onProgress?.(0, 'Gram matrix');
    const gram = kernels.sparseGram(matrix);
    if (config.timeProximitySeconds > 0)
      applyTimeProximity(gram, matrix, data.lastSeen, {
        scaleMs: config.timeProximitySeconds * 1000,
        floor: config.timeProximityFloor,
      });
    const emphasis = config.dropout / (1 - config.dropout);
    for (let i = 0; i < m; i++) gram[i * m + i]! += config.lambda + emphasis * gram[i * m + i]!;
    context.onProgress?.(0.1, 'inverse');
    const p = kernels.spdInverse(gram, m);
    const b = new Float32Array(m * m);
    for (let j = 0; j < m; j++) {
      const scale = -1 / p[j * m + j]!;
      for (let i = 0; i < m; i++) if (i !== j) b[i * m + j] = p[i * m + j]! * scale;
    }
    context.onProgress?.(1, 'done');
    return new EaseRecommender(b, data.interactions.cols, { ...config }, slots);
  },
  load(artifact) {
    const n = Number(artifact.meta['items']);
    // Artifacts from before compaction hold the full n×n matrix and no slots.
    const slots = artifact.arrays['slots']
      ? artifactArray(artifact, 'slots', Int32Array)
      : Int32Array.from({ length: n }, (_, i) => i);
    return new EaseRecommender(artifactArray(artifact, 'b', Float32Array), n, artifact.config, slots);
  },
};

/** Items (columns) with at least one interaction, ascending. */
function activeItems(matrix: Csr): Int32Array {
  const seen = new Uint8Array(matrix.cols);
  for (let p = 0; p < matrix.indices.length; p++) seen[matrix.indices[p]!] = 1;
  const slots: number[] = [];
  for (let i = 0; i < matrix.cols; i++) if (seen[i] === 1) slots.push(i);
  return Int32Array.from(slots);
}

/** Item → slot (its row of B), −1 for items outside the model. */
function slotIndex(slots: Int32Array, items: number): Int32Array {
  const slotOf = new Int32Array(items).fill(-1);
  slots.forEach((item, slot) => (slotOf[item] = slot));
  return slotOf;
}

/** The same matrix with columns renumbered by `slotOf` (all kept columns have a slot; order is preserved). */
function remapColumns(matrix: Csr, slotOf: Int32Array, cols: number): Csr {
  const indices = new Int32Array(matrix.indices.length);
  for (let p = 0; p < indices.length; p++) indices[p] = slotOf[matrix.indices[p]!]!;
  return { ...matrix, cols, indices };
}

/** How a summed event weight enters EASE: 1 (binary) or w^valueExponent. */
function inputValue(config: { binary?: unknown; valueExponent?: unknown }): (weight: number) => number {
  if (config.binary !== false) return () => 1;
  const exponent = typeof config.valueExponent === 'number' ? config.valueExponent : 1;
  if (exponent === 1) return (weight) => weight;
  if (exponent === 0.5) return Math.sqrt;
  return (weight) => weight ** exponent;
}

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

export class EaseRecommender implements Recommender {
  readonly name = 'ease';
  private kernels: WasmKernels | undefined;
  private served: { kernels: WasmKernels; b: PinnedMatrix } | undefined;
  /** A history weight as it enters the model (the same transform as in fit). */
  private readonly value: (weight: number) => number;
  /** Item → slot, −1 for items without interactions at fit time (they score 0). */
  private readonly slotOf: Int32Array;
  /** Items in the model (m = slots.length); B is m×m. */
  private readonly size: number;
  /** Every item has a slot, in order: no remapping needed. */
  private readonly identity: boolean;
  private readonly compactScores: Float32Array;

  constructor(
    /** Row-major m×m over the slots, B[a][b] = how much interacting with slot a's item says about b's. */
    readonly b: Float32Array,
    readonly itemCount: number,
    private readonly config: Record<string, unknown>,
    /** Slot → item index. */
    readonly slots: Int32Array,
  ) {
    // Artifacts saved before valueExponent existed used the raw weight when not binary.
    this.value = inputValue({ valueExponent: 1, ...config });
    this.size = slots.length;
    this.slotOf = slotIndex(slots, itemCount);
    this.identity = this.size === itemCount;
    this.compactScores = new Float32Array(this.identity ? 0 : this.size);
  }

  /** B between two items (0 when either has no slot). */
  weightOf(from: number, to: number): number {
    const a = this.slotOf[from] ?? -1;
    const b = this.slotOf[to] ?? -1;
    return a < 0 || b < 0 ? 0 : this.b[a * this.size + b]!;
  }

  score(history: UserHistory, out: Float32Array): void {
    const m = this.size;
    const target = this.identity ? out : this.compactScores;
    const slots: number[] = [];
    const weights: number[] = [];
    for (let h = 0; h < history.items.length; h++) {
      const slot = this.slotOf[history.items[h]!] ?? -1;
      if (slot < 0) continue;
      slots.push(slot);
      weights.push(this.value(history.weights[h]!));
    }
    if (m > PIN_MAX_ITEMS) {
      target.fill(0);
      for (let h = 0; h < slots.length; h++) {
        const row = slots[h]! * m;
        const w = weights[h]!;
        for (let j = 0; j < m; j++) target[j]! += w * this.b[row + j]!;
      }
    } else {
      // Requests score one history at a time: B stays in the SIMD kernels' memory (pinned once, not
      // copied per call), several times faster than the scalar loop.
      if (!this.served) {
        const kernels = new WasmKernels();
        this.served = { kernels, b: kernels.pin(this.b) };
      }
      const row: Csr = {
        rows: 1,
        cols: m,
        indptr: Int32Array.of(0, slots.length),
        indices: Int32Array.from(slots),
        data: Float32Array.from(weights),
      };
      this.served.kernels.sparseTimesPinned(row, this.served.b, m, target);
    }
    if (!this.identity) {
      out.fill(0);
      for (let slot = 0; slot < m; slot++) out[this.slots[slot]!] = target[slot]!;
    }
  }

  scoreBatch(histories: Csr, out: Float32Array): void {
    this.kernels ??= new WasmKernels();
    const m = this.size;
    const input = this.toSlots(mapValues(histories, this.value));
    if (this.identity) {
      this.kernels.sparseTimesDense(input, this.b, m, out);
      return;
    }
    const compact = new Float32Array(histories.rows * m);
    this.kernels.sparseTimesDense(input, this.b, m, compact);
    const n = this.itemCount;
    out.fill(0, 0, histories.rows * n);
    for (let r = 0; r < histories.rows; r++)
      for (let slot = 0; slot < m; slot++) out[r * n + this.slots[slot]!] = compact[r * m + slot]!;
  }

  /** Histories with item columns turned into slots, entries of items without a slot dropped. */
  private toSlots(histories: Csr): Csr {
    if (this.identity) return histories;
    const indptr = new Int32Array(histories.rows + 1);
    const indices: number[] = [];
    const data: number[] = [];
    for (let r = 0; r < histories.rows; r++) {
      for (let p = histories.indptr[r]!; p < histories.indptr[r + 1]!; p++) {
        const slot = this.slotOf[histories.indices[p]!] ?? -1;
        if (slot < 0) continue;
        indices.push(slot);
        data.push(histories.data[p]!);
      }
      indptr[r + 1] = indices.length;
    }
    return {
      rows: histories.rows,
      cols: this.size,
      indptr,
      indices: Int32Array.from(indices),
      data: Float32Array.from(data),
    };
  }

  explain(history: UserHistory, item: number): Contribution[] {
    const m = this.size;
    const target = this.slotOf[item] ?? -1;
    const contributions: Contribution[] = [];
    if (target < 0) return contributions;
    for (let h = 0; h < history.items.length; h++) {
      const source = this.slotOf[history.items[h]!] ?? -1;
      if (source < 0) continue;
      const weight = this.value(history.weights[h]!) * this.b[source * m + target]!;
      if (weight !== 0) contributions.push({ kind: 'history', item: history.items[h]!, weight });
    }
    return contributions.sort((a, b) => b.weight - a.weight);
  }

  explainMany(history: UserHistory, items: Int32Array): DenseContributions {
    const m = this.size;
    const length = history.items.length;
    const weights = new Float32Array(items.length * length);
    const targets = Int32Array.from(items, (item) => this.slotOf[item] ?? -1);
    for (let h = 0; h < length; h++) {
      const source = this.slotOf[history.items[h]!] ?? -1;
      if (source < 0) continue;
      const w = this.value(history.weights[h]!);
      const row = source * m;
      for (let e = 0; e < items.length; e++)
        if (targets[e]! >= 0) weights[e * length + h] = w * this.b[row + targets[e]!]!;
    }
    return { kind: 'history', weights };
  }

  similarItems(item: number, k: number): { indices: Int32Array; scores: Float32Array } {
    const scores = new Float32Array(this.itemCount).fill(Number.NEGATIVE_INFINITY);
    const slot = this.slotOf[item] ?? -1;
    if (slot >= 0)
      for (let other = 0; other < this.size; other++)
        if (other !== slot) scores[this.slots[other]!] = this.b[slot * this.size + other]!;
    const top = topK(scores, k);
    // Items without a slot have no similarity to report.
    let found = 0;
    while (found < top.scores.length && top.scores[found]! > Number.NEGATIVE_INFINITY) found++;
    return { indices: top.indices.slice(0, found), scores: top.scores.slice(0, found) };
  }

  toArtifact(): ModelArtifact {
    return {
      model: 'ease',
      config: this.config,
      meta: { items: this.itemCount },
      arrays: { b: this.b, slots: this.slots },
    };
  }
}
