import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, positionWeight, relevanceOf, unchanged } from './candidate-list.js';

export interface ExposureMeritOptions {
  k: number;
  /** λ in [0, 1]: 0 = the model's order, 1 = exposure follows merit as closely as the candidates allow. */
  strength: number;
}

/**
 * Exposure proportional to merit (Singh & Joachims, KDD 2018, "disparate treatment"): each item
 * group should get a share of the top-k's position-discounted exposure equal to its share of the
 * candidates' merit (relevance, the scores scaled to [0, 1]). Greedy: at each position the head of
 * every group (its best remaining candidate) competes on
 *   (1 − λ)·relevance + λ·deficit,  deficit_g = target_g·(exposure so far + this position's) − exposure_g,
 * so a group behind its fair share moves up as λ grows. Candidates with group −1 form one more group.
 * Needs `group`.
 */
export function exposureMeritRerank(list: CandidateList, options: ExposureMeritOptions): RerankResult {
  const n = list.scores.length;
  const groupOf = list.group;
  if (!groupOf || options.strength <= 0 || n === 0) return unchanged(n);
  const lambda = Math.min(1, options.strength);
  const k = Math.min(options.k, n);
  const relevance = relevanceOf(list.scores);
  let groups = 0;
  for (let i = 0; i < n; i++) if (groupOf[i]! + 1 > groups) groups = groupOf[i]! + 1;
  const unknown = groups;
  groups++;
  // Per group its candidates in input order as a linked list (head, next), and its merit.
  const head = new Int32Array(groups).fill(-1);
  const tail = new Int32Array(groups).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const merit = new Float64Array(groups);
  let totalMerit = 0;
  for (let i = 0; i < n; i++) {
    const group = groupOf[i]! < 0 ? unknown : groupOf[i]!;
    if (head[group] === -1) head[group] = i;
    else next[tail[group]!] = i;
    tail[group] = i;
    // A small floor: a group of zero-relevance candidates still has a claim on some exposure.
    merit[group]! += relevance[i]! + 1e-6;
    totalMerit += relevance[i]! + 1e-6;
  }
  const exposure = new Float64Array(groups);
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  let shown = 0;
  for (let position = 0; position < k; position++) {
    const weight = positionWeight(position);
    let bestGroup = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let group = 0; group < groups; group++) {
      const candidate = head[group]!;
      if (candidate === -1) continue;
      const deficit = (merit[group]! / totalMerit) * (shown + weight) - exposure[group]!;
      const value = (1 - lambda) * relevance[candidate]! + lambda * deficit;
      // Ties go to the candidate the model ranked higher.
      if (value > bestValue || (value === bestValue && candidate < head[bestGroup]!)) {
        bestValue = value;
        bestGroup = group;
      }
    }
    const pick = head[bestGroup]!;
    head[bestGroup] = next[pick]!;
    taken[pick] = 1;
    order[position] = pick;
    exposure[bestGroup]! += weight;
    shown += weight;
  }
  return completeOrder(order, k, taken);
}

/**
 * The largest exposure deficit over groups after each prefix of an order: how far the group most
 * behind its merit share is, in units of the first position's exposure. For tests and audits.
 */
export function exposureDeficits(list: CandidateList, order: Int32Array, k: number): Float64Array {
  const n = list.scores.length;
  const groupOf = list.group ?? new Int32Array(n).fill(-1);
  const relevance = relevanceOf(list.scores);
  let groups = 0;
  for (let i = 0; i < n; i++) if (groupOf[i]! + 1 > groups) groups = groupOf[i]! + 1;
  groups++;
  const merit = new Float64Array(groups);
  const members = new Int32Array(groups);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const group = groupOf[i]! < 0 ? groups - 1 : groupOf[i]!;
    members[group]!++;
    merit[group]! += relevance[i]! + 1e-6;
    total += relevance[i]! + 1e-6;
  }
  const exposure = new Float64Array(groups);
  const deficits = new Float64Array(Math.min(k, n));
  let shown = 0;
  for (let position = 0; position < deficits.length; position++) {
    const candidate = order[position]!;
    const group = groupOf[candidate]! < 0 ? groups - 1 : groupOf[candidate]!;
    exposure[group]! += positionWeight(position);
    shown += positionWeight(position);
    let worst = Number.NEGATIVE_INFINITY;
    for (let g = 0; g < groups; g++)
      if (members[g]! > 0) worst = Math.max(worst, (merit[g]! / total) * shown - exposure[g]!);
    deficits[position] = worst;
  }
  return deficits;
}
