import type { ItemGroupingName } from '../../core/fairness-config.js';
import type { StoreSnapshot } from '../../models/data/from-store.js';
import {
  type ItemGrouping,
  labelGrouping,
  newItemGrouping,
  popularityGrouping,
  topLevelCategory,
} from '../../rank/fairness/item-groups.js';
import type { CatalogueStats } from '../metrics/index.js';

/**
 * The item groupings a data set supports, by name: popular vs long tail (always), top-level
 * category, seller, new vs established (where the catalogue has them). A grouping with fewer than
 * two groups says nothing about fairness and is left out.
 */
export function itemGroupingsOf(
  snapshot: StoreSnapshot,
  catalogue: CatalogueStats,
): Partial<Record<ItemGroupingName, ItemGrouping>> {
  const { features, log } = snapshot;
  const all: ItemGrouping[] = [
    popularityGrouping(catalogue.popularity),
    labelGrouping(
      'category',
      Array.from(features.category, (category) =>
        category >= 0 ? topLevelCategory(features.categories[category]!) : '',
      ),
    ),
    labelGrouping(
      'seller',
      log.itemIds.map((id) => snapshot.catalogue.get(id)?.sellerId ?? ''),
    ),
    newItemGrouping(features.createdAt),
  ];
  const groupings: Partial<Record<ItemGroupingName, ItemGrouping>> = {};
  for (const grouping of all) {
    const used = new Set<number>();
    for (const group of grouping.groupOf) if (group >= 0) used.add(group);
    if (used.size >= 2) groupings[grouping.name as ItemGroupingName] = grouping;
  }
  return groupings;
}
