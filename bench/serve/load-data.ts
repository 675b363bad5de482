import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../../src/core/rng.js';

/** A generated shop for the serving benchmark: how many users, items and events. */
export interface ServingShape {
  name: string;
  users: number;
  items: number;
  events: number;
  /** Fewest and most events per active user. */
  minPerUser: number;
  maxPerUser: number;
}

/** MovieLens 1M's shape: 6,040 users with 20 to about 2,300 ratings each, 3,706 items, ~1 M events. */
export const ML1M_SERVING: ServingShape = {
  name: 'ml1m-shape',
  users: 6040,
  items: 3706,
  events: 1_000_209,
  minPerUser: 20,
  maxPerUser: 2300,
};

/** The large shop: 200,000 items and 2 million users (most with a handful of events). */
export const LARGE_CATALOGUE_SERVING: ServingShape = {
  name: 'catalogue-200k',
  users: 2_000_000,
  items: 200_000,
  events: 8_000_000,
  minPerUser: 1,
  maxPerUser: 500,
};

/**
 * Writes a behaviour-log CSV (`user_id,item_id,type,value,timestamp`) of the shape: per-user event
 * counts from a Pareto draw between the bounds, scaled to the event total; items by a power law
 * (a few take most events) within 20 taste clusters, so similarities are not pure noise; each user's
 * events in sessions of a few minutes. Seeded. Every user u0 … u{users − 1} has at least one event.
 */
export async function writeServingEvents(path: string, shape: ServingShape, seed = 1): Promise<void> {
  const rng = createRng(seed);
  const raw = Float64Array.from({ length: shape.users }, () =>
    Math.min(shape.maxPerUser, shape.minPerUser / Math.max(1e-9, rng.next()) ** (1 / 1.2)),
  );
  // Scale the draws so the clamped counts add up to about the event total (a few fixed-point steps).
  const countOf = (u: number, scale: number) =>
    Math.max(shape.minPerUser, Math.min(shape.maxPerUser, Math.round(raw[u]! * scale)));
  let scale = shape.events / raw.reduce((sum, count) => sum + count, 0);
  for (let step = 0; step < 8; step++) {
    let total = 0;
    for (let u = 0; u < shape.users; u++) total += countOf(u, scale);
    scale *= shape.events / total;
  }
  const out = createWriteStream(path);
  out.write('user_id,item_id,type,value,timestamp\n');
  const types = ['view', 'view', 'view', 'view', 'click', 'click', 'cart', 'purchase', 'favorite'];
  const clusters = 20;
  const perCluster = Math.ceil(shape.items / clusters);
  const start = Date.UTC(2025, 0, 1);
  let chunk = '';
  for (let u = 0; u < shape.users; u++) {
    const count = countOf(u, scale);
    const taste = rng.int(clusters);
    let time = start + rng.int(300 * 86_400) * 1000;
    for (let n = 0; n < count; n++) {
      // Four events in five from the user's own cluster, popular items far more often.
      const cluster = rng.next() < 0.8 ? taste : rng.int(clusters);
      const rank = Math.floor(perCluster * rng.next() ** 3);
      const item = Math.min(shape.items - 1, cluster + clusters * rank);
      time += (rng.next() < 0.9 ? 30 + rng.int(300) : 3600 + rng.int(7 * 86_400)) * 1000;
      chunk += `u${u},i${item},${types[rng.int(types.length)]},,${time}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
}
