import { describe, expect, it } from 'vitest';
import { TimeSlices } from '../core/yield.js';
import { VectorIndex } from './vector-index.js';
import { turnsDuring } from '../../test/support/event-loop-turns.js';

/** The vector store under semantic search: exact below `exactBelow`, growing as documents come. */
const dimensions = 256;

function unitRows(count: number, seed: number): Float32Array {
  const rows = new Float32Array(count * dimensions);
  let state = seed;
  for (let i = 0; i < rows.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    rows[i] = state / 2 ** 32 - 0.5;
  }
  for (let row = 0; row < count; row++) {
    const vector = rows.subarray(row * dimensions, (row + 1) * dimensions);
    const norm = Math.hypot(...vector);
    for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
  }
  return rows;
}

/** 10,000 vectors: 2.56 million floats, two of reserveInSlices's 8 MB steps. */
function filled(): VectorIndex {
  const index = new VectorIndex({ dimensions, exactBelow: 1_000_000 });
  index.upsert(
    Array.from({ length: 10_000 }, (_, key) => key),
    unitRows(10_000, 7),
  );
  return index;
}
const bytes = (array: Float32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
const storage = (index: VectorIndex) => (index as unknown as { vectors: Float32Array }).vectors;

describe('vector index', () => {
  it('finds the stored vector itself first, exactly', () => {
    const index = filled();
    const query = index.vector(4242)!.slice();
    const { ids, scores } = index.search(query, 3);
    expect(ids[0]).toBe(4242);
    expect(scores[0]).toBeCloseTo(1, 5);
    index.remove(4242);
    expect(index.search(query, 3).ids).not.toContain(4242);
    expect(index.size).toBe(9_999);
  });

  it('makes room ahead of writes in slices, giving the event loop turns, and keeps every vector', async () => {
    const index = filled();
    const before = index.encode().vectors;
    const query = index.vector(17)!.slice();
    const { turns } = await turnsDuring(() => index.reserveInSlices(40_000, new TimeSlices(0)));
    expect(turns).toBeGreaterThanOrEqual(2);
    // Compared as bytes: a deep equality of 2.56 million floats takes seconds.
    expect(bytes(index.encode().vectors).equals(bytes(before))).toBe(true);
    expect(index.search(query, 1).ids[0]).toBe(17);
    // The writes it made room for copy nothing.
    const grown = storage(index);
    index.upsert([39_999], unitRows(1, 3));
    expect(storage(index)).toBe(grown);
    expect(index.size).toBe(10_001);
  });

  it('serves searches from the old vectors meanwhile, and keeps a write made meanwhile', async () => {
    const index = filled();
    const query = index.vector(9_000)!.slice();
    const reserving = index.reserveInSlices(20_000, new TimeSlices(0));
    // Between the two copy steps: the first 8 MB (keys below 8,192) are copied already.
    expect(index.search(query, 1).ids[0]).toBe(9_000);
    const written = unitRows(1, 99);
    index.upsert([5], written);
    await reserving;
    expect(index.vector(5)).toEqual(written);
    expect(index.vector(9_000)).toEqual(query);
    expect(storage(index).length).toBeGreaterThanOrEqual(20_000 * dimensions);
  });
});
