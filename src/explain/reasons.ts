import type { Contribution } from '../models/model.js';
import {
  BASELINE_CODE,
  type ContrastList,
  ITEM_SPAN,
  kindOfCode,
  fromContributions,
} from './contrast-list.js';

/** Why an item is in a result: the kind of reason, its share of the score, and its evidence. */
export interface Reason {
  kind: ReasonKind;
  /** The part of the item's score this reason accounts for (reasons of one item sum to its score). */
  weight: number;
  evidence: ReasonEvidence;
}

export type ReasonKind =
  | 'because-you-interacted'
  | 'similar-content'
  | 'similar-item'
  | 'bought-together'
  | 'trending'
  | 'category-affinity'
  | 'pinned'
  | 'diversity'
  | 'fairness-boost'
  | 'search-match'
  | 'baseline'
  | 'other';

export interface ReasonEvidence {
  /** The item the reason points to (a history item, the page's item, a basket item). */
  itemId?: string;
  title?: string;
  /** What the user did with that item: purchase, cart, favorite, rating, click, view. */
  action?: string;
  category?: string;
  /** Which model produced it (inside a blend). */
  model?: string;
  /**
   * Further history items of the same reason, when the result rests on several at once and only
   * their joint removal would cost it a place (the first reason only; see reasonsFrom).
   */
  together?: { itemId: string | undefined; title?: string }[];
  [key: string]: unknown;
}

/** Facts for turning contributions into reasons. */
export interface ReasonContext {
  itemIds: readonly string[];
  titleOf: (itemId: string) => string | undefined;
  /** The strongest action of the user on an item (for "because you bought …"). */
  actionOf: (itemId: string) => string | undefined;
  categoryOf: (itemId: string) => string;
}

const KIND_OF: Record<Contribution['kind'], ReasonKind> = {
  history: 'because-you-interacted',
  content: 'similar-content',
  'co-purchase': 'bought-together',
  popularity: 'trending',
  bias: 'baseline',
};

/**
 * Turns a model's contributions into reasons: contributions of the same kind and evidence item
 * (e.g. EASE and iALS both crediting the same history item inside a blend) are merged, the
 * `keep` first are kept, and what is left over is one `other` reason, so the weights still add up
 * to the score. Item-independent terms (a blend's normalisation shift) are `baseline`. Reasons come
 * largest weight first; inside a ranked list, use reasonsInList.
 */
export function reasonsFrom(
  contributions: readonly Contribution[],
  context: ReasonContext,
  keep = 3,
): Reason[] {
  const sum = contributions.reduce((total, contribution) => total + contribution.weight, 0);
  return reasonsInList(fromContributions([contributions], [sum]), 0, context, keep);
}

/**
 * The reasons of the result at `position` of a ranked list, in order of how many places the result
 * would lose if the evidence left the user's history — each other result's score moves by its own
 * contribution from that evidence, so one below overtakes when (gap − weight + its weight) < 0 and
 * one above drops behind when that is ≥ 0 — then by the margin over the best-placed result below. A
 * history item that many results share (a blockbuster the user watched) props up the others as much
 * as this one, so it rarely comes first: the first reason is the evidence the result's place rests
 * on, which is what the removal test checks (src/explain/fidelity.ts). When no single piece of
 * evidence would cost a place, the first reason names the few history items whose joint removal
 * would (`evidence.together`). The weights shown stay the model's own contributions.
 */
