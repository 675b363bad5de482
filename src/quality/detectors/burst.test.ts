import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import { createRng } from '../../core/rng.js';
import { HOUR, START, syntheticBrowsing, tableOf } from '../test-support/synthetic.js';
import { burstParamsSchema, detectBursts } from './burst.js';

const params = burstParamsSchema.parse({});

/** `count` views of `itemId` by distinct users within `spanMs` from `at`. */
function crowd(itemId: string, count: number, at: number, spanMs: number, prefix = 'c'): Event[] {
  return Array.from({ length: count }, (_, n) => ({
    userId: `${prefix}${n}`,
    itemId,
    type: 'view',
    timestamp: Math.round(at + (n * spanMs) / count),
  }));
}

describe('burst detector', () => {
  const rng = createRng(11);
  const background = syntheticBrowsing(rng, { users: 300, items: 200 });

  it('finds nothing in ordinary traffic', () => {
    expect(detectBursts(tableOf(background), params).findings).toEqual([]);
  });

  it('flags an item far above its own baseline, with the users involved', () => {
    const table = tableOf(background, crowd('p150', 60, START + 3 * 24 * HOUR, 40 * 60_000));
    const result = detectBursts(table, params);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(table.items[finding!.index]).toBe('p150');
    expect(finding).toMatchObject({ subject: 'item', reason: 'burst', covers: 'listed' });
    const [window] = finding!.evidence['windows'] as {
      events: number;
      z: number;
      users: { user: string }[];
    }[];
    // The crowd may straddle window edges; the stronger of the two grids holds most of it.
    expect(window!.events).toBeGreaterThanOrEqual(50);
    expect(window!.z).toBeGreaterThan(params.minZ);
    expect(window!.users.length).toBeGreaterThanOrEqual(params.minUsers);
    // Background shoppers who happened to view the item in the same window are listed too.
    const crowdUsers = window!.users.filter((entry) => entry.user.startsWith('c')).length;
    expect(crowdUsers / window!.users.length).toBeGreaterThanOrEqual(0.9);
    expect(finding!.rows.length).toBeGreaterThanOrEqual(50);
    // The crowd's users spent all their (one) event in the burst.
    expect(result.userScores[table.userIndex.get('c30')!]).toBeGreaterThan(0.5);
  });

  it('does not call a site-wide rush a burst of each item', () => {
    // Every item's traffic triples for one hour: each item keeps its share.
    const rush = background
      .filter((event) => event.timestamp < START + 24 * HOUR)
      .flatMap((event, n) =>
        [0, 1].map((k) => ({
          ...event,
          userId: `${event.userId}-r${k}-${n}`,
          timestamp: START + 30 * HOUR + (n % 3600) * 1000,
        })),
      );
    expect(detectBursts(tableOf(background, rush), params).findings.length).toBe(0);
  });

  it('leaves one user hammering an item to the bot detector', () => {
    const storm = Array.from({ length: 80 }, (_, n) => ({
      userId: 'hammer',
      itemId: 'p199',
      type: 'view',
      timestamp: START + 50 * HOUR + n * 5000,
    }));
    expect(detectBursts(tableOf(background, storm), params).findings).toEqual([]);
  });
});
