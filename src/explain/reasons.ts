import type { Contribution } from '../models/model.js';

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

/** A result ranked just below the one explained: its contributions and how much lower it scores. */
export interface Rival {
  contributions: readonly Contribution[];
  /** The explained item's score minus the rival's (≥ 0). */
  gap: number;
}

function keyOf(contribution: Contribution, context: ReasonContext): string {
  const itemId = contribution.item !== undefined ? context.itemIds[contribution.item] : undefined;
  return `${KIND_OF[contribution.kind]}\u0000${itemId ?? ''}`;
}

/**
 * Turns a model's contributions into reasons: contributions of the same kind and evidence item
 * (e.g. EASE and iALS both crediting the same history item inside a blend) are merged, the
 * `keep` first are kept, and what is left over is one `other` reason, so the weights still add up
 * to the score. Item-independent terms (a blend's normalisation shift) are `baseline`.
 *
 * Without rivals, reasons come largest weight first. With rivals (the results ranked just below),
 * they come in order of how much each lifts the item above a rival: weight − the rival's weight
 * from the same evidence − the score gap, best over the rivals. A history item that many results
 * share (a blockbuster the user watched) props up the rivals as much as this item; the first
 * reason is the evidence this item's place rests on, which is what a removal test checks
 * (src/explain/fidelity.ts). The weights shown stay the model's own contributions.
 */
export function reasonsFrom(
  contributions: readonly Contribution[],
  context: ReasonContext,
  keep = 3,
  rivals: readonly Rival[] = [],
): Reason[] {
  const merged = new Map<string, Reason>();
  for (const contribution of contributions) {
    const kind = KIND_OF[contribution.kind];
    const itemId = contribution.item !== undefined ? context.itemIds[contribution.item] : undefined;
    const key = keyOf(contribution, context);
    const existing = merged.get(key);
    if (existing) {
      existing.weight += contribution.weight;
      continue;
    }
    const evidence: ReasonEvidence = {};
    if (itemId !== undefined) {
      evidence.itemId = itemId;
      const title = context.titleOf(itemId);
      if (title !== undefined) evidence.title = title;
      const action = context.actionOf(itemId);
      if (action !== undefined) evidence.action = action;
      const category = context.categoryOf(itemId);
      if (category) evidence.category = category;
    }
    if (contribution.model !== undefined) evidence.model = contribution.model;
    merged.set(key, { kind, weight: contribution.weight, evidence });
  }
  const all = [...merged.entries()];
  const baseline = all.filter(([, reason]) => reason.kind === 'baseline').map(([, reason]) => reason);
  const rivalWeights = rivals.map((rival) => {
    const weights = new Map<string, number>();
    for (const contribution of rival.contributions) {
      const key = keyOf(contribution, context);
      weights.set(key, (weights.get(key) ?? 0) + contribution.weight);
    }
    return { weights, gap: rival.gap };
  });
  const lift = (key: string, reason: Reason): number => {
    if (rivalWeights.length === 0) return reason.weight;
    let best = Number.NEGATIVE_INFINITY;
    for (const rival of rivalWeights)
      best = Math.max(best, reason.weight - (rival.weights.get(key) ?? 0) - rival.gap);
    return best;
  };
  const ranked = all
    .filter(([, reason]) => reason.kind !== 'baseline')
    .map(([key, reason]) => ({ reason, lift: lift(key, reason) }))
    .sort((a, b) => b.lift - a.lift || b.reason.weight - a.reason.weight)
    .map((entry) => entry.reason);
  const kept = ranked.slice(0, keep);
  const rest =
    ranked.slice(keep).reduce((sum, reason) => sum + reason.weight, 0) +
    baseline.reduce((sum, reason) => sum + reason.weight, 0);
  if (Math.abs(rest) > 1e-9)
    kept.push({
      kind: 'other',
      weight: rest,
      evidence: { count: ranked.length - kept.length + baseline.length },
    });
  return kept.map((reason) => ({ ...reason, weight: round(reason.weight) }));
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
