import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './time.js';

describe('parseTimestamp', () => {
  it.each([
    [874724710, 874724710000],
    ['874724710', 874724710000],
    [1_700_000_000_123, 1_700_000_000_123],
    ['1700000000123', 1_700_000_000_123],
    ['1511658000.5', 1_511_658_000_500],
    ['2017-11-26T01:00:00Z', 1_511_658_000_000],
    ['2017-11-26 09:00:00+08:00', 1_511_658_000_000],
    ['2017-11-26', 1_511_654_400_000],
  ])('reads %j', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each(['', 'yesterday', 'May', '3 days', NaN, Infinity, null, {}])('rejects %j', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });
});
