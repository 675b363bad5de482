/**
 * A metric computed per user from a ranked list and the user's held-out items. Averages over users
 * with at least one held-out item; users with none are not evaluated.
 */
export interface UserMetric {
  name: string;
  kind: 'user';
  /** `ranked`: recommended item indices, best first (at least k long when possible). */
  compute(ranked: Int32Array, relevant: ReadonlySet<number>, k: number): number;
}

/** What beyond-accuracy metrics know about the catalogue, from the training data. */
export interface CatalogueStats {
  itemCount: number;
  userCount: number;
  /** Training interactions (distinct users) per item. */
  popularity: Int32Array;
  /** 1 for items in the long tail (outside the top 20 % most popular items). */
  longTail: Uint8Array;
  /** Leaf category index per item (-1 when unknown), for intra-list diversity. */
  category: Int32Array;
}

/** A metric over everyone's lists at once (coverage, exposure) or averaged per list with catalogue facts. */
export interface ListMetric {
  name: string;
  kind: 'list';
  compute(lists: readonly Int32Array[], k: number, catalogue: CatalogueStats): number;
}

export type Metric = UserMetric | ListMetric;

/** Number of the first k ranked items that are relevant. */
export function hitsAt(ranked: Int32Array, relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  const limit = Math.min(k, ranked.length);
  for (let r = 0; r < limit; r++) if (relevant.has(ranked[r]!)) hits++;
  return hits;
}
