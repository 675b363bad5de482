import { describe, expect, it } from 'vitest';
import { csrFromTriplets, selectRows, transpose } from './csr.js';
import { topK } from './top-k.js';

describe('CSR matrices', () => {
  it('builds rows sorted by column and combines repeated entries', () => {
    const m = csrFromTriplets(
      3,
      4,
      Int32Array.from([2, 0, 0, 2, 0]),
      Int32Array.from([1, 3, 1, 1, 3]),
      Float32Array.from([1, 2, 3, 4, 5]),
    );
    expect([...m.indptr]).toEqual([0, 2, 2, 3]);
    expect([...m.indices]).toEqual([1, 3, 1]);
    expect([...m.data]).toEqual([3, 7, 5]);
    const max = csrFromTriplets(
      1,
      2,
      Int32Array.from([0, 0]),
      Int32Array.from([1, 1]),
      Float32Array.from([2, 5]),
      'max',
    );
    expect([...max.data]).toEqual([5]);
    const last = csrFromTriplets(
      1,
      2,
      Int32Array.from([0, 0]),
      Int32Array.from([1, 1]),
      Float32Array.from([5, 2]),
      'last',
    );
    expect([...last.data]).toEqual([2]);
  });

  it('sorts long rows as well as short ones', () => {
    const columns = Int32Array.from({ length: 100 }, (_, n) => (n * 37) % 100);
    const m = csrFromTriplets(1, 100, new Int32Array(100), columns, Float32Array.from(columns));
    expect([...m.indices]).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect([...m.data]).toEqual(Array.from({ length: 100 }, (_, n) => n));
  });

  it('transposes and selects rows', () => {
    const m = csrFromTriplets(
      2,
      3,
      Int32Array.from([0, 0, 1]),
      Int32Array.from([0, 2, 2]),
      Float32Array.from([1, 2, 3]),
    );
    const t = transpose(m);
    expect(t.rows).toBe(3);
    expect([...t.indptr]).toEqual([0, 1, 1, 3]);
    expect([...t.indices]).toEqual([0, 0, 1]);
    expect([...t.data]).toEqual([1, 2, 3]);
    expect(transpose(t)).toEqual(m);
    const picked = selectRows(m, Int32Array.from([1, 0]));
    expect([...picked.indices]).toEqual([2, 0, 2]);
  });
});

describe('topK', () => {
  it('returns the best scores first, ties to the lower index, skipping excluded and non-finite', () => {
    const scores = Float32Array.from([0.5, 0.9, 0.9, Number.NaN, 0.1, 0.95, Number.NEGATIVE_INFINITY]);
    const excluded = Uint8Array.from([0, 0, 0, 0, 0, 1, 0]);
    const best = topK(scores, 3, excluded);
    expect([...best.indices]).toEqual([1, 2, 0]);
    expect([...best.scores]).toEqual([0.9, 0.9, 0.5].map(Math.fround));
    expect([...topK(scores, 10).indices]).toEqual([5, 1, 2, 0, 4]);
    expect(topK(scores, 0).indices.length).toBe(0);
  });
});
