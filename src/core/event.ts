import type { EpochMs } from './time.js';

/** The event types every shop has. Custom types are added in the config with their own weight. */
export const builtInEventTypes = [
  'view',
  'click',
  'cart',
  'purchase',
  'rating',
  'favorite',
  'search',
] as const;
export type BuiltInEventType = (typeof builtInEventTypes)[number];

/**
 * Default interaction weight per built-in type: how strongly one event says "this user wants this item".
 * A rating's weight is scaled by its value (see `eventWeight`); a search carries no item and weight 0.
 */
export const defaultEventWeights: Readonly<Record<BuiltInEventType, number>> = {
  view: 1,
  click: 2,
  favorite: 3,
  cart: 4,
  purchase: 6,
  rating: 1,
  search: 0,
};

/** Spellings found in public logs and shop exports, read as the built-in type they name. */
export const defaultEventTypeAliases: Readonly<Record<string, string>> = {
  pv: 'view',
  pageview: 'view',
  page_view: 'view',
  detail_view: 'view',
  buy: 'purchase',
  order: 'purchase',
  fav: 'favorite',
  favourite: 'favorite',
  like: 'favorite',
  add_to_cart: 'cart',
  addtocart: 'cart',
  rate: 'rating',
};

/**
 * One behaviour event as stored (DESIGN.md §3). Ids are the shop's own string ids.
 * `eventId` is the client's idempotency key; without one, (userId, timestamp, type, itemId) is.
 */
export interface Event {
  eventId?: string;
  userId: string;
  itemId?: string;
  type: string;
  value?: number;
  query?: string;
  sessionId?: string;
  timestamp: EpochMs;
  dwellMs?: number;
}

/** Weight of an event for training, from the per-type weights; ratings scale by value / ratingMax. */
export function eventWeight(
  event: Pick<Event, 'type' | 'value'>,
  weights: Readonly<Record<string, number>>,
  ratingMax: number,
): number {
  const base = weights[event.type] ?? 0;
  if (event.type === 'rating' && event.value !== undefined) return (base * event.value) / ratingMax;
  return base;
}
