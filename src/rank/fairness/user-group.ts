import type { LiftName } from '../../core/fairness-config.js';
import { calibrationRerank } from './calibration.js';
import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, positionWeight, relevanceOf, unchanged } from './candidate-list.js';
import { popularityBiasRerank } from './popularity-bias.js';

export interface UserGroupOptions {
  k: number;
  /** 0 = the model's order; s caps the advantaged user's expected DCG at (1 − s) of its best. */
  strength: number;
  /** Whether the user belongs to the advantaged group (e.g. the most active users). */
  advantaged: boolean;
  /**
   * λ of the re-ranking a disadvantaged user's list gets while strength > 0 (`liftBy`); 0 (the
   * default) leaves it as the model ranked it. Choose it on a validation split: it is there to
   * raise the disadvantaged group's accuracy, and only a held-out measurement can say it does.
   */
  lift?: number;
  /**
   * `calibration` (default): Steck's calibration to the user's history mix ({@link calibrationRerank},
   * needs `category` and `historyMix`); `popularity`: the popularity penalty
   * ({@link popularityBiasRerank}, needs `popularity`).
   */
  liftBy?: LiftName;
  /** The user's history category mix, with `CandidateList.category`: needed by the calibration lift. */
  historyMix?: Float64Array;
}

/**
 * User-oriented fairness (Li et al., WWW 2021): narrow the accuracy gap between the advantaged and
 * the disadvantaged user groups. Li et al. solve one integer program over every user's list,
 * maximising the summed scores under |mean quality(advantaged) − mean quality(disadvantaged)| ≤ ε.
 * Their published code measures quality in that constraint with the test labels; with the model's
 * scores as the quality proxy instead (all a live system has), the solution keeps every
 * disadvantaged user's list and lowers only the advantaged users' expected quality to the level
 * the constraint allows. This is that solution per request, greedily: for an advantaged user each
 * position takes the candidate that keeps the list's expected DCG (relevance = scores scaled to
 * [0, 1]) closest to the target (1 − strength) × the best achievable DCG of the prefix. The operator
 * picks the strength the audit shows meets ε (docs/fairness.md).
 *
 * Levelling down alone costs the overall accuracy exactly the advantaged share of users times the
 * gap it closes. `lift` > 0 adds the other side: a disadvantaged user's list is calibrated to the
 * user's history mix (Steck 2018, {@link calibrationRerank}) or re-scored with a popularity penalty
 * ({@link popularityBiasRerank}), which on held-out data can raise that group's accuracy a little;
 * with lift 0 a disadvantaged user's list never changes.
 */
export function userGroupRerank(list: CandidateList, options: UserGroupOptions): RerankResult {
  const n = list.scores.length;
  if (options.strength <= 0 || n === 0) return unchanged(n);
  if (!options.advantaged) {
    const lift = options.lift ?? 0;
    if (lift <= 0) return unchanged(n);
    if (options.liftBy === 'popularity') return popularityBiasRerank(list, { k: options.k, strength: lift });
    if (!options.historyMix) return unchanged(n);
    return calibrationRerank(list, { k: options.k, strength: lift, historyMix: options.historyMix });
  }
  return levelDown(list, Math.min(options.k, n), 1 - Math.min(1, options.strength));
}

/**
 * The advantaged user's list with its expected DCG brought down to `ratio` × the best. It walks a
 * chain of lists that starts at the model's top k and lowers the expected DCG at every step, by
 * demoting the best item shown one position at a time: with window [m, m + k) of the candidates,
 * item m moves down past its neighbours (each swap costs (w_j − w_{j+1})·(rel_m − rel_{m+j+1}) ≥ 0)
 * and, from the last position, gives its place to candidate m + k (w_{k−1}·(rel_m − rel_{m+k}) ≥ 0);
 * then the next window starts. Past the last window the shown items bubble into ascending order,
 * the lowest expected DCG any k candidates can have (rearrangement inequality). It stops at the
 * list of the chain closest to the target (the earliest of equals). So the list keeps the model's
 * order but for the demoted items, each step is small, and a stronger strength never walks less
 * far. At most n·k steps of O(1).
 */
function levelDown(list: CandidateList, k: number, ratio: number): RerankResult {
  const n = list.scores.length;
  const relevance = relevanceOf(list.scores);
  const shown = new Int32Array(k);
  let dcg = 0;
  for (let position = 0; position < k; position++) {
    shown[position] = position;
    dcg += relevance[position]! * positionWeight(position);
  }
  const target = ratio * dcg;
  const closest = Int32Array.from(shown);
  let closestDistance = Math.abs(dcg - target);
  // The demoted item sits at position j; the last `settled` positions are final (ascending tail).
  let next = k;
  let j = 0;
  let settled = 0;
  while (dcg > target && settled < Math.max(1, k - 1)) {
    if (j < k - 1 - settled) {
      const demoted = shown[j]!;
      const other = shown[j + 1]!;
      dcg += (positionWeight(j) - positionWeight(j + 1)) * (relevance[other]! - relevance[demoted]!);
      shown[j] = other;
      shown[j + 1] = demoted;
      j++;
    } else if (settled === 0 && next < n) {
      dcg += positionWeight(k - 1) * (relevance[next]! - relevance[shown[k - 1]!]!);
      shown[k - 1] = next++;
      j = 0;
    } else {
      settled++;
      j = 0;
      continue;
    }
    const distance = Math.abs(dcg - target);
    if (distance < closestDistance) {
      closest.set(shown);
      closestDistance = distance;
    }
  }
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  closest.forEach((candidate, position) => {
    order[position] = candidate;
    taken[candidate] = 1;
  });
  return completeOrder(order, k, taken);
}

/** Expected DCG of the first k of an order with the scores scaled to [0, 1] as relevance. */
export function expectedDcg(list: CandidateList, order: Int32Array, k: number): number {
  const relevance = relevanceOf(list.scores);
  let dcg = 0;
  for (let position = 0; position < Math.min(k, order.length); position++)
    dcg += relevance[order[position]!]! * positionWeight(position);
  return dcg;
}
