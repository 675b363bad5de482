import type { StoredEvent } from '../store/store.js';
import type { DocTable } from './doc-table.js';

/** Where a shopper's history goes: shares of weighted events per category level, brand and price band. */
export interface UserProfile {
  categoryShare: Map<number, number>;
  brandShare: Map<number, number>;
  priceBandShare: Map<number, number>;
  events: number;
}

/** What raised a hit: its affinity (0–1), the boost factor, and the strongest parts for the reason. */
export interface PersonalBoost {
  affinity: number;
  /** Multiply the score by 1 + boost. */
  boost: number;
  category?: string;
  brand?: string;
  priceBand?: string;
}

const HALF_LIFE_MS = 30 * 86_400_000;

/** The price band of a price: powers of two (50–100, 100–200 …), so bands are comparable across shops. */
export function priceBand(price: number): number {
  return price > 0 ? Math.floor(Math.log2(price)) : -1;
}

export function priceBandLabel(band: number): string {
  return `${2 ** band}-${2 ** (band + 1)}`;
}

/**
 * A profile from a user's recent events: each event counts its type's weight, halved every 30 days
 * before the newest event, towards its item's category (every level), brand and price band. Events
 * on items the index does not hold are skipped. Undefined when nothing usable remains.
 */
export function buildProfile(
  events: readonly StoredEvent[],
  table: DocTable,
  eventWeights: Readonly<Record<string, number>>,
): UserProfile | undefined {
  const categoryShare = new Map<number, number>();
  const brandShare = new Map<number, number>();
  const priceBandShare = new Map<number, number>();
  let newest = 0;
  for (const event of events) newest = Math.max(newest, event.timestamp);
  let total = 0;
  let used = 0;
  for (const event of events) {
    if (event.itemId === undefined) continue;
    const doc = table.docOf(event.itemId);
    const base = eventWeights[event.type] ?? 0;
    if (doc === undefined || base <= 0) continue;
    const weight = base * 0.5 ** ((newest - event.timestamp) / HALF_LIFE_MS);
    total += weight;
    used++;
    const category = table.category[doc]!;
    if (category >= 0) {
      for (const ancestor of table.categoryAncestors[category] ?? []) {
        categoryShare.set(ancestor, (categoryShare.get(ancestor) ?? 0) + weight);
      }
    }
    const brand = table.brand[doc]!;
    if (brand >= 0) brandShare.set(brand, (brandShare.get(brand) ?? 0) + weight);
    const price = table.price[doc]!;
    if (!Number.isNaN(price)) {
      const band = priceBand(price);
      priceBandShare.set(band, (priceBandShare.get(band) ?? 0) + weight);
    }
  }
  if (total === 0) return undefined;
  for (const map of [categoryShare, brandShare, priceBandShare]) {
    for (const [key, value] of map) map.set(key, value / total);
  }
  return { categoryShare, brandShare, priceBandShare, events: used };
}

/**
 * How well a document fits a profile: affinity = ½ · category share (mean over the item's category
 * levels) + 0.3 · brand share + 0.2 · price-band share, in [0, 1]; the boost is `maxBoost · affinity`,
 * so personalisation can lift a hit by at most `maxBoost` of its own score and never outweighs a
 * clearly better match.
 */
export function personalBoost(
  profile: UserProfile,
  doc: number,
  table: DocTable,
  maxBoost: number,
): PersonalBoost {
  let categoryAffinity = 0;
  let category: string | undefined;
  const path = table.category[doc]!;
  if (path >= 0) {
    const ancestors = table.categoryAncestors[path] ?? [];
    let best = 0;
    for (const ancestor of ancestors) {
      const share = profile.categoryShare.get(ancestor) ?? 0;
      categoryAffinity += share / ancestors.length;
      if (share > 0 && share >= best * 0.5) {
        best = Math.max(best, share);
        category = table.categories.values[ancestor];
      }
    }
  }
  const brandId = table.brand[doc]!;
  const brandAffinity = brandId >= 0 ? (profile.brandShare.get(brandId) ?? 0) : 0;
  const price = table.price[doc]!;
  const band = Number.isNaN(price) ? -1 : priceBand(price);
  const bandAffinity = band >= 0 || !Number.isNaN(price) ? (profile.priceBandShare.get(band) ?? 0) : 0;
  const affinity = Math.min(1, 0.5 * categoryAffinity + 0.3 * brandAffinity + 0.2 * bandAffinity);
  const result: PersonalBoost = { affinity, boost: maxBoost * affinity };
  if (categoryAffinity > 0 && category !== undefined) result.category = category;
  if (brandAffinity > 0) result.brand = table.brands.values[brandId]!;
  if (bandAffinity > 0) result.priceBand = priceBandLabel(band);
  return result;
}
