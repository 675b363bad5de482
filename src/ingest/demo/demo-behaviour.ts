import type { Rng } from '../../core/rng.js';
import type { DemoItem } from './demo-catalogue.js';
import { ageBands } from '../../core/entities.js';
import { demoCategories, regions } from './vocabulary.js';

const DAY_MS = 86_400_000;

/** Products bought together in real shops: buying the first often brings one of the others. */
const complements: Readonly<Record<string, readonly string[]>> = {
  Smartphone: ['Charging Cable', 'Charger', 'Power Bank', 'Bluetooth Earbuds'],
  Tablet: ['Charger', 'Charging Cable'],
  Charger: ['Charging Cable'],
  Dress: ['High Heels'],
  Sneakers: ['Running Shorts'],
  'Running Shorts': ['Sneakers'],
  'T-shirt': ['Jeans'],
  Jeans: ['T-shirt'],
  'Rice Cooker': ['Non-stick Pan'],
  'Face Cream': ['Facial Cleanser', 'Sunscreen'],
  'Instant Coffee': ['Biscuits'],
  'Yoga Mat': ['Jump Rope'],
  'Bedding Set': ['Pillow'],
};

export interface DemoUser {
  input: { id: string; attributes: Record<string, string>; createdAt: number };
  protectedInput: { userId: string; gender: string; ageBand: string; region: string };
}

export interface DemoEvent {
  eventId: string;
  userId: string;
  itemId?: string;
  type: string;
  value?: number;
  query?: string;
  sessionId: string;
  timestamp: number;
  dwellMs?: number;
}

export interface DemoBehaviourOptions {
  users: number;
  /** Mean shopping sessions per user (activity is long-tailed around it). */
  sessionsPerUser: number;
  /** Events fall in the `days` before this instant. */
  anchor: number;
  days: number;
}

/**
 * Generates shoppers (with protected demographics) and their sessions: searches, views, clicks,
 * carts, purchases (with complementary products), ratings and favourites. Each shopper has latent
 * tastes — favourite categories and brands, a price level, an audience — so models have real signal.
 */
