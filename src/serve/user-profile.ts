import type { Item } from '../core/entities.js';
import type { UserActivity } from './user-history.js';

/** An interpretable summary of a user's tastes, from their events and the catalogue. */
export interface UserProfile {
  userId: string;
  /** Share of the user's interaction weight per category path (largest first, at most 10). */
  categories: { category: string; share: number }[];
  brands: { brand: string; share: number }[];
  /** Price band of what the user interacts with, relative to the catalogue's price tertiles. */
  priceBand: { band: 'budget' | 'mid-range' | 'premium'; medianPrice: number } | null;
  /** Events in the history read, and the activity level they put the user at. */
  events: number;
  activityLevel: 'new' | 'casual' | 'regular' | 'power';
  /** A short segment name combining the above. */
  segment: string;
  /** Event counts by type. */
  actions: Record<string, number>;
}

/**
 * Builds the profile: category and brand shares of the summed event weights, the median price of
 * interacted items against the catalogue's price tertiles, an activity level from the event count.
 */
export function profileOf(
  activity: UserActivity,
  catalogue: ReadonlyMap<string, Item>,
  priceTertiles: readonly [number, number],
): UserProfile {
  const categories = new Map<string, number>();
  const brands = new Map<string, number>();
  const prices: number[] = [];
  let total = 0;
  for (const [itemId, weight] of activity.weights) {
    total += weight;
    const item = catalogue.get(itemId);
    if (!item) continue;
    if (item.categoryPath.length > 0)
      categories.set(
        item.categoryPath.join(' > '),
        (categories.get(item.categoryPath.join(' > ')) ?? 0) + weight,
      );
    if (item.brand) brands.set(item.brand, (brands.get(item.brand) ?? 0) + weight);
    if (item.price !== undefined) prices.push(item.price);
  }
  const shares = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, weight]) => ({ name, share: Number((weight / (total || 1)).toFixed(4)) }));
  prices.sort((a, b) => a - b);
  const medianPrice = prices.length > 0 ? prices[Math.floor(prices.length / 2)]! : undefined;
  const band =
    medianPrice === undefined
      ? null
      : medianPrice <= priceTertiles[0]
        ? 'budget'
        : medianPrice <= priceTertiles[1]
          ? 'mid-range'
          : 'premium';
  const actions = { ...activity.actions };
  const count = activity.eventCount;
  const activityLevel = count < 5 ? 'new' : count < 30 ? 'casual' : count < 150 ? 'regular' : 'power';
  const topCategory = shares(categories)[0];
  const topBrand = shares(brands)[0];
  const loyal = topBrand !== undefined && topBrand.share >= 0.4;
  const segment = [
    activityLevel,
    band ?? 'unknown-price',
    loyal ? `${topBrand.name}-loyal` : 'multi-brand',
    topCategory ? topCategory.name.split(' > ')[0] : 'browsing',
  ].join(' · ');
  return {
    userId: activity.userId,
    categories: shares(categories).map(({ name, share }) => ({ category: name, share })),
    brands: shares(brands).map(({ name, share }) => ({ brand: name, share })),
    priceBand: band === null ? null : { band, medianPrice: medianPrice! },
    events: count,
    activityLevel,
    segment,
    actions,
  };
}

/** The catalogue's price tertiles (for price bands). */
export function priceTertiles(catalogue: ReadonlyMap<string, Item>): [number, number] {
  const prices = [...catalogue.values()]
    .map((item) => item.price)
    .filter((price): price is number => price !== undefined)
    .sort((a, b) => a - b);
  if (prices.length === 0) return [0, 0];
  return [prices[Math.floor(prices.length / 3)]!, prices[Math.floor((2 * prices.length) / 3)]!];
}
