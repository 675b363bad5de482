import { describe, expect, it } from 'vitest';
import { activeHistorySize } from './activity.js';
import type { InteractionLog } from './interaction-log.js';

/** A log of (user, item, time) events; the fields activeHistorySize does not read are filler. */
function logOf(events: [user: number, item: number, time: number][]): InteractionLog {
  const n = events.length;
  return {
    userIds: [...new Set(events.map(([user]) => `u${user}`))],
    itemIds: [...new Set(events.map(([, item]) => `i${item}`))],
    user: Int32Array.from(events, ([user]) => user),
    item: Int32Array.from(events, ([, item]) => item),
    weight: new Float32Array(n).fill(1),
    timestamp: Float64Array.from(events, ([, , time]) => time),
    type: new Uint8Array(n),
    types: ['view'],
    value: new Float32Array(n).fill(Number.NaN),
    basket: new Int32Array(n).fill(-1),
    basketCount: 0,
  };
}

/** Users with these many distinct items each (items 0 … size − 1, one event each). */
const histories = (sizes: number[]) =>
  logOf(
    sizes.flatMap((size, user) =>
      Array.from({ length: size }, (_, item) => [user, item, item] as [number, number, number]),
    ),
  );

describe('activeHistorySize', () => {
  it('is the history size of the last user inside the most active share', () => {
    // 20 users: 5 % is one user, the one with 40 items; 10 % is two, the second with 30.
    const sizes = [40, 30, ...Array.from({ length: 18 }, (_, n) => 1 + n)];
    expect(activeHistorySize(histories(sizes))).toBe(40);
    expect(activeHistorySize(histories(sizes), 0.1)).toBe(30);
    expect(activeHistorySize(histories(sizes), 0.2)).toBe(17); // 40, 30, 18, 17
  });

  it('counts distinct items of the latest historyLimit events, as serving reads a history', () => {
    // Items 0 … 5 at times 1 … 6, then item 5 again at 7: six distinct items in all, but the latest
    // three events (5, 5, 4) hold two.
    const log = logOf([
      ...Array.from({ length: 6 }, (_, item) => [0, item, item + 1] as [number, number, number]),
      [0, 5, 7],
    ]);
    expect(activeHistorySize(log, 0.05)).toBe(6);
    expect(activeHistorySize(log, 0.05, 3)).toBe(2);
  });

  it('is 1 for an empty log', () => {
    expect(activeHistorySize(logOf([]))).toBe(1);
  });
});
