import type { Item } from '../core/entities.js';
import type { Store } from '../store/store.js';
import type { EncoderTrainingInput } from '../text/encoder/training-corpus.js';
import { itemEncoderText } from './item-text.js';

/** Events closer than this (same user) count as interacted with together. */
const TOGETHER_MS = 60 * 60 * 1000;
const MAX_PAIRS = 300_000;
const ITEM_EVENT_TYPES = new Set(['view', 'click', 'cart', 'purchase', 'favorite', 'rating']);
const CLICK_TYPES = new Set(['click', 'cart', 'purchase']);

/**
 * Gathers what the `trained` encoder learns from, out of the store: item texts, descriptions and
 * category paths, past queries, pairs of items one user interacted with in the same session or
 * within an hour (at most 300,000), and (query, item) pairs from click, cart and purchase events
 * that carry the query that led to them.
 */
export async function collectTrainingInput(
  store: Store,
  items: readonly Item[],
): Promise<EncoderTrainingInput> {
  const position = new Map<string, number>();
  items.forEach((item, index) => position.set(item.id, index));
  const extraTexts: string[] = [];
  for (const item of items) {
    if (item.description) extraTexts.push(item.description);
    if (item.categoryPath.length > 1) extraTexts.push(item.categoryPath.join(' '));
  }
  for await (const batch of store.scanQueries(10_000)) for (const query of batch) extraTexts.push(query.text);

  const coInteractions: [number, number][] = [];
  const queryClicks: [string, number][] = [];
  const last = new Map<string, { item: number; timestamp: number; session: string | undefined }>();
  for await (const batch of store.scanEvents({ batchSize: 50_000 })) {
    for (const event of batch) {
      if (event.itemId === undefined) continue;
      const item = position.get(event.itemId);
      if (item === undefined) continue;
      if (event.query && CLICK_TYPES.has(event.type)) queryClicks.push([event.query, item]);
      if (!ITEM_EVENT_TYPES.has(event.type)) continue;
      const previous = last.get(event.userId);
      if (
        previous &&
        previous.item !== item &&
        coInteractions.length < MAX_PAIRS &&
        ((event.sessionId !== undefined && event.sessionId === previous.session) ||
          Math.abs(event.timestamp - previous.timestamp) <= TOGETHER_MS)
      ) {
        coInteractions.push([previous.item, item]);
      }
      last.set(event.userId, { item, timestamp: event.timestamp, session: event.sessionId });
    }
  }
  return { itemTexts: items.map(itemEncoderText), extraTexts, coInteractions, queryClicks };
}