export function reasonsInList(
  list: ContrastList,
  position: number,
  context: ReasonContext,
  keep = 3,
): Reason[] {
  const { codes, weights, scores } = list;
  const height = scores.length;
  const row = position;
  const candidates: Candidate[] = [];
  let rest = 0;
  let restCount = 0;
  for (let column = 0; column < codes.length; column++) {
    const at = column * height;
    const weight = weights[at + row]!;
    if (weight === 0) continue;
    // Baselines (item-independent) and contributions against the item are never its reason.
    if (weight < 0 || codes[column]! >= BASELINE_CODE) {
      rest += weight;
      restCount++;
      continue;
    }
    let lost = 0;
    let margin = height > 1 ? Number.NEGATIVE_INFINITY : weight;
    const score = scores[row]! - weight;
    for (let other = 0; other < row; other++) if (score - scores[other]! + weights[at + other]! >= 0) lost--;
    for (let other = row + 1; other < height; other++) {
      const after = score - scores[other]! + weights[at + other]!;
      if (after < 0) lost++;
      if (-after > margin) margin = -after;
    }
    candidates.push({ column, lost, margin, weight });
  }
  candidates.sort((a, b) => b.lost - a.lost || b.margin - a.margin || b.weight - a.weight);
  const group =
    height > 1 && candidates[0] && candidates[0].lost <= 0
      ? groupThatCosts(candidates, codes, weights, scores, row)
      : [];
  const grouped = new Set(group.map((candidate) => candidate.column));
  const ordered = [
    ...(group.length > 0 ? [group] : []),
    ...candidates.filter((candidate) => !grouped.has(candidate.column)).map((candidate) => [candidate]),
  ];
  const reasonOfColumn = (column: number, weight: number) =>
    reasonOf(codes[column]!, weight, list.models?.[column], context);
  const kept = ordered.slice(0, keep).map((members) => {
    const reason = reasonOfColumn(members[0]!.column, members[0]!.weight);
    if (members.length === 1) return reason;
    reason.weight = members.reduce((sum, member) => sum + member.weight, 0);
    reason.evidence.together = members.slice(1).map((member) => {
      const other = reasonOfColumn(member.column, member.weight).evidence;
      return { itemId: other.itemId, ...(other.title !== undefined ? { title: other.title } : {}) };
    });
    return reason;
  });
  for (const members of ordered.slice(keep)) for (const member of members) rest += member.weight;
  restCount += ordered.slice(keep).reduce((sum, members) => sum + members.length, 0);
  if (Math.abs(rest) > 1e-9) kept.push({ kind: 'other', weight: rest, evidence: { count: restCount } });
  return kept.map((reason) => ({ ...reason, weight: round(reason.weight) }));
}

/** At most this many history items make one reason (the first) when no single one would cost a place. */
const GROUP_LIMIT = 3;

interface Candidate {
  column: number;
  lost: number;
  margin: number;
  weight: number;
}

/**
 * When no single piece of evidence would cost the result a place (it rests on several history
 * items at once), the smallest set of history items — built greedily, up to GROUP_LIMIT — whose
 * joint removal would: a counterfactual explanation in the manner of PRINCE (Ghazimatin et al.,
 * WSDM 2020). Empty when none of that size exists. Only `history` evidence is grouped.
 */
function groupThatCosts(
  candidates: readonly Candidate[],
  codes: readonly number[],
  weights: Float64Array,
  scores: Float64Array,
  row: number,
): Candidate[] {
  const height = scores.length;
  const pool = candidates.filter((candidate) => codes[candidate.column]! < ITEM_SPAN).slice(0, 50);
  const removed = new Float64Array(height); // Σ over the group of each entry's weight
  const group: Candidate[] = [];
  while (group.length < GROUP_LIMIT) {
    let best: { candidate: Candidate; lost: number; margin: number } | undefined;
    for (const candidate of pool) {
      if (group.includes(candidate)) continue;
      const at = candidate.column * height;
      const score = scores[row]! - removed[row]! - weights[at + row]!;
      let lost = 0;
      let margin = Number.NEGATIVE_INFINITY;
      for (let other = 0; other < height; other++) {
        if (other === row) continue;
        const after = score - scores[other]! + removed[other]! + weights[at + other]!;
        if (other < row) {
          if (after >= 0) lost--;
        } else {
          if (after < 0) lost++;
          if (-after > margin) margin = -after;
        }
      }
      if (!best || lost > best.lost || (lost === best.lost && margin > best.margin))
        best = { candidate, lost, margin };
    }
    if (!best) return [];
    group.push(best.candidate);
    const at = best.candidate.column * height;
    for (let other = 0; other < height; other++) removed[other]! += weights[at + other]!;
    if (best.lost > 0) return group;
  }
  return [];
}

/** The reason for one (kind, evidence item), with the evidence looked up only for reasons shown. */
function reasonOf(code: number, weight: number, model: string | undefined, context: ReasonContext): Reason {
  const kind = kindOfCode(code);
  const item = (code % ITEM_SPAN) - 1;
  const evidence: ReasonEvidence = {};
  const itemId = item >= 0 ? context.itemIds[item] : undefined;
  if (itemId !== undefined) {
    evidence.itemId = itemId;
    const title = context.titleOf(itemId);
    if (title !== undefined) evidence.title = title;
    const action = context.actionOf(itemId);
    if (action !== undefined) evidence.action = action;
    const category = context.categoryOf(itemId);
    if (category) evidence.category = category;
  }
  if (model !== undefined) evidence.model = model;
  return { kind: KIND_OF[kind], weight, evidence };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
