/** A partition of items: per item index a group index (-1 = unknown), and the group labels. */
export interface ItemGrouping {
  name: string;
  labels: string[];
  groupOf: Int32Array;
}

/**
 * Each group's share of the grouped items (items of group −1 left out): the exposure shares under
 * which every group's items are equally visible, the `exposure` re-ranker's `items` target.
 */
export function itemShares(grouping: ItemGrouping): Float64Array {
  const shares = new Float64Array(grouping.labels.length);
  let total = 0;
  for (const group of grouping.groupOf)
    if (group >= 0) {
      shares[group]!++;
      total++;
    }
  if (total > 0) for (let group = 0; group < shares.length; group++) shares[group]! /= total;
  return shares;
}

/**
 * Popular vs long tail: the top 20 % of items by popularity are `popular`, the rest `long-tail`
 * (the split APLT uses, Abdollahpouri et al. 2019).
 */
export function popularityGrouping(popularity: ArrayLike<number>, headShare = 0.2): ItemGrouping {
  const items = popularity.length;
  const order = Array.from({ length: items }, (_, i) => i).sort(
    (a, b) => popularity[b]! - popularity[a]! || a - b,
  );
  const groupOf = new Int32Array(items).fill(1);
  const head = Math.ceil(items * headShare);
  for (let n = 0; n < head; n++) groupOf[order[n]!] = 0;
  return { name: 'popularity', labels: ['popular', 'long-tail'], groupOf };
}

/** New vs established: the newest `newShare` of dated items are `new`; undated items are unknown. */
export function newItemGrouping(createdAt: Float64Array, newShare = 0.2): ItemGrouping {
  const dated: number[] = [];
  for (let i = 0; i < createdAt.length; i++) if (Number.isFinite(createdAt[i]!)) dated.push(i);
  dated.sort((a, b) => createdAt[b]! - createdAt[a]! || a - b);
  const groupOf = new Int32Array(createdAt.length).fill(-1);
  const fresh = Math.ceil(dated.length * newShare);
  dated.forEach((item, rank) => (groupOf[item] = rank < fresh ? 0 : 1));
  return { name: 'new', labels: ['new', 'established'], groupOf };
}

/** Items grouped by a label per item ('' = unknown): sellers, top-level categories. */
export function labelGrouping(name: string, labelOfItem: readonly string[]): ItemGrouping {
  const labels: string[] = [];
  const index = new Map<string, number>();
  const groupOf = new Int32Array(labelOfItem.length).fill(-1);
  labelOfItem.forEach((label, item) => {
    if (label === '') return;
    let group = index.get(label);
    if (group === undefined) {
      group = labels.length;
      index.set(label, group);
      labels.push(label);
    }
    groupOf[item] = group;
  });
  return { name, labels, groupOf };
}

/** The top-level category of a ' > '-joined path ('' stays ''). */
export function topLevelCategory(path: string): string {
  const at = path.indexOf(' > ');
  return at === -1 ? path : path.slice(0, at);
}
