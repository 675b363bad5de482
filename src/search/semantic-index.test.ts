import { describe, expect, it, vi } from 'vitest';
import type { Item } from '../core/entities.js';
import type { Encoder } from '../text/encoder/encoder.js';
import { normalizeRows } from '../text/encoder/encoder.js';
import { SemanticIndex } from './semantic-index.js';

/** A stand-in encoder (letter counts), so these tests need no trained model. */
const letters: Encoder = {
  kind: 'trained',
  id: 'letters',
  dimensions: 26,
  async encode(texts) {
    const rows = new Float32Array(texts.length * 26);
    texts.forEach((text, row) => {
      for (const char of text.toLowerCase()) {
        const at = char.charCodeAt(0) - 97;
        if (at >= 0 && at < 26) rows[row * 26 + at]! += 1;
      }
    });
    return normalizeRows(rows, 26);
  },
  describe: () => ({}),
  close: async () => {},
};
const item = (id: string, title: string): Item => ({
  id,
  title,
  categoryPath: [],
  attributes: {},
  tags: [],
  available: true,
});

describe('semantic index', () => {
  it('makes room for every new document in slices before it writes the first vector', async () => {
    const semantic = SemanticIndex.create(letters, 1_000);
    const reserve = vi.spyOn(semantic.vectors, 'reserveInSlices');
    const upsert = vi.spyOn(semantic.vectors, 'upsert');
    await semantic.embed(
      [0, 5_000, 7],
      [item('a', 'zzz'), item('b', 'kettle'), item('c', 'shirt')],
      [1, 2, 3],
      2,
    );
    expect(reserve).toHaveBeenCalledWith(5_001, expect.anything());
    expect(reserve.mock.invocationCallOrder[0]!).toBeLessThan(upsert.mock.invocationCallOrder[0]!);
    expect(semantic.size).toBe(3);
    expect((await semantic.search('kettle', 1)).ids[0]).toBe(5_000);
    expect(semantic.isCurrent(7, 3)).toBe(true);
  });
});
