import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import { createRng } from '../../core/rng.js';
import { DAY, HOUR, START, syntheticBrowsing, tableOf } from '../test-support/synthetic.js';
import { detectLockstep, lockstepParamsSchema } from './lockstep.js';

const params = lockstepParamsSchema.parse({});

/**
 * `accounts` fake accounts that each view every target within `campaignMs` from `at`, and camouflage
 * by viewing popular items (p0–p9) at other times, as much as a shopper does.
 */
function farm(accounts: number, targets: readonly string[], at: number, campaignMs: number): Event[] {
  const rng = createRng(accounts * 31 + targets.length);
  const events: Event[] = [];
  for (let account = 0; account < accounts; account++) {
    const userId = `farm${account}`;
    for (const itemId of targets)
      events.push({ userId, itemId, type: 'view', timestamp: Math.round(at + rng.next() * campaignMs) });
    for (let n = 0; n < 15; n++) {
      events.push({
        userId,
        itemId: `p${rng.int(10)}`,
        type: 'view',
        timestamp: Math.round(at - 2 * DAY + rng.next() * 4 * DAY),
      });
    }
  }
  return events;
}

function members(result: ReturnType<typeof detectLockstep>, table: ReturnType<typeof tableOf>): string[] {
  return result.findings
    .filter((finding) => finding.subject === 'user')
    .map((finding) => table.users[finding.index]!)
    .sort();
}

describe('lockstep detector', () => {
  const background = syntheticBrowsing(createRng(5), { users: 400, items: 300 });

  it('finds no group among ordinary shoppers', () => {
    expect(detectLockstep(tableOf(background), params).findings).toEqual([]);
  });

  it('finds a farm that hits the same items within an hour, and only the farm', () => {
    const targets = ['x1', 'x2', 'x3', 'x4'];
    const table = tableOf(background, farm(12, targets, START + 5 * DAY, HOUR));
    const result = detectLockstep(table, params);
    expect(members(result, table)).toEqual(Array.from({ length: 12 }, (_, n) => `farm${n}`).sort());
    const items = result.findings
      .filter((finding) => finding.subject === 'item')
      .map((finding) => table.items[finding.index])
      .sort();
    expect(items).toEqual(targets);
    const farmer = result.findings.find((finding) => finding.subject === 'user')!;
    expect(farmer).toMatchObject({ reason: 'lockstep_group', covers: 'all' });
    expect(farmer.evidence['groupSize']).toBe(12);
  });

  it('is not fooled by camouflage: real shoppers who also visit the targets, at other times, stay out', () => {
    const targets = ['x1', 'x2', 'x3'];
    // Real shoppers view the targets too — spread over two weeks, not in lockstep.
    const organic: Event[] = Array.from({ length: 60 }, (_, n) => ({
      userId: `s${n}`,
      itemId: targets[n % 3]!,
      type: 'view',
      timestamp: START + n * 5 * HOUR,
    }));
    const table = tableOf(background, organic, farm(10, targets, START + 6 * DAY, HOUR));
    expect(members(detectLockstep(table, params), table)).toEqual(
      Array.from({ length: 10 }, (_, n) => `farm${n}`).sort(),
    );
  });

  it('does not call shoppers who all view the same two hits of the day a farm', () => {
    // 40 shoppers view p0 and p1 (the day's most popular items) within the same hour, as they do every day.
    const daily: Event[] = [];
    for (let day = 0; day < 10; day++) {
      for (let n = 0; n < 40; n++) {
        const at = START + day * DAY + 12 * HOUR + n * 60_000;
        daily.push({ userId: `d${day}-${n}`, itemId: 'p0', type: 'view', timestamp: at });
        daily.push({ userId: `d${day}-${n}`, itemId: 'p1', type: 'view', timestamp: at + 30_000 });
      }
    }
    expect(detectLockstep(tableOf(background, daily), params).findings).toEqual([]);
  });

  it('needs at least two shared items: one shared item is a burst, not lockstep', () => {
    const table = tableOf(background, farm(20, ['x1'], START + 5 * DAY, HOUR));
    expect(members(detectLockstep(table, params), table)).toEqual([]);
  });
});
