import type { Rng } from '../core/rng.js';
import { topK } from '../matrix/top-k.js';
import { type Csr, csrFromTriplets } from '../matrix/csr.js';
import type { ModelDefinition, TrainingData } from './model.js';

/**
 * A calibration curve: the probability that a recommended item is one the user interacts with, as a
 * non-decreasing step function of the item's score relative to the user's top score (x ∈ [0, 1]).
 */
export interface Calibration {
  /** Upper ends of the steps, ascending. */
  x: Float32Array;
  /** Probability within each step. */
  p: Float32Array;
  /** Held-out (user, candidate) pairs it was fitted on, and the base rate of hits among them. */
  samples: number;
  hitRate: number;
}

/** The calibrated probability for a relative score. */
export function calibrated(calibration: Calibration, relativeScore: number): number {
  const { x, p } = calibration;
  if (x.length === 0) return calibration.hitRate;
  let low = 0;
  let high = x.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (x[middle]! < relativeScore) low = middle + 1;
    else high = middle;
  }
  return p[low]!;
}

/**
 * Isotonic regression (pool adjacent violators): the non-decreasing step function of x that best
 * fits the 0/1 outcomes y in least squares.
 */
export function isotonic(xs: Float32Array, ys: Uint8Array): { x: Float32Array; p: Float32Array } {
  const order = Array.from(xs.keys()).sort((a, b) => xs[a]! - xs[b]!);
  const blockSum: number[] = [];
  const blockCount: number[] = [];
  const blockEnd: number[] = [];
  for (const n of order) {
    blockSum.push(ys[n]!);
    blockCount.push(1);
    blockEnd.push(xs[n]!);
    // Merge while the last block's mean is below the one before it.
    while (blockSum.length > 1) {
      const last = blockSum.length - 1;
      if (blockSum[last - 1]! / blockCount[last - 1]! <= blockSum[last]! / blockCount[last]!) break;
      blockSum[last - 1]! += blockSum[last]!;
      blockCount[last - 1]! += blockCount[last]!;
      blockEnd[last - 1] = blockEnd[last]!;
      blockSum.pop();
      blockCount.pop();
      blockEnd.pop();
    }
  }
  return {
    x: Float32Array.from(blockEnd),
    p: Float32Array.from(blockSum.map((sum, b) => sum / blockCount[b]!)),
  };
}

export interface CalibrationOptions {
  /** Share of each user's items held out. */
  holdout?: number;
  /** Candidates per user (the ranks served). */
  depth?: number;
  /** Most users sampled. */
  maxUsers?: number;
}

/** The calibrations of a trained model: its own lists, and the popularity lists that stand in for it. */
export interface Calibrations {
  model: Calibration;
  popularity: Calibration;
  /** Item-page lists (similar items of one history item); absent for models without them. */
  similar?: Calibration;
}

/**
 * Fits calibration curves on held-out data: each user's items are split (seeded) into a fitting
 * part and a held-out part, the model is fitted on the first, and for sampled users the top
 * candidates' relative scores are paired with whether they were held out. The popularity curve is
 * fitted the same way on the fitting part's interaction counts.
 */
export async function fitCalibration(
  data: TrainingData,
  definition: ModelDefinition<object>,
  config: object,
  rng: Rng,
  options: CalibrationOptions = {},
): Promise<Calibrations> {
  const holdout = options.holdout ?? 0.2;
  const depth = options.depth ?? 50;
  const { interactions } = data;
  const keepRow: number[] = [];
  const keepCol: number[] = [];
  const keepValue: number[] = [];
  const heldOut = new Map<number, Set<number>>();
  for (let u = 0; u < interactions.rows; u++) {
    for (let p = interactions.indptr[u]!; p < interactions.indptr[u + 1]!; p++) {
      if (interactions.indptr[u + 1]! - interactions.indptr[u]! >= 3 && rng.next() < holdout) {
        let set = heldOut.get(u);
        if (!set) heldOut.set(u, (set = new Set()));
        set.add(interactions.indices[p]!);
      } else {
        keepRow.push(u);
        keepCol.push(interactions.indices[p]!);
        keepValue.push(interactions.data[p]!);
      }
    }
  }
  const fitting: Csr = csrFromTriplets(
    interactions.rows,
    interactions.cols,
    Int32Array.from(keepRow),
    Int32Array.from(keepCol),
    Float32Array.from(keepValue),
  );
  const model = await definition.fit(
    { ...data, interactions: fitting, lastSeen: new Float64Array(fitting.indices.length).fill(data.now) },
    config,
    { rng: rng.fork() },
  );
  const users = rng.shuffle([...heldOut.keys()]).slice(0, options.maxUsers ?? 2000);
  const popularity = new Float32Array(interactions.cols);
  for (const item of fitting.indices) popularity[item]! += 1;
  const modelPairs: Pairs = { xs: [], ys: [] };
  const popularityPairs: Pairs = { xs: [], ys: [] };
  const similarPairs: Pairs = { xs: [], ys: [] };
  const scores = new Float32Array(interactions.cols);
  const excluded = new Uint8Array(interactions.cols);
  for (const u of users) {
    const start = fitting.indptr[u]!;
    const end = fitting.indptr[u + 1]!;
    const history = {
      items: fitting.indices.subarray(start, end),
      weights: fitting.data.subarray(start, end),
    };
    model.score(history, scores);
    for (const item of history.items) excluded[item] = 1;
    const targets = heldOut.get(u)!;
    addPairs(modelPairs, topK(scores, depth, excluded), targets);
    addPairs(popularityPairs, topK(popularity, depth, excluded), targets);
    if (model.similarItems && end > start) {
      // The item page of one thing the user used: do they go on to use its neighbours?
      const anchor = fitting.indices[start + Math.floor(rng.next() * (end - start))]!;
      const neighbours = model.similarItems(anchor, depth + (end - start));
      const kept = { indices: [] as number[], scores: [] as number[] };
      for (let n = 0; n < neighbours.indices.length && kept.indices.length < depth; n++)
        if (excluded[neighbours.indices[n]!] === 0) {
          kept.indices.push(neighbours.indices[n]!);
          kept.scores.push(neighbours.scores[n]!);
        }
      addPairs(
        similarPairs,
        { indices: Int32Array.from(kept.indices), scores: Float32Array.from(kept.scores) },
        targets,
      );
    }
    for (const item of history.items) excluded[item] = 0;
  }
  return {
    model: curveOf(modelPairs),
    popularity: curveOf(popularityPairs),
    ...(similarPairs.xs.length > 0 ? { similar: curveOf(similarPairs) } : {}),
  };
}

interface Pairs {
  xs: number[];
  ys: number[];
}

/** Each candidate's score relative to the list's best, and whether the user went on to use it. */
function addPairs(
  pairs: Pairs,
  top: { indices: Int32Array; scores: Float32Array },
  targets: Set<number>,
): void {
  const best = top.scores[0] ?? 0;
  if (!(best > 0)) return;
  for (let r = 0; r < top.indices.length; r++) {
    pairs.xs.push(Math.max(0, top.scores[r]! / best));
    pairs.ys.push(targets.has(top.indices[r]!) ? 1 : 0);
  }
}

function curveOf({ xs, ys }: Pairs): Calibration {
  const curve = isotonic(Float32Array.from(xs), Uint8Array.from(ys));
  const hits = ys.reduce((sum, y) => sum + y, 0);
  return { ...curve, samples: ys.length, hitRate: ys.length > 0 ? hits / ys.length : 0 };
}
