import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, relevanceOf, unchanged } from './candidate-list.js';

export interface PopularityBiasOptions {
  k: number;
  /** λ in [0, 1]: weight of the popularity penalty against relevance. */
  strength: number;
}

/**
 * Popularity-bias mitigation by re-scoring (as in Abdollahpouri et al.'s regularised ranking):
 * the top k by (1 − λ)·relevance − λ·popularity, both scaled to [0, 1] over the candidates
 * (popularity by the most popular candidate). Because the model's top k maximise relevance, the
 * re-scored top k never have more total popularity than the model's (exchange argument), so ARP
 * falls monotonically in the candidates' terms. Needs `popularity`.
 */
export function popularityBiasRerank(list: CandidateList, options: PopularityBiasOptions): RerankResult {
  const n = list.scores.length;
  const popularity = list.popularity;
  if (!popularity || options.strength <= 0 || n === 0) return unchanged(n);
  const lambda = Math.min(1, options.strength);
  const k = Math.min(options.k, n);
  const relevance = relevanceOf(list.scores);
  let most = 0;
  for (let i = 0; i < n; i++) if (popularity[i]! > most) most = popularity[i]!;
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++)
    value[i] = (1 - lambda) * relevance[i]! - lambda * (most > 0 ? popularity[i]! / most : 0);
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  // k selection passes: cheaper than sorting for k ≪ n, and ties keep the model's order.
  for (let position = 0; position < k; position++) {
    let pick = -1;
    for (let i = 0; i < n; i++) if (taken[i] === 0 && (pick === -1 || value[i]! > value[pick]!)) pick = i;
    taken[pick] = 1;
    order[position] = pick;
  }
  return completeOrder(order, k, taken);
}