export function generateDemoBehaviour(
  rng: Rng,
  items: readonly DemoItem[],
  options: DemoBehaviourOptions,
): { users: DemoUser[]; events: DemoEvent[] } {
  const byCategory = demoCategories.map((_, index) =>
    items.filter((item) => item.categoryIndex === index && item.input.available),
  );
  const byProduct = new Map<string, DemoItem[]>();
  for (const item of items)
    if (item.input.available)
      byProduct.set(item.productKey, [...(byProduct.get(item.productKey) ?? []), item]);
  const users: DemoUser[] = [];
  const events: DemoEvent[] = [];
  let eventCounter = 0;
  let sessionCounter = 0;

  for (let n = 0; n < options.users; n++) {
    const userId = `u${String(n + 1).padStart(5, '0')}`;
    const gender = rng.next() < 0.52 ? 'female' : 'male';
    const ageBand = ageBands[Math.min(ageBands.length - 1, Math.floor(Math.abs(rng.normal()) * 2.2) + 1)]!;
    users.push({
      input: {
        id: userId,
        attributes: {
          memberTier: rng.pick(['basic', 'basic', 'silver', 'gold']),
          channel: rng.pick(['app', 'web', 'mini-program']),
        },
        createdAt: Math.round(options.anchor - (options.days + rng.next() * 600) * DAY_MS),
      },
      protectedInput: {
        userId,
        gender,
        ageBand,
        region: regions[Math.min(regions.length - 1, Math.floor(regions.length * rng.next() ** 1.6))]!,
      },
    });

    // Tastes: two favourite categories (leaning on audience), favourite brands, a price level.
    const categoryWeights = demoCategories.map(
      (category) =>
        category.products.reduce(
          (sum, product) =>
            sum + (product.audience === undefined ? 1 : product.audience === gender ? 2.5 : 0.3),
          0,
        ) *
        (0.2 + rng.next()),
    );
    const favourites = [weightedIndex(rng, categoryWeights), weightedIndex(rng, categoryWeights)];
    const favouriteBrands = new Set(favourites.map((index) => rng.pick(demoCategories[index]!.brands).en));
    const priceLevel = Math.exp(0.5 * rng.normal());
    const sessions = Math.max(1, Math.round(options.sessionsPerUser * Math.exp(0.9 * rng.normal() - 0.4)));

    const appealOf = (item: DemoItem): number => {
      const price = item.input.price;
      const median = medianPrice(item);
      const priceFit = Math.exp(-Math.abs(Math.log(price / (median * priceLevel))));
      const brandFit = favouriteBrands.has(item.input.brand) ? 3 : 1;
      const audienceFit = item.audience === undefined ? 1 : item.audience === gender ? 1.5 : 0.1;
      return item.appeal * priceFit * brandFit * audienceFit;
    };

    for (let s = 0; s < sessions; s++) {
      const sessionId = `s${++sessionCounter}`;
      let time = Math.round(options.anchor - rng.next() * options.days * DAY_MS);
      const next = (gapSeconds: number): number => (time += Math.round((2 + rng.next() * gapSeconds) * 1000));
      const emit = (event: Omit<DemoEvent, 'eventId' | 'userId' | 'sessionId'>): void => {
        events.push({ eventId: `e${++eventCounter}`, userId, sessionId, ...event });
      };
      const categoryIndex = rng.next() < 0.8 ? rng.pick(favourites) : rng.int(demoCategories.length);
      const pool = byCategory[categoryIndex]!;
      if (pool.length === 0) continue;
      const weights = pool.map(appealOf);
      if (rng.next() < 0.3) {
        const example = pool[weightedIndex(rng, weights)]!;
        emit({ type: 'search', query: searchQuery(rng, example), timestamp: next(5) });
      }
      const views = 1 + Math.floor(rng.next() * 6);
      for (let v = 0; v < views; v++) {
        const item = pool[weightedIndex(rng, weights)]!;
        emit({
          itemId: item.input.id,
          type: 'view',
          timestamp: next(60),
          dwellMs: Math.round(2000 + rng.next() * 60_000),
        });
        if (rng.next() > 0.5) continue;
        emit({ itemId: item.input.id, type: 'click', timestamp: next(20) });
        if (rng.next() < 0.06) emit({ itemId: item.input.id, type: 'favorite', timestamp: next(10) });
        if (rng.next() > 0.25) continue;
        emit({ itemId: item.input.id, type: 'cart', timestamp: next(30) });
        if (rng.next() > 0.55) continue;
        emit({ itemId: item.input.id, type: 'purchase', timestamp: next(120) });
        if (rng.next() < 0.3) {
          const fit = appealOf(item) / (item.appeal || 1);
          emit({
            itemId: item.input.id,
            type: 'rating',
            value: Math.min(5, Math.max(1, Math.round(3 + Math.log(fit + 0.1) + rng.normal() * 0.7))),
            timestamp: next(600),
          });
        }
        const partners = complements[item.productKey];
        if (partners && rng.next() < 0.45) {
          const candidates = byProduct.get(rng.pick(partners)) ?? [];
          if (candidates.length > 0) {
            const partner = candidates[weightedIndex(rng, candidates.map(appealOf))]!;
            emit({
              itemId: partner.input.id,
              type: 'view',
              timestamp: next(30),
              dwellMs: Math.round(2000 + rng.next() * 20_000),
            });
            emit({ itemId: partner.input.id, type: 'cart', timestamp: next(20) });
            emit({ itemId: partner.input.id, type: 'purchase', timestamp: next(60) });
          }
        }
      }
    }
  }
  events.sort((a, b) => a.timestamp - b.timestamp);
  return { users, events };
}

/** What a shopper types: a product word, often with a colour or brand, in the item's language. */
function searchQuery(rng: Rng, item: DemoItem): string {
  const category = demoCategories[item.categoryIndex]!;
  const product = category.products.find((candidate) => candidate.en === item.productKey)!;
  const color =
    typeof item.input.attributes['color'] === 'string' ? item.input.attributes['color'] : undefined;
  if (item.input.language === 'zh') {
    const brand = category.brands.find((candidate) => candidate.en === item.input.brand);
    const prefix = rng.next() < 0.4 && brand ? brand.zh : '';
    return `${prefix}${product.zh}`;
  }
  return [rng.next() < 0.3 ? color : undefined, rng.next() < 0.4 ? item.input.brand : undefined, product.en]
    .filter((word): word is string => word !== undefined)
    .join(' ')
    .toLowerCase();
}

function medianPrice(item: DemoItem): number {
  const product = demoCategories[item.categoryIndex]!.products.find(
    (candidate) => candidate.en === item.productKey,
  );
  return product?.price ?? item.input.price;
}

function weightedIndex(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let target = rng.next() * total;
  for (let index = 0; index < weights.length; index++) {
    target -= weights[index]!;
    if (target <= 0) return index;
  }
  return weights.length - 1;
}
