import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, positionWeight, relevanceOf, unchanged } from './candidate-list.js';

export interface ExposureMeritOptions {
  k: number;
  /** λ in [0, 1]: 0 = the model's order, 1 = exposure follows the target as closely as the candidates allow. */
  strength: number;
  /**
   * The share of exposure each group should get, indexed like `CandidateList.group` (candidates of
   * group −1 or beyond its length get 0), renormalised over the groups among the candidates. For
   * equal exposure per item (what the audit's Gini measures) pass the groups' shares of the
   * catalogue's items. Default: each group's share of the candidates' merit.
   */
  target?: Float64Array;
}

/** Per candidate its group slot (−1 = unknown → one more slot), and per slot its target share. */
interface GroupTargets {
  slotOf: Int32Array;
  slots: number;
  share: Float64Array;
  members: Int32Array;
}

/**
 * Each group's target share of the list's exposure: the given target renormalised over the groups
 * present among the candidates, or (no target, or none of it present) the group's share of the
 * candidates' merit (relevance plus a small floor, so a group of zero-relevance candidates still
 * has a claim on some exposure).
 */
function groupTargets(list: CandidateList, relevance: Float64Array, target?: Float64Array): GroupTargets {
  const n = list.scores.length;
  const groupOf = list.group ?? new Int32Array(n).fill(-1);
  let groups = 0;
  for (let i = 0; i < n; i++) if (groupOf[i]! + 1 > groups) groups = groupOf[i]! + 1;
  const slots = groups + 1;
  const slotOf = new Int32Array(n);
  const members = new Int32Array(slots);
  const merit = new Float64Array(slots);
  let totalMerit = 0;
  for (let i = 0; i < n; i++) {
    const slot = groupOf[i]! < 0 ? groups : groupOf[i]!;
    slotOf[i] = slot;
    members[slot]!++;
    merit[slot]! += relevance[i]! + 1e-6;
    totalMerit += relevance[i]! + 1e-6;
  }
  const share = new Float64Array(slots);
  let given = 0;
  if (target)
    for (let slot = 0; slot < groups; slot++) if (members[slot]! > 0) given += Math.max(0, target[slot] ?? 0);
  for (let slot = 0; slot < slots; slot++)
    share[slot] =
      given > 0
        ? slot < groups && members[slot]! > 0
          ? Math.max(0, target![slot] ?? 0) / given
          : 0
        : merit[slot]! / totalMerit;
  return { slotOf, slots, share, members };
}

/**
 * Fair exposure (Singh & Joachims, KDD 2018): each item group should get a target share of the
 * top-k's position-discounted exposure — by default its share of the candidates' merit (relevance,
 * the scores scaled to [0, 1]; "disparate treatment"), or a given target such as the groups'
 * shares of the catalogue (equal exposure per item). Greedy: at each position the head of every
 * group (its best remaining candidate, so the group's most relevant items go first) competes on
 *   (1 − λ)·relevance + λ·deficit,  deficit_g = target_g·(exposure so far + this position's) − exposure_g,
 * so a group behind its share moves up as λ grows. Candidates with group −1 form one more group.
 * Needs `group`.
 */
export function exposureMeritRerank(list: CandidateList, options: ExposureMeritOptions): RerankResult {
  const n = list.scores.length;
  if (!list.group || options.strength <= 0 || n === 0) return unchanged(n);
  const lambda = Math.min(1, options.strength);
  const k = Math.min(options.k, n);
  const relevance = relevanceOf(list.scores);
  const { slotOf, slots, share } = groupTargets(list, relevance, options.target);
  // Per group its candidates in input order as a linked list (head, next).
  const head = new Int32Array(slots).fill(-1);
  const tail = new Int32Array(slots).fill(-1);
  const next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const slot = slotOf[i]!;
    if (head[slot] === -1) head[slot] = i;
    else next[tail[slot]!] = i;
    tail[slot] = i;
  }
  const exposure = new Float64Array(slots);
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  let shown = 0;
  for (let position = 0; position < k; position++) {
    const weight = positionWeight(position);
    let bestSlot = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let slot = 0; slot < slots; slot++) {
      const candidate = head[slot]!;
      if (candidate === -1) continue;
      const deficit = share[slot]! * (shown + weight) - exposure[slot]!;
      const value = (1 - lambda) * relevance[candidate]! + lambda * deficit;
      // Ties go to the candidate the model ranked higher.
      if (value > bestValue || (value === bestValue && candidate < head[bestSlot]!)) {
        bestValue = value;
        bestSlot = slot;
      }
    }
    const pick = head[bestSlot]!;
    head[bestSlot] = next[pick]!;
    taken[pick] = 1;
    order[position] = pick;
    exposure[bestSlot]! += weight;
    shown += weight;
  }
  return completeOrder(order, k, taken);
}

/**
 * The largest exposure deficit over groups after each prefix of an order: how far the group most
 * behind its target share (as {@link exposureMeritRerank} sets it) is, in units of the first
 * position's exposure. For tests and audits.
 */
export function exposureDeficits(
  list: CandidateList,
  order: Int32Array,
  k: number,
  target?: Float64Array,
): Float64Array {
  const n = list.scores.length;
  const { slotOf, slots, share, members } = groupTargets(list, relevanceOf(list.scores), target);
  const exposure = new Float64Array(slots);
  const deficits = new Float64Array(Math.min(k, n));
  let shown = 0;
  for (let position = 0; position < deficits.length; position++) {
    const slot = slotOf[order[position]!]!;
    exposure[slot]! += positionWeight(position);
    shown += positionWeight(position);
    let worst = Number.NEGATIVE_INFINITY;
    for (let g = 0; g < slots; g++)
      if (members[g]! > 0) worst = Math.max(worst, share[g]! * shown - exposure[g]!);
    deficits[position] = worst;
  }
  return deficits;
}
