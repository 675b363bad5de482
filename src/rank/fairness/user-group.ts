import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, positionWeight, relevanceOf, unchanged } from './candidate-list.js';

export interface UserGroupOptions {
  k: number;
  /** 0 = the model's order; s caps the advantaged user's expected DCG at (1 − s) of its best. */
  strength: number;
  /** Whether the user belongs to the advantaged group (e.g. the most active users). */
  advantaged: boolean;
}

/**
 * User-oriented fairness (Li et al., WWW 2021): narrow the accuracy gap between the advantaged and
 * the disadvantaged user groups. Li et al. solve one integer program over every user's list,
 * maximising the summed scores under |mean quality(advantaged) − mean quality(disadvantaged)| ≤ ε;
 * with the model's scores as the quality proxy, its solution keeps every disadvantaged user's list
 * and lowers only the advantaged users' expected quality to the level the constraint allows. This
 * is that solution per request, greedily: a disadvantaged user's list is never changed; for an
 * advantaged user each position takes the candidate that keeps the list's expected DCG (relevance =
 * scores scaled to [0, 1]) closest to the target (1 − strength) × the best achievable DCG of the
 * prefix. The operator picks the strength the audit shows meets ε (docs/fairness.md).
 */
export function userGroupRerank(list: CandidateList, options: UserGroupOptions): RerankResult {
  const n = list.scores.length;
  if (!options.advantaged || options.strength <= 0 || n === 0) return unchanged(n);
  const k = Math.min(options.k, n);
  const relevance = relevanceOf(list.scores);
  const target = 1 - Math.min(1, options.strength);
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  let ideal = 0;
  let achieved = 0;
  for (let position = 0; position < k; position++) {
    const weight = positionWeight(position);
    // Candidates come best first, so the best prefix DCG takes them in input order.
    ideal += relevance[position]! * weight;
    const wanted = target * ideal - achieved;
    let pick = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (taken[i] === 1) continue;
      const distance = Math.abs(relevance[i]! * weight - wanted);
      if (distance < bestDistance) {
        bestDistance = distance;
        pick = i;
      }
    }
    taken[pick] = 1;
    order[position] = pick;
    achieved += relevance[pick]! * weight;
  }
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
