import { describe, expect, it } from 'vitest';
import { type LiftGain, chooseLift } from './lift-choice.js';

const gain = (liftBy: 'calibration' | 'popularity', lift: number, mean: number, low: number): LiftGain => ({
  lift: { liftBy, lift },
  users: 100,
  gain: mean,
  ci: [low, mean + (mean - low)],
});

describe('chooseLift', () => {
  it('takes the largest mean gain among the lifts whose CI lies above 0', () => {
    const gains = [
      gain('calibration', 0.05, 0.001, 0.0002),
      gain('calibration', 0.1, 0.003, -0.0001), // larger, but its CI reaches 0
      gain('popularity', 0.1, 0.0015, 0.0001),
      gain('popularity', 0.2, 0.0012, 0.0004),
    ];
    expect(chooseLift(gains)).toEqual({ liftBy: 'popularity', lift: 0.1 });
  });

  it('takes none when no CI lies above 0, or no lift gains at all', () => {
    expect(chooseLift([gain('calibration', 0.05, 0.002, 0), gain('popularity', 0.1, 0.001, -0.001)])).toBe(
      undefined,
    );
    expect(chooseLift([gain('calibration', 0.05, -0.001, -0.002)])).toBe(undefined);
    expect(chooseLift([])).toBe(undefined);
  });
});
