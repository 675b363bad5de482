import type { ItemGrouping } from '../../rank/fairness/item-groups.js';
import { giniOf } from '../metrics/gini.js';

/** One item group's exposure against its merit. */
export interface GroupExposure {
  /** Items in the group. */
  items: number;
  /** The group's share of all position-discounted exposure. */
  exposureShare: number;
  /** Mean exposure per item of the group, per list (how visible one of its items is). */
  exposurePerItem: number;
  /** The group's share of the merit: held-out interactions with its items. */
  meritShare: number;
  /** exposureShare / meritShare: 1 = exposure proportional to merit, below 1 = under-exposed. */
  exposureToMerit: number | null;
  /** Share of the lists' top-k slots that hold the group's items. */
  slotShare: number;
  /**
   * Per prefix length i = 1 … k, the group's mean share of the first i items of a list (over the
   * lists with at least i items): the curve FA*IR's per-prefix minimum is read against.
   */
  prefixShares: number[];
}

/** The exposure audit of one item grouping. */
export interface ExposureAudit {
  /** Gini of the groups' exposure per item (0 = every group's items equally visible). */
  gini: number;
  byGroup: Record<string, GroupExposure>;
}

/**
 * Position-discounted exposure per item (Singh & Joachims 2018): Σ over lists of 1 / log2(1 + rank)
 * for the items in the top k.
 */
export function itemExposure(lists: readonly Int32Array[], k: number, itemCount: number): Float64Array {
  const exposure = new Float64Array(itemCount);
  for (const list of lists)
    for (let r = 0; r < Math.min(k, list.length); r++) exposure[list[r]!]! += 1 / Math.log2(r + 2);
  return exposure;
}

/**
 * Exposure per group of a grouping against merit per group: `merit` is per item (e.g. held-out
 * interactions). The Gini is over the groups' mean exposure per item, so a large group is not
 * "unequal" merely for being large.
 */
export function exposureAudit(
  lists: readonly Int32Array[],
  k: number,
  grouping: ItemGrouping,
  merit: Float64Array,
): ExposureAudit {
  const groups = grouping.labels.length;
  const exposure = itemExposure(lists, k, grouping.groupOf.length);
  const items = new Float64Array(groups);
  const groupExposure = new Float64Array(groups);
  const groupMerit = new Float64Array(groups);
  const slots = new Float64Array(groups);
  let totalExposure = 0;
  let totalMerit = 0;
  let totalSlots = 0;
  for (let item = 0; item < grouping.groupOf.length; item++) {
    const group = grouping.groupOf[item]!;
    if (group < 0) continue;
    items[group]!++;
    groupExposure[group]! += exposure[item]!;
    groupMerit[group]! += merit[item]!;
    totalExposure += exposure[item]!;
    totalMerit += merit[item]!;
  }
  // prefixSums[group·k + i − 1]: Σ over lists of the group's share of the list's first i items.
  const prefixSums = new Float64Array(groups * k);
  const listsWithPrefix = new Float64Array(k);
  const running = new Float64Array(groups);
  for (const list of lists) {
    running.fill(0);
    for (let r = 0; r < Math.min(k, list.length); r++) {
      const group = grouping.groupOf[list[r]!]!;
      listsWithPrefix[r]!++;
      if (group >= 0) {
        slots[group]!++;
        totalSlots++;
        running[group]!++;
      }
      for (let g = 0; g < groups; g++) if (running[g]! > 0) prefixSums[g * k + r]! += running[g]! / (r + 1);
    }
  }
  const perItem = new Float64Array(groups);
  const byGroup: Record<string, GroupExposure> = {};
  grouping.labels.forEach((label, group) => {
    if (items[group] === 0) return;
    const exposureShare = totalExposure > 0 ? groupExposure[group]! / totalExposure : 0;
    const meritShare = totalMerit > 0 ? groupMerit[group]! / totalMerit : 0;
    perItem[group] = lists.length > 0 ? groupExposure[group]! / items[group]! / lists.length : 0;
    byGroup[label] = {
      items: items[group]!,
      exposureShare: round(exposureShare),
      exposurePerItem: round(perItem[group]!),
      meritShare: round(meritShare),
      exposureToMerit: meritShare > 0 ? round(exposureShare / meritShare) : null,
      slotShare: round(totalSlots > 0 ? slots[group]! / totalSlots : 0),
      prefixShares: Array.from({ length: k }, (_, r) =>
        round(listsWithPrefix[r]! > 0 ? prefixSums[group * k + r]! / listsWithPrefix[r]! : 0),
      ),
    };
  });
  const present = perItem.filter((_, group) => items[group]! > 0);
  return { gini: round(giniOf(present)), byGroup };
}

function round(value: number): number {
  return Number(value.toFixed(6));
}
