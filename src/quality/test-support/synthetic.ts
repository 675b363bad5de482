import type { Event } from '../../core/event.js';
import type { Rng } from '../../core/rng.js';
import type { StoredEvent } from '../../store/store.js';
import { type EventTable, EventTableBuilder } from '../event-table.js';

/** Test events: seq numbers in the given order, batch 1 unless set. */
export function stored(events: readonly Event[], firstSeq = 1, batchId = 1): StoredEvent[] {
  return events.map((event, at) => ({ ...event, seq: firstSeq + at, batchId }));
}

/** A table of plain events (seq in order). */
export function tableOf(...groups: readonly (readonly Event[])[]): EventTable {
  const builder = new EventTableBuilder();
  let seq = 1;
  for (const events of groups) {
    builder.add(stored(events, seq));
    seq += events.length;
  }
  return builder.build();
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** 2025-01-01T00:00:00Z */
export const START = Date.UTC(2025, 0, 1);

export interface SyntheticRatingsOptions {
  users: number;
  items: number;
  /** Ratings per user: from `minRatings`, heavy-tailed. */
  minRatings?: number;
  days?: number;
}

/**
 * A rating community with the shape of real ones: item popularity is Zipf-like, each user rates
 * popular items more often, ratings follow item quality plus a user bias and noise on a 1–5 scale,
 * and users rate in sessions of a few minutes spread over `days`.
 */
export function syntheticRatings(rng: Rng, options: SyntheticRatingsOptions): Event[] {
  const { users, items } = options;
  const days = options.days ?? 60;
  const minRatings = options.minRatings ?? 15;
  const weight = Array.from({ length: items }, (_, item) => 1 / (item + 1) ** 0.9);
  const total = weight.reduce((sum, value) => sum + value, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const value of weight) cumulative.push((running += value / total));
  const quality = Array.from({ length: items }, () => 3.4 + 0.8 * rng.normal());
  const events: Event[] = [];
  for (let user = 0; user < users; user++) {
    const count = Math.min(items - 1, Math.round(minRatings * Math.exp(Math.abs(rng.normal()) * 0.9)));
    const bias = 0.4 * rng.normal();
    const chosen = new Set<number>();
    while (chosen.size < count) {
      const x = rng.next();
      let item = cumulative.findIndex((edge) => edge >= x);
      if (item < 0) item = items - 1;
      chosen.add(item);
    }
    let t = START + rng.next() * days * DAY;
    for (const item of chosen) {
      const value = Math.min(5, Math.max(1, Math.round(quality[item]! + bias + 0.8 * rng.normal())));
      events.push({
        userId: `u${user}`,
        itemId: `i${item}`,
        type: 'rating',
        value,
        timestamp: Math.round(t),
      });
      // Several ratings a minute within a session; now and then a new session days later.
      t += rng.next() < 0.1 ? rng.next() * 5 * DAY : 5_000 + rng.next() * 40_000;
    }
  }
  return events;
}

/**
 * Shoppers browsing: views with dwell times, the odd click, cart and purchase, in sessions
 * (exponential gaps of about a minute, hours or days between sessions), popular items more often.
 */
export function syntheticBrowsing(
  rng: Rng,
  options: { users: number; items: number; days?: number },
): Event[] {
  const days = options.days ?? 14;
  const events: Event[] = [];
  for (let user = 0; user < options.users; user++) {
    let t = START + rng.next() * DAY;
    const sessions = 1 + rng.int(8);
    for (let session = 0; session < sessions; session++) {
      const length = 3 + rng.int(25);
      for (let n = 0; n < length; n++) {
        const item = Math.floor(options.items * rng.next() ** 2.2);
        const roll = rng.next();
        const type = roll < 0.8 ? 'view' : roll < 0.92 ? 'click' : roll < 0.97 ? 'cart' : 'purchase';
        const event: Event = {
          userId: `s${user}`,
          itemId: `p${item}`,
          type,
          timestamp: Math.round(t),
          sessionId: `s${user}-${session}`,
        };
        if (type === 'view') event.dwellMs = 2_000 + Math.round(rng.next() * 60_000);
        events.push(event);
        // Human gaps are heavy-tailed: mostly quick, now and then a long look.
        t += 5_000 - 60_000 * Math.log(1 - rng.next());
      }
      t += (4 + rng.next() * 20) * HOUR + rng.int(Math.max(1, Math.floor(days / sessions))) * DAY;
    }
  }
  return events;
}
