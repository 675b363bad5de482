import { describe, expect, it } from 'vitest';
import { csrFromTriplets } from '../../matrix/csr.js';
import { activeHistorySize } from './activity.js';

/** Users with these many distinct items each (items 0 … size − 1). */
function histories(sizes: number[]) {
  const rows: number[] = [];
  const cols: number[] = [];
  sizes.forEach((size, user) => {
    for (let item = 0; item < size; item++) {
      rows.push(user);
      cols.push(item);
    }
  });
  return csrFromTriplets(
    sizes.length,
    Math.max(1, ...sizes),
    Int32Array.from(rows),
    Int32Array.from(cols),
    new Float32Array(rows.length).fill(1),
  );
}

describe('activeHistorySize', () => {
  it('is the history size of the last user inside the most active share', () => {
    // 20 users: 5 % is one user, the one with 40 items; 10 % is two, the second with 30.
    const sizes = [40, 30, ...Array.from({ length: 18 }, (_, n) => 1 + n)];
    expect(activeHistorySize(histories(sizes))).toBe(40);
    expect(activeHistorySize(histories(sizes), 0.1)).toBe(30);
    expect(activeHistorySize(histories(sizes), 0.2)).toBe(17); // 40, 30, 18, 17
  });

  it('is at least 1, also for users without history and an empty matrix', () => {
    expect(activeHistorySize(histories([0, 0, 0]))).toBe(1);
    expect(activeHistorySize(histories([]))).toBe(1);
  });
});
