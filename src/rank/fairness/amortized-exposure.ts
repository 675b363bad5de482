import type { RelevanceScaleName } from '../../core/fairness-config.js';
import type { CandidateList, RerankResult } from './candidate-list.js';
import { groupExposure, movedUp, relevanceOf, scoreRange, unchanged } from './candidate-list.js';

export interface AmortizedExposureOptions {
  k: number;
  /**
   * Per item group (indexed like `CandidateList.group`) the boost added to its candidates'
   * relevance: an {@link ExposureController}'s current offsets.
   */
  offsets: Float64Array;
  /**
   * Score units per unit of relevance, the same for every list: the controller's
   * `relevanceScale`. 0 or absent: the list's own score span (scores scaled to [0, 1]).
   */
  relevanceScale?: number;
}

/**
 * Amortized group exposure, one request's step: each candidate's relevance plus its group's offset,
 * sorted (ties keep the model's order). The offsets come from an {@link ExposureController} that
 * watches the exposure of every list shown, so the fairness holds over the traffic rather than in
 * each list: a group is shown to the users whose candidates of it are nearly as relevant as what
 * they displace, which costs far less accuracy than pulling every list towards the group mix (the
 * `exposure` re-ranker). Needs `group`.
 *
 * The relevance is the scores over one scale shared by all lists, not each list's own [0, 1]: the
 * offsets trade relevance between lists, so a unit must mean the same in each. Per-list scaling
 * stretches a flat list (candidates the model can barely tell apart, where a swap costs little) as
 * far as a steep one, so the offsets moved too few of the first and too many of the second: on
 * ML-100K (EASE, categories) the shared scale cuts the NDCG loss of a 31 % Gini cut from 1.1 % to
 * 0.3 % (docs/fairness.md).
 */
export function amortizedExposureRerank(
  list: CandidateList,
  options: AmortizedExposureOptions,
): RerankResult {
  const n = list.scores.length;
  const { offsets } = options;
  if (!list.group || n === 0 || !offsets.some((offset) => offset > 0)) return unchanged(n);
  const relevance = relevanceOf(list.scores, options.relevanceScale);
  for (let i = 0; i < n; i++) {
    const group = list.group[i]!;
    if (group >= 0 && group < offsets.length) relevance[i]! += offsets[group]!;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => relevance[b]! - relevance[a]! || a - b,
  );
  return { order, moved: movedUp(order) };
}

/**
 * Whether `amortized-exposure` reads every list on the controller's one relevance scale: always for
 * `shared`, never for `list`, and for `auto` unless the model normalises its scores per user (then
 * a score span says nothing about how far apart two users' candidates are: on ML-100K the blend loses
 * 0.9–2.0 points more NDCG@10 on one scale than with each list scaled by itself, where EASE and iALS
 * lose 0.2–1.3 points less; docs/fairness.md).
 */
export function usesSharedRelevanceScale(
  setting: RelevanceScaleName,
  scoresNormalisedPerUser: boolean,
): boolean {
  return setting === 'shared' || (setting === 'auto' && !scoresNormalisedPerUser);
}

/**
 * The floors an {@link ExposureController} holds each group to: `strength` × the group's target
 * share (e.g. its share of the catalogue's items), so 0 asks nothing and 1 asks every group's items
 * to be as visible as any other's.
 */
export function exposureFloors(target: Float64Array, strength: number): Float64Array {
  const clamped = Math.min(1, Math.max(0, strength));
  return Float64Array.from(target, (share) => clamped * share);
}

/** The sum and count of candidate score spans behind a controller's relevance scale. */
export interface RelevanceScaleState {
  spanSum: number;
  spans: number;
}

/**
 * Keeps every item group's share of the position-discounted exposure of the lists served at or
 * above a floor, over the traffic. It is online dual ascent on
 *   max Σ_lists DCG-weighted relevance  s.t.  each group's mean exposure share ≥ floor_g:
 * the offsets are the Lagrange multipliers (ranking by relevance + offset maximises the Lagrangian
 * of one list, both terms carrying the same position weights), and after each list served each
 * multiplier moves by `step` × (floor − the list's share), kept ≥ 0. A group held below its floor
 * gains boost until enough lists show it; one at or above its floor keeps offset 0. Stateful by
 * design (the re-ranking itself stays a pure function of the offsets); deterministic for a given
 * order of requests. One per served model and policy, per process.
 */
export class ExposureController {
  readonly offsets: Float64Array;
  private readonly floors: Float64Array;
  private readonly shares: Float64Array;
  private spanSum = 0;
  private spans = 0;
  private lists = 0;

  /**
   * @param floors per group its floor share (see {@link exposureFloors}); their sum must be ≤ 1.
   * @param step how far one list moves a multiplier, in units of relevance (scores scaled to [0, 1]).
   */
  constructor(
    floors: Float64Array,
    private readonly step = 0.05,
  ) {
    this.floors = Float64Array.from(floors);
    this.offsets = new Float64Array(floors.length);
    this.shares = new Float64Array(floors.length);
  }

  /**
   * Starts from offsets learned elsewhere (a controller of the previous model version, or one saved
   * before a restart): each value is clamped to ≥ 0, as dual ascent keeps them (a non-finite one
   * counts as 0); a shorter array leaves the other groups at 0. With `scale`, the relevance scale's
   * running mean continues from it too: only right for the same model's scores, as after a restart.
   */
  warmStart(initial: ArrayLike<number>, scale?: RelevanceScaleState): void {
    for (let group = 0; group < Math.min(initial.length, this.offsets.length); group++) {
      const offset = initial[group]!;
      this.offsets[group] = Number.isFinite(offset) ? Math.max(0, offset) : 0;
    }
    if (scale && scale.spans > 0 && Number.isFinite(scale.spanSum) && scale.spanSum >= 0) {
      this.spanSum = scale.spanSum;
      this.spans = scale.spans;
    }
  }

  /** The running mean behind {@link relevanceScale}, to carry it over a restart. */
  get scaleState(): RelevanceScaleState {
    return { spanSum: this.spanSum, spans: this.spans };
  }

  /** Lists observed since this controller was created. */
  get listsObserved(): number {
    return this.lists;
  }

  /**
   * Score units per unit of relevance for the next list: the mean score span (max − min) of the
   * candidate lists observed so far, 0 before the first (the list then scales itself). The offsets
   * are in these units, so a warm start carries over between models whose scores differ in scale;
   * the scale itself is relearned from the new model's lists.
   */
  get relevanceScale(): number {
    return this.spans > 0 ? this.spanSum / this.spans : 0;
  }

  /**
   * Records one served list: the item group at each shown position, best first (−1 unknown), and
   * the scores of all its candidates (for {@link relevanceScale}).
   */
  observe(groupsShown: ArrayLike<number>, candidateScores?: Float32Array | Float64Array): void {
    this.lists++;
    if (candidateScores && candidateScores.length > 0) {
      const { min, max } = scoreRange(candidateScores);
      if (Number.isFinite(max - min)) {
        this.spanSum += max - min;
        this.spans++;
      }
    }
    const total = groupExposure(groupsShown, this.shares);
    if (total === 0) return;
    for (let group = 0; group < this.offsets.length; group++)
      this.offsets[group] = Math.max(
        0,
        this.offsets[group]! + this.step * (this.floors[group]! - this.shares[group]! / total),
      );
  }
}
