import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, relevanceOf, unchanged } from './candidate-list.js';

export interface CalibrationOptions {
  k: number;
  /** λ in [0, 1]: weight of the calibration term against relevance. */
  strength: number;
  /** The user's category mix p(c) from their history, indexed like `category` (sums to 1). */
  historyMix: Float64Array;
  /** Smoothing α of the list's mix (Steck uses 0.01), so KL stays finite. */
  smoothing?: number;
}

/**
 * KL(p ‖ q̃) between a history mix p and a list's category counts, with q̃ = (1 − α)·q + α·p
 * (Steck 2018, eq. 5). Only categories in p's support contribute.
 */
export function calibrationKl(
  historyMix: Float64Array,
  counts: Float64Array,
  listLength: number,
  smoothing = 0.01,
): number {
  let kl = 0;
  for (let c = 0; c < historyMix.length; c++) {
    const p = historyMix[c]!;
    if (p <= 0) continue;
    const q = listLength > 0 ? (counts[c] ?? 0) / listLength : 0;
    kl += p * Math.log(p / ((1 - smoothing) * q + smoothing * p));
  }
  return kl;
}

/**
 * Calibrated recommendations (Steck, RecSys 2018): the list maximising
 *   (1 − λ)·Σ relevance − λ·KL(p ‖ q̃(list)),
 * built greedily (the objective is submodular); relevance is the scores scaled to [0, 1]. Only
 * each category's best remaining candidate can win a position, so a step costs one KL per
 * category. Should the greedy list score below the model's own top-k, the model's order stays.
 * Needs `category`.
 */
export function calibrationRerank(list: CandidateList, options: CalibrationOptions): RerankResult {
  const n = list.scores.length;
  const categoryOf = list.category;
  if (!categoryOf || options.strength <= 0 || n === 0) return unchanged(n);
  const lambda = Math.min(1, options.strength);
  const smoothing = options.smoothing ?? 0.01;
  const mix = options.historyMix;
  const k = Math.min(options.k, n);
  const relevance = relevanceOf(list.scores);
  const slots = mix.length + 1;
  const slotOf = (i: number): number => {
    const category = categoryOf[i]!;
    return category >= 0 && category < mix.length ? category : mix.length;
  };
  const head = new Int32Array(slots).fill(-1);
  const tail = new Int32Array(slots).fill(-1);
  const next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const slot = slotOf(i);
    if (head[slot] === -1) head[slot] = i;
    else next[tail[slot]!] = i;
    tail[slot] = i;
  }
  const counts = new Float64Array(slots);
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  let relevanceSum = 0;
  for (let position = 0; position < k; position++) {
    let bestSlot = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < slots; slot++) {
      const candidate = head[slot]!;
      if (candidate === -1) continue;
      counts[slot]!++;
      const kl = calibrationKl(mix, counts, position + 1, smoothing);
      counts[slot]!--;
      const value = (1 - lambda) * (relevanceSum + relevance[candidate]!) - lambda * kl;
      if (value > bestValue || (value === bestValue && candidate < head[bestSlot]!)) {
        bestValue = value;
        bestSlot = slot;
      }
    }
    const pick = head[bestSlot]!;
    head[bestSlot] = next[pick]!;
    taken[pick] = 1;
    order[position] = pick;
    counts[bestSlot]!++;
    relevanceSum += relevance[pick]!;
  }
  const greedy = calibrationObjective(list, order, k, options);
  const original = calibrationObjective(list, unchanged(n).order, k, options);
  return greedy >= original ? completeOrder(order, k, taken) : unchanged(n);
}

/** Steck's objective of the first k of an order: (1 − λ)·Σ relevance − λ·KL. */
export function calibrationObjective(
  list: CandidateList,
  order: Int32Array,
  k: number,
  options: CalibrationOptions,
): number {
  const mix = options.historyMix;
  const relevance = relevanceOf(list.scores);
  const counts = new Float64Array(mix.length + 1);
  const shown = Math.min(k, order.length);
  let relevanceSum = 0;
  for (let position = 0; position < shown; position++) {
    const candidate = order[position]!;
    const category = list.category?.[candidate] ?? -1;
    counts[category >= 0 && category < mix.length ? category : mix.length]!++;
    relevanceSum += relevance[candidate]!;
  }
  const lambda = Math.min(1, options.strength);
  return (1 - lambda) * relevanceSum - lambda * calibrationKl(mix, counts, shown, options.smoothing ?? 0.01);
}
