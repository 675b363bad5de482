import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sequence = (rng: ReturnType<typeof createRng>) => Array.from({ length: 20 }, () => rng.next());
    const first = sequence(a);
    expect(sequence(b)).toEqual(first);
    expect(sequence(c)).not.toEqual(first);
  });

  it('draws uniform values in [0, 1) and integers in [0, n)', () => {
    const rng = createRng(7);
    const counts = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let n = 0; n < 100_000; n++) {
      const value = rng.next();
      min = Math.min(min, value);
      max = Math.max(max, value);
      counts[rng.int(10)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('draws standard normals', () => {
    const rng = createRng(3);
    let sum = 0;
    let squares = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const value = rng.normal();
      sum += value;
      squares += value * value;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation', () => {
    const values = Array.from({ length: 50 }, (_, n) => n);
    const shuffled = createRng(1).shuffle([...values]);
    expect(shuffled).not.toEqual(values);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(values);
  });
});
