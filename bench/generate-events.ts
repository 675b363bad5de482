import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../src/core/rng.js';

export interface GeneratedEventsOptions {
  events: number;
  users: number;
  items: number;
  seed: number;
}

/**
 * Writes a behaviour-log CSV with power-law user activity and item popularity, time-ordered like a
 * real log: `user_id,item_id,type,value,timestamp`.
 */
export async function writeEventsCsv(path: string, options: GeneratedEventsOptions): Promise<void> {
  const rng = createRng(options.seed);
  const out = createWriteStream(path);
  out.write('user_id,item_id,type,value,timestamp\n');
  const types = [
    'view',
    'view',
    'view',
    'view',
    'view',
    'view',
    'click',
    'click',
    'cart',
    'purchase',
    'favorite',
    'rating',
  ];
  const start = Date.UTC(2025, 0, 1) / 1000;
  let chunk = '';
  for (let n = 0; n < options.events; n++) {
    // Inverse-CDF draws from a power law: a few users and items take most events.
    const user = Math.floor(options.users * rng.next() ** 2.5);
    const item = Math.floor(options.items * rng.next() ** 3);
    const type = types[rng.int(types.length)]!;
    const value = type === 'rating' ? String(1 + rng.int(5)) : '';
    chunk += `u${user},i${item},${type},${value},${start + Math.floor(n / 20)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.write(chunk);
  out.end();
  await once(out, 'finish');
}
