import { z } from 'zod';
import { AisleError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { type Csr, mapValues, transpose } from '../../matrix/csr.js';
import { type PinnedMatrix, WasmKernels } from '../../matrix/wasm-kernels.js';
import { topK } from '../../matrix/top-k.js';
import { artifactArray } from '../artifact.js';
import type {
  Contribution,
  ModelArtifact,
  ModelDefinition,
  DenseContributions,
  Recommender,
  TrainingData,
  UserHistory,
} from '../model.js';
import { dotRow, gramOf, matVec } from './small-dense.js';

/** iALS configuration. Defaults: the region where it does best on MovieLens-sized data (tuned on validation splits). */
export const ialsConfigSchema = z
  .object({
    factors: z.number().int().min(1).max(512).default(64),
    iterations: z.number().int().min(1).max(200).default(15),
    /** Weight of every unobserved (user, item) pair, whose target is 0 (Rendle's α₀). */
    unobservedWeight: z.number().positive().default(0.3),
    /**
     * Observed pairs weigh c₀ + confidence·w, w the summed event weight (purchases count more than
     * views), c₀ = `confidenceBase`. With the defaults a 5-star rating (w = 1) weighs 1.67, a
     * 3-star one 1, a view (w = 1) 1.67 and a purchase (w = 6) 10.
     */
    confidence: z.number().min(0).default(1.67),
    /**
     * c₀: the weight every observed pair has before its event weight counts. 1 is Hu et al.'s
     * 1 + α·w; 0 (the default) makes the weight proportional to w (a 1-star rating weighs a fifth of
     * a 5-star one): on MovieLens 100K this lifts NDCG@10 from 0.483 to 0.495 (docs/benchmarks.md).
     */
    confidenceBase: z.number().min(0).default(0),
    /** L2 regularisation λ, scaled per user and item by (count + α₀·n)^ν (frequency-scaled regularisation). */
    regularization: z.number().min(0).default(0.02),
    /** ν: 0 for plain λ, 1 for frequency-scaled. */
    regularizationExponent: z.number().min(0).max(1).default(1),
    /** Conjugate-gradient steps per factor update (warm-started from the previous factors). */
    cgSteps: z.number().int().min(1).max(64).default(4),
    /** Use 1 for every interaction instead of the summed event weight (before confidence). */
    binary: z.boolean().default(false),
    /** Standard deviation of the initial factors, divided by √factors. */
    initScale: z.number().positive().default(0.1),
  })
  .strict();

export type IalsConfig = z.output<typeof ialsConfigSchema>;

/**
 * Implicit alternating least squares (Hu et al. 2008, in the formulation of Rendle et al. 2022):
 * user and item factors minimising Σ_observed c·(⟨w_u,h_i⟩ − 1)² + α₀·Σ_all ⟨w_u,h_i⟩² + regularisation,
 * each half-step solved by conjugate gradients. At request time a user's factors are folded in from
 * the current history by an exact solve, so new users need no retraining and each score decomposes
 * exactly over the history: score_j = Σ_i c_i · h_jᵀ·A⁻¹·h_i.
 */
export const ialsModel: ModelDefinition<IalsConfig> = {
  name: 'ials',
  description: 'iALS: implicit matrix factorisation by alternating least squares with conjugate gradients',
  configSchema: ialsConfigSchema,
  searchSpace: {
    regularization: [0.005, 0.01, 0.015, 0.02, 0.03, 0.05],
    unobservedWeight: [0.1, 0.2, 0.25, 0.3, 0.5, 1],
    confidence: [0.5, 1, 1.67, 2.5, 4],
    confidenceBase: [0, 1],
    factors: [64, 128],
  },
  fit: (data, config, context) => fitIals(data, config, context.rng, context.onProgress),
  load(artifact) {
    const config = ialsConfigSchema.parse(artifact.config);
    return new IalsRecommender(
      artifactArray(artifact, 'itemFactors', Float32Array),
      Number(artifact.meta['items']),
      config,
    );
  },
};

/** The training loss (for tests and progress): returned by `fitIals` per iteration. */
export interface IalsTrace {
  losses: number[];
}

export function fitIals(
  data: TrainingData,
  config: IalsConfig,
  rng: Rng,
  onProgress?: (fraction: number, message: string) => void,
  trace?: IalsTrace,
): IalsRecommender {
  const d = config.factors;
  const userItems = mapValues(data.interactions, (weight) => confidenceOf(weight, config));
  const itemUsers = transpose(userItems);
  const users = userItems.rows;
  const items = userItems.cols;
  const scale = config.initScale / Math.sqrt(d);
  const initialUsers = Float32Array.from({ length: users * d }, () => rng.normal() * scale);
  const initialItems = Float32Array.from({ length: items * d }, () => rng.normal() * scale);
  // The half-steps run in the WebAssembly kernels (SIMD over the factor dimension).
  const trainer = new WasmKernels().ialsTrainer(userItems, itemUsers, d, initialUsers, initialItems);
  const parameters = {
    unobservedWeight: config.unobservedWeight,
    regularization: config.regularization,
    regularizationExponent: config.regularizationExponent,
    cgSteps: config.cgSteps,
  };
  for (let iteration = 0; iteration < config.iterations; iteration++) {
    trainer.iterate(parameters);
    if (trace)
      trace.losses.push(ialsLoss(data.interactions, trainer.userFactors(), trainer.itemFactors(), config));
    onProgress?.((iteration + 1) / config.iterations, `iteration ${iteration + 1}/${config.iterations}`);
  }
  return new IalsRecommender(trainer.itemFactors(), items, config);
}

function confidenceOf(weight: number, config: IalsConfig): number {
  const c = config.confidenceBase + config.confidence * (config.binary ? 1 : weight);
  // An observed pair must weigh something, or its system loses the pair altogether.
  return c > 1e-3 ? c : 1e-3;
}

/** The objective the solver minimises, for monitoring (O(nnz·d + n·d²)). */
export function ialsLoss(
  userItems: Csr,
  userFactors: Float32Array,
  itemFactors: Float32Array,
  config: IalsConfig,
): number {
  const d = config.factors;
  const users = userItems.rows;
  const items = userItems.cols;
  const a0 = config.unobservedWeight;
  const itemGram = new Float64Array(d * d);
  gramOf(itemFactors, items, d, itemGram);
  const w = new Float64Array(d);
  const gw = new Float64Array(d);
  const itemCounts = new Int32Array(items);
  for (let n = 0; n < userItems.indices.length; n++) itemCounts[userItems.indices[n]!]!++;
  let loss = 0;
  for (let u = 0; u < users; u++) {
    const base = u * d;
    for (let k = 0; k < d; k++) w[k] = userFactors[base + k]!;
    matVec(itemGram, w, d, gw);
    let all = 0;
    let norm = 0;
    for (let k = 0; k < d; k++) {
      all += w[k]! * gw[k]!;
      norm += w[k]! * w[k]!;
    }
    loss += a0 * all;
    const start = userItems.indptr[u]!;
    const end = userItems.indptr[u + 1]!;
    for (let q = start; q < end; q++) {
      const prediction = dotRow(itemFactors, userItems.indices[q]! * d, w, d);
      const c = confidenceOf(userItems.data[q]!, config);
      loss += c * (prediction - 1) ** 2 - a0 * prediction * prediction;
    }
    loss += config.regularization * (end - start + a0 * items) ** config.regularizationExponent * norm;
  }
  for (let i = 0; i < items; i++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += itemFactors[i * d + k]! ** 2;
    loss += config.regularization * (itemCounts[i]! + a0 * users) ** config.regularizationExponent * norm;
  }
  return loss;
}

/**
 * A history folded in: the user's factors, the Cholesky factor L of the fold-in system, the history
 * positions it used, and, once explanations ask, Z = L⁻¹·f_h per used position and the removal
 * multipliers.
 */
interface FoldIn {
  factors: Float64Array;
  cholesky: Float64Array;
  /** History positions of the items inside the model (the rows of the system), in order. */
  positions: Int32Array;
  /** c_h per used position. */
  confidences: Float64Array;
  z?: Float64Array;
  removal?: Float64Array;
}

export class IalsRecommender implements Recommender {
  readonly name = 'ials';
  private readonly gram: Float64Array;
  private kernels: WasmKernels | undefined;
  private pinned: PinnedMatrix | undefined;
  private norms: Float32Array | undefined;
  private lastFold: { history: UserHistory; result: FoldIn } | undefined;
  /**
   * A request's fold-in works on some 1 MB of float64 arrays (the history's factors twice, the d×d
   * system, L⁻¹ of the history rows): allocated per request, those large buffers drove old-generation
   * collections under load (the same as item-kNN's neighbour rows did). They live here, grow-only,
   * and belong to the latest fold-in: a new fold-in overwrites them, and `lastFold` then points at it,
   * so every reader (who asks `foldIn` for its history first) sees its own history's values.
   */
  private readonly scratch = new Map<string, Float64Array<ArrayBuffer>>();

  constructor(
    /** Row-major items × factors. */
    readonly itemFactors: Float32Array,
    readonly itemCount: number,
    private readonly config: IalsConfig,
  ) {
    this.gram = new Float64Array(config.factors * config.factors);
    gramOf(itemFactors, itemCount, config.factors, this.gram);
  }

  /** A reusable float64 buffer of this length (its contents are whatever was there). */
  private buffer(name: string, length: number): Float64Array<ArrayBuffer> {
    let buffer = this.scratch.get(name);
    if (!buffer || buffer.length < length) {
      buffer = new Float64Array(Math.max(length, 2 * (buffer?.length ?? 0)));
      this.scratch.set(name, buffer);
    }
    return buffer.subarray(0, length);
  }

  /** The user's factors folded in from a history: the exact solution of the user half-step. */
  foldIn(history: UserHistory): FoldIn {
    // A request scores, then explains, the same history object: fold it in once.
    if (this.lastFold?.history === history) return this.lastFold.result;
    const result = this.solveFoldIn(history);
    this.lastFold = { history, result };
    return result;
  }

  /**
   * A = α₀·HᵀH + λ_u·I + Σ_h (c_h − α₀)·f_h·f_hᵀ and w = A⁻¹·Σ_h c_h·f_h, in the WebAssembly
   * kernels (the d×d products and the factorisation are most of a request's cost at 128 factors).
   */
  private solveFoldIn(history: UserHistory): FoldIn {
    const d = this.config.factors;
    const a0 = this.config.unobservedWeight;
    const used: number[] = [];
    for (let h = 0; h < history.items.length; h++) if (history.items[h]! < this.itemCount) used.push(h);
    const n = used.length;
    const positions = Int32Array.from(used);
    const confidences = new Float64Array(n);
    const historyT = this.buffer('historyT', d * n);
    const scaledT = this.buffer('scaledT', d * n);
    const rhs = new Float64Array(d);
    for (let t = 0; t < n; t++) {
      const h = positions[t]!;
      const c = confidenceOf(history.weights[h]!, this.config);
      confidences[t] = c;
      const f = history.items[h]! * d;
      for (let a = 0; a < d; a++) {
        const value = this.itemFactors[f + a]!;
        historyT[a * n + t] = value;
        scaledT[a * n + t] = -(c - a0) * value;
        rhs[a]! += c * value;
      }
    }
    const lambda =
      this.config.regularization * (n + a0 * this.itemCount) ** this.config.regularizationExponent;
    const base = this.buffer('base', d * d);
    for (let k = 0; k < d * d; k++) base[k] = a0 * this.gram[k]!;
    for (let k = 0; k < d; k++) base[k * d + k]! += lambda;
    this.kernels ??= new WasmKernels();
    const system = this.kernels.ialsSystem(base, historyT, scaledT, rhs, d, n, {
      cholesky: this.buffer('cholesky', d * d),
      factors: new Float64Array(d),
    });
    if (!system) {
      throw new AisleError(
        'INTERNAL',
        'iALS fold-in system is not positive definite; increase regularization',
      );
    }
    return { ...system, positions, confidences };
  }

  /** Rows f_h (float64) of the used history items, and Z = L⁻¹·f_h for each. */
  private solvedHistory(history: UserHistory, fold: FoldIn): Float64Array {
    if (fold.z) return fold.z;
    const d = this.config.factors;
    const n = fold.positions.length;
    const rows = this.buffer('historyRows', n * d);
    for (let t = 0; t < n; t++) {
      const f = history.items[fold.positions[t]!]! * d;
      for (let a = 0; a < d; a++) rows[t * d + a] = this.itemFactors[f + a]!;
    }
    fold.z = this.kernels!.lowerSolveRows(fold.cholesky, rows, n, d, this.buffer('z', n * d));
    return fold.z;
  }

  /** L⁻¹·f_j for each of the items (rows of the result). */
  private solvedItems(fold: FoldIn, items: Int32Array): Float64Array {
    const d = this.config.factors;
    const rows = this.buffer('itemRows', items.length * d);
    items.forEach((item, e) => {
      for (let a = 0; a < d; a++) rows[e * d + a] = this.itemFactors[item * d + a]!;
    });
    return this.kernels!.lowerSolveRows(
      fold.cholesky,
      rows,
      items.length,
      d,
      this.buffer('solvedItems', items.length * d),
    );
  }

  /**
   * Many users at once (evaluation): their factors folded in by conjugate gradients in the
   * WebAssembly kernels (twice as many steps as factors, 16 to 32: converged for practical purposes),
   * then all their scores in one product with the item factors.
   */
  scoreBatch(histories: Csr, out: Float32Array): void {
    const d = this.config.factors;
    this.kernels ??= new WasmKernels();
    const confidences = mapValues(histories, (weight) => confidenceOf(weight, this.config));
    const factors = this.kernels.ialsFoldIn(confidences, this.itemFactors, d, {
      unobservedWeight: this.config.unobservedWeight,
      regularization: this.config.regularization,
      regularizationExponent: this.config.regularizationExponent,
      cgSteps: Math.min(Math.max(2 * d, 16), 32),
    });
    this.kernels.factorScores(factors, histories.rows, this.itemFactors, this.itemCount, d, out);
  }

  score(history: UserHistory, out: Float32Array): void {
    const { factors } = this.foldIn(history);
    const d = this.config.factors;
    this.kernels ??= new WasmKernels();
    // The item factors stay in the kernels' memory: scoring a request is one SIMD pass over them.
    this.pinned ??= this.kernels.pinFactors(this.itemFactors, this.itemCount, d);
    this.kernels.pinnedFactorScores(this.pinned, this.itemCount, d, factors, out);
  }

  /**
   * Each history item's share of an item's score, as the drop that removing it from the history
   * would cause: m_h · f_hᵀ·A⁻¹·f_j. Removing item h takes (c_h − α₀)·f_h·f_hᵀ out of the fold-in
   * system A and c_h·f_h out of its right-hand side, so by Sherman–Morrison the user's factors move
   * along A⁻¹·f_h and every score drops in proportion to f_jᵀ·A⁻¹·f_h, with
   * m_h = (c_h − (c_h − α₀)·f_hᵀw) / (1 − (c_h − α₀)·f_hᵀA⁻¹f_h) — exact leave-one-out, up to the
   * regularisation's count term (one part in count + α₀·n). The linear decomposition
   * (m_h = c_h) ignores that the system itself changes, so it names evidence whose removal does not
   * cost the result its place (explanation fidelity, docs/benchmarks.md). With z_h = L⁻¹·f_h,
   * f_hᵀA⁻¹f_j = z_h·(L⁻¹f_j): one forward substitution per history item and per explained item.
   * Indexed by history position (0 for items outside the model).
   */
  private removalMultipliers(history: UserHistory): Float64Array {
    const fold = this.foldIn(history);
    if (fold.removal) return fold.removal;
    const d = this.config.factors;
    const a0 = this.config.unobservedWeight;
    const z = this.solvedHistory(history, fold);
    const multipliers = new Float64Array(history.items.length);
    for (let t = 0; t < fold.positions.length; t++) {
      const h = fold.positions[t]!;
      const c = fold.confidences[t]!;
      let norm = 0;
      for (let a = 0; a < d; a++) norm += z[t * d + a]! ** 2;
      const leverage = (c - a0) * norm;
      const fitted = (c - a0) * dotRow(this.itemFactors, history.items[h]! * d, fold.factors, d);
      multipliers[h] = leverage < 1 - 1e-9 ? (c - fitted) / (1 - leverage) : c;
    }
    fold.removal = multipliers;
    return multipliers;
  }

  /** m_h · z_h·(L⁻¹f_j) for every used history position t and item e: items × used, row-major. */
  private removalEffects(history: UserHistory, items: Int32Array): { fold: FoldIn; effects: Float64Array } {
    const fold = this.foldIn(history);
    const multipliers = this.removalMultipliers(history);
    const z = this.solvedHistory(history, fold);
    const n = fold.positions.length;
    const effects = this.kernels!.crossRows(
      this.solvedItems(fold, items),
      z,
      items.length,
      n,
      this.config.factors,
      this.buffer('effects', items.length * n),
    );
    for (let e = 0; e < items.length; e++)
      for (let t = 0; t < n; t++) effects[e * n + t]! *= multipliers[fold.positions[t]!]!;
    return { fold, effects };
  }

  /** Contributions are removal effects (see removalMultipliers); a `bias` term holds the rest of the score. */
  explain(history: UserHistory, item: number): Contribution[] {
    const d = this.config.factors;
    const { fold, effects } = this.removalEffects(history, Int32Array.of(item));
    const score = dotRow(this.itemFactors, item * d, fold.factors, d);
    const contributions: Contribution[] = [];
    let explained = 0;
    for (let t = 0; t < fold.positions.length; t++) {
      const weight = effects[t]!;
      explained += weight;
      contributions.push({ kind: 'history', item: history.items[fold.positions[t]!]!, weight });
    }
    contributions.sort((a, b) => b.weight - a.weight);
    if (Math.abs(score - explained) > 1e-9) contributions.push({ kind: 'bias', weight: score - explained });
    return contributions;
  }

  explainMany(history: UserHistory, items: Int32Array): DenseContributions {
    const { fold, effects } = this.removalEffects(history, items);
    const length = history.items.length;
    const n = fold.positions.length;
    const weights = new Float32Array(items.length * length);
    for (let e = 0; e < items.length; e++)
      for (let t = 0; t < n; t++) weights[e * length + fold.positions[t]!] = effects[e * n + t]!;
    return { kind: 'history', weights };
  }

  similarItems(item: number, k: number): { indices: Int32Array; scores: Float32Array } {
    const d = this.config.factors;
    const norms = this.itemNorms();
    const scores = new Float32Array(this.itemCount);
    this.kernels ??= new WasmKernels();
    this.pinned ??= this.kernels.pinFactors(this.itemFactors, this.itemCount, d);
    const query = Float64Array.from(this.itemFactors.subarray(item * d, (item + 1) * d));
    this.kernels.pinnedFactorScores(this.pinned, this.itemCount, d, query, scores);
    const own = norms[item]!;
    for (let j = 0; j < this.itemCount; j++) scores[j] = scores[j]! / (own * norms[j]! + 1e-12);
    scores[item] = Number.NEGATIVE_INFINITY;
    return topK(scores, k);
  }

  /** ‖f_j‖ per item, computed once (item pages ask for cosines on every request). */
  private itemNorms(): Float32Array {
    if (this.norms) return this.norms;
    const d = this.config.factors;
    const norms = new Float32Array(this.itemCount);
    for (let j = 0; j < this.itemCount; j++) {
      let sum = 0;
      for (let a = 0; a < d; a++) sum += this.itemFactors[j * d + a]! ** 2;
      norms[j] = Math.sqrt(sum);
    }
    this.norms = norms;
    return norms;
  }

  toArtifact(): ModelArtifact {
    return {
      model: 'ials',
      config: { ...this.config },
      meta: { items: this.itemCount },
      arrays: { itemFactors: this.itemFactors },
    };
  }
}
