import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { packArrays, unpackArrays } from '../text/binary-codec.js';
import { type SuggestEntry, SuggestIndex } from './suggest.js';

const words = [
  '红色',
  '连衣裙',
  '纯棉',
  'T恤',
  '电热水壶',
  'charging',
  'cable',
  'red',
  'dress',
  '大容量',
  'lian',
];

/** Seeded entries: texts of one to three words, repeated across the list, from both sources. */
function entries(seed: number, count: number): SuggestEntry[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => ({
    text: Array.from({ length: 1 + rng.int(3) }, () => rng.pick(words)).join(rng.int(2) ? ' ' : ''),
    source: rng.int(2) ? ('query' as const) : ('catalogue' as const),
    weight: 1 + rng.int(5),
  }));
}

describe('SuggestIndex', () => {
  it('merges added queries into the same index a single build of all of them gives', () => {
    for (const seed of [1, 2, 3]) {
      const first = entries(seed, 300);
      const later = entries(seed + 100, 250);
      const incremental = SuggestIndex.build(first);
      // Several merges (encode merges what is pending), each adding known and new texts.
      for (let at = 0; at < later.length; at += 60) {
        for (const entry of later.slice(at, at + 60)) incremental.add(entry);
        incremental.encode();
      }
      expect(incremental.encode()).toEqual(SuggestIndex.build([...first, ...later]).encode());
    }
  });

  it('adds the weight of a known text and ranks the completions by it', () => {
    const index = SuggestIndex.build([
      { text: '连衣裙 长款', source: 'catalogue', weight: 1 },
      { text: '连衣裙 短款', source: 'catalogue', weight: 2 },
    ]);
    expect(index.suggest('连衣裙').map((suggestion) => suggestion.text)).toEqual([
      '连衣裙 短款',
      '连衣裙 长款',
    ]);
    for (let n = 0; n < 100; n++) index.add({ text: '连衣裙 长款', source: 'query', weight: 1 });
    index.add({ text: '连衣裙 新款', source: 'query', weight: 1 });
    const after = index.suggest('lianyiqun');
    expect(after.map((suggestion) => suggestion.text)).toEqual(['连衣裙 长款', '连衣裙 短款', '连衣裙 新款']);
    expect(after[0]).toMatchObject({ source: 'query', match: 'pinyin' });
    expect(index.size).toBe(3);
  });

  it('answers the same from a decoded index, with or without the stored sort orders', () => {
    const built = SuggestIndex.build(entries(7, 400));
    const bytes = built.encode();
    const { header, arrays } = unpackArrays(bytes);
    // An artifact from before the orders were stored: the keys are sorted again on load.
    const legacy = packArrays(header as Record<string, unknown>, {
      sources: arrays['sources']!,
      weights: arrays['weights']!,
    });
    for (const decoded of [SuggestIndex.decode(bytes), SuggestIndex.decode(legacy)]) {
      for (const typed of ['红', 'hongse', 'hs', 'lyq', 'char', 'red d', 'da'])
        expect(decoded.suggest(typed)).toEqual(built.suggest(typed));
      expect(decoded.encode()).toEqual(bytes);
    }
  });
});
