import type { Rng } from '../core/rng.js';
import type { Csr } from '../matrix/csr.js';
import { topK } from '../matrix/top-k.js';
import { historyOf } from '../models/data/training-data.js';
import type { Recommender, UserHistory } from '../models/model.js';
import { contrastList } from './contrast-list.js';
import { reasonsInList } from './reasons.js';

/** Candidates ranked below the shown results that reasons are also weighed against (as serving does). */
export const CONTRAST_DEPTH = 10;

export interface FidelityOptions {
  /** Results checked per user (the top k). */
  k: number;
  /** Users sampled (all when fewer). */
  users: number;
  rng: Rng;
}

/** How faithful a model's explanations are, by the removal test. */
export interface FidelityResult {
  /** Results examined (users × k, less users with too short a history). */
  results: number;
  /** Results whose top reason points at a history item (the others cite popularity or a baseline). */
  testable: number;
  /** Testable results that fell in rank once their top reason's item left the history. */
  fell: number;
  /** fell / testable. */
  share: number;
  /** Results that stayed at their rank or rose (the explanation did not hold). */
  heldOrRose: number;
  /** Testable results whose top reason names several history items (removed together). */
  grouped: number;
  /** Median ranks lost by the results that fell. */
  medianRanksLost: number;
}

/**
 * The removal test of an explanation's fidelity: for each recommended item, take its top reason as
 * the API shows it (the model's own contributions, merged per evidence item), remove its evidence
 * item (and the items `together` with it, when the reason names several) from the user's history, score again, and check the item now ranks lower among the same
 * candidates (everything not in the original history). A faithful explanation names an item the
 * recommendation truly rests on, so removing it must cost the result rank.
 */
export function measureExplanationFidelity(
  recommender: Recommender,
  histories: Csr,
  options: FidelityOptions,
): FidelityResult {
  const items = histories.cols;
  const itemIds = Array.from({ length: items }, (_, index) => String(index));
  const context = {
    itemIds,
    titleOf: () => undefined,
    actionOf: () => undefined,
    categoryOf: () => '',
  };
  const candidates: number[] = [];
  for (let u = 0; u < histories.rows; u++)
    if (histories.indptr[u + 1]! - histories.indptr[u]! >= 2) candidates.push(u);
  const users = options.rng.shuffle(candidates).slice(0, options.users);
  const scores = new Float32Array(items);
  const after = new Float32Array(items);
  const inHistory = new Uint8Array(items);
  let results = 0;
  let testable = 0;
  let fell = 0;
  let heldOrRose = 0;
  let grouped = 0;
  const ranksLost: number[] = [];
  for (const u of users) {
    const history = historyOf(histories, u);
    recommender.score(history, scores);
    for (const item of history.items) inHistory[item] = 1;
    // Each result is explained within the list it was ranked in, as the serving path explains it.
    const top = topK(scores, options.k + CONTRAST_DEPTH, inHistory);
    const list = contrastList(
      recommender,
      history,
      top.indices,
      Array.from(top.indices, (item) => scores[item]!),
    );
    for (let r = 0; r < Math.min(options.k, top.indices.length); r++) {
      const item = top.indices[r]!;
      results++;
      const reasons = reasonsInList(list, r, context, 3);
      const first = reasons.find((reason) => reason.kind !== 'other');
      const evidence = first?.evidence.itemId;
      if (first?.kind !== 'because-you-interacted' || evidence === undefined) continue;
      testable++;
      if (first.evidence.together?.length) grouped++;
      const removed = [evidence, ...(first.evidence.together ?? []).map((other) => other.itemId)];
      recommender.score(without(history, new Set(removed.map(Number))), after);
      const rankBefore = rankOf(scores, item, inHistory);
      const rankAfter = rankOf(after, item, inHistory);
      if (rankAfter > rankBefore) {
        fell++;
        ranksLost.push(rankAfter - rankBefore);
      } else heldOrRose++;
    }
    for (const item of history.items) inHistory[item] = 0;
  }
  ranksLost.sort((a, b) => a - b);
  return {
    results,
    testable,
    fell,
    share: testable === 0 ? 0 : fell / testable,
    heldOrRose,
    grouped,
    medianRanksLost: ranksLost.length === 0 ? 0 : ranksLost[Math.floor(ranksLost.length / 2)]!,
  };
}

/** The history without some items. */
function without(history: UserHistory, items: ReadonlySet<number>): UserHistory {
  const keep: number[] = [];
  for (let n = 0; n < history.items.length; n++) if (!items.has(history.items[n]!)) keep.push(n);
  return {
    items: Int32Array.from(keep, (n) => history.items[n]!),
    weights: Float32Array.from(keep, (n) => history.weights[n]!),
  };
}

/** 1 + the candidates (not in the history) scoring above the item; ties keep the item ahead. */
function rankOf(scores: Float32Array, item: number, inHistory: Uint8Array): number {
  const score = scores[item]!;
  let above = 0;
  for (let other = 0; other < scores.length; other++)
    if (other !== item && inHistory[other] === 0 && scores[other]! > score) above++;
  return 1 + above;
}
