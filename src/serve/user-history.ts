import type { AisleConfig } from '../core/config.js';
import { eventWeight } from '../core/event.js';
import type { UserHistory } from '../models/model.js';
import type { Store, StoredEvent } from '../store/store.js';

/** What a request knows about a user: their recent events and what they did with each item. */
export interface UserActivity {
  userId: string;
  /**
   * How many of the user's recent events (at most `serving.historyLimit`) are of each type, and
   * all of them. The events themselves are not kept: a cache of thousands of users' event objects
   * filled the old generation and its collections put 100 ms stalls into serving (ML-1M shape).
   */
  actions: Record<string, number>;
  eventCount: number;
  /** Summed event weight per item id. */
  weights: Map<string, number>;
  /** The strongest thing the user did with each item (purchase > cart > favorite > rating > click > view). */
  strongest: Map<string, string>;
  purchased: Set<string>;
}

const STRENGTH: Record<string, number> = { purchase: 6, cart: 5, favorite: 4, rating: 3, click: 2, view: 1 };

/** Summarises events (any order) into a user's activity. */
export function activityOf(
  userId: string,
  events: StoredEvent[],
  config: Pick<AisleConfig, 'events'>,
): UserActivity {
  const weights = new Map<string, number>();
  const strongest = new Map<string, string>();
  const purchased = new Set<string>();
  const actions: Record<string, number> = {};
  for (const event of events) {
    actions[event.type] = (actions[event.type] ?? 0) + 1;
    if (event.itemId === undefined) continue;
    const weight = eventWeight(event, config.events.weights, config.events.ratingMax);
    if (weight > 0) weights.set(event.itemId, (weights.get(event.itemId) ?? 0) + weight);
    const previous = strongest.get(event.itemId);
    if (previous === undefined || (STRENGTH[event.type] ?? 0) > (STRENGTH[previous] ?? 0))
      strongest.set(event.itemId, event.type);
    if (event.type === 'purchase') purchased.add(event.itemId);
  }
  return { userId, actions, eventCount: events.length, weights, strongest, purchased };
}

/** A user's activity as a model history: item indices (ascending) and weights; unknown items dropped. */
export function historyFor(
  activity: Pick<UserActivity, 'weights'>,
  itemIndex: ReadonlyMap<string, number>,
): UserHistory {
  const pairs: [number, number][] = [];
  for (const [itemId, weight] of activity.weights) {
    const index = itemIndex.get(itemId);
    if (index !== undefined) pairs.push([index, weight]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  return {
    items: Int32Array.from(pairs, (pair) => pair[0]),
    weights: Float32Array.from(pairs, (pair) => pair[1]),
  };
}

/**
 * Reads users' recent events at request time, so an event posted a moment ago changes the next
 * response. A user's events are kept in memory with the highest event `seq` they had when read; each
 * request first asks the store for the user's current highest seq (an index-only probe, tens of
 * microseconds on SQLite) and reuses the kept events only while it is unchanged and younger than
 * `historyCacheSeconds`. So an event written by any process on the store — another worker of this
 * node, another node, an import — shows on the very next request; nothing waits for a timeout. Counts
 * hits and misses for /metrics.
 */
export class ActivityReader {
  private readonly cache = new Map<string, { at: number; seq: number; activity: UserActivity }>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly store: Store,
    private readonly config: Pick<AisleConfig, 'events' | 'serving'>,
    private readonly maxEntries = 50_000,
  ) {}

  async read(userId: string): Promise<UserActivity> {
    const ttl = this.config.serving.historyCacheSeconds * 1000;
    // Probed before the events are read: an append in between makes the next probe differ.
    const seq = ttl > 0 ? await this.store.latestUserEventSeq(userId) : 0;
    const cached = this.cache.get(userId);
    if (cached && ttl > 0 && cached.seq === seq && Date.now() - cached.at < ttl) {
      this.hits++;
      return cached.activity;
    }
    this.misses++;
    const events = await this.store.userEvents(userId, this.config.serving.historyLimit);
    const activity = activityOf(userId, events, this.config);
    if (ttl > 0) {
      // Oldest first out when full: Map keeps insertion order.
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.delete(userId);
      this.cache.set(userId, { at: Date.now(), seq, activity });
    }
    return activity;
  }

  /** Forgets what is cached for these users (their events changed; the probe would also see it). */
  invalidate(userIds: Iterable<string>): void {
    for (const userId of userIds) this.cache.delete(userId);
  }

  clear(): void {
    this.cache.clear();
  }
}
