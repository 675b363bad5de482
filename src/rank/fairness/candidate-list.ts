/**
 * A request's candidates as the fairness re-rankers read them: parallel arrays, one entry per
 * candidate, **best first** (the model's order). Each re-ranker reads the arrays it needs.
 */
export interface CandidateList {
  /** The model's score per candidate, non-increasing. */
  scores: Float32Array | Float64Array;
  /** Item group per candidate (index into the grouping's labels, -1 unknown): `exposure`. */
  group?: Int32Array;
  /** 1 for a member of the protected item group: `fair-star`. */
  protectedFlag?: Uint8Array;
  /** Category per candidate (-1 unknown): `calibration`. */
  category?: Int32Array;
  /** Training popularity per candidate: `popularity`. */
  popularity?: Float32Array | Float64Array | Int32Array;
}

/** What a re-ranker returns: the new order and which candidates it moved up. */
export interface RerankResult {
  /** A permutation of 0..n−1: the candidate at each output position (the first k are shown). */
  order: Int32Array;
  /**
   * Per candidate: 1 when the re-ranker moved it up, above its rank in the model's order (it gets a
   * `fairness-boost` reason). The candidates pushed down to make room are not marked: the re-ranker
   * did not put them where they are shown.
   */
  moved: Uint8Array;
}

/** The identity order (strength 0, or nothing to do). */
export function unchanged(n: number): RerankResult {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return { order, moved: new Uint8Array(n) };
}

/**
 * Completes a re-ranker's first `placed` picks into a permutation: the candidates not picked follow
 * in their input order. `taken` marks the picked candidates (1).
 */
export function completeOrder(order: Int32Array, placed: number, taken: Uint8Array): RerankResult {
  let at = placed;
  for (let i = 0; i < taken.length; i++) if (taken[i] === 0) order[at++] = i;
  return { order, moved: movedUp(order) };
}

/** Per candidate 1 when `order` shows it earlier than its index (its rank in the model's order). */
export function movedUp(order: Int32Array): Uint8Array {
  const moved = new Uint8Array(order.length);
  for (let position = 0; position < order.length; position++)
    if (position < order[position]!) moved[order[position]!] = 1;
  return moved;
}

/** The highest and lowest score of the candidates. */
export function scoreRange(scores: Float32Array | Float64Array): { min: number; max: number } {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (score > max) max = score;
    if (score < min) min = score;
  }
  return { min, max };
}

/**
 * A relevance proxy: the scores less their minimum, divided by `scale` — by default the list's own
 * span, which puts them in [0, 1] (all 1 when they are equal).
 */
export function relevanceOf(scores: Float32Array | Float64Array, scale?: number): Float64Array {
  const { min, max } = scoreRange(scores);
  const span = scale !== undefined && scale > 0 ? scale : max - min;
  const relevance = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) relevance[i] = span > 0 ? (scores[i]! - min) / span : 1;
  return relevance;
}

/** Position discount of exposure and DCG (Singh & Joachims 2018): 1 / log2(position + 1), 1-based. */
export function positionWeight(position: number): number {
  return 1 / Math.log2(position + 2);
}

/**
 * One list's position-discounted exposure per item group: writes each group's weight into
 * `exposure` (zeroed first; groups outside it, −1 unknown, count only in the total) and returns the
 * total over all positions.
 */
export function groupExposure(groupsShown: ArrayLike<number>, exposure: Float64Array): number {
  exposure.fill(0);
  let total = 0;
  for (let position = 0; position < groupsShown.length; position++) {
    const weight = positionWeight(position);
    total += weight;
    const group = groupsShown[position]!;
    if (group >= 0 && group < exposure.length) exposure[group]! += weight;
  }
  return total;
}
