import { describe, expect, it } from 'vitest';
import { bm25Idf, bm25Saturation, bm25fPseudoFrequency, summedFieldSaturation } from './bm25f.js';
import { GroupScorer } from './group-scorer.js';
import { InvertedIndex } from './inverted-index.js';
import { turnsDuring } from '../../test/support/event-loop-turns.js';

/**
 * Three documents, two fields (title: weight 2, b 0.75; description: weight 1, b 0.5), k1 = 1.2.
 * Average lengths: title (2 + 4 + 2) / 3 = 8/3, description (3 + 0 + 1) / 3 = 4/3.
 * The expected values below were worked out by hand (and checked with a calculator):
 *
 * "shirt" in d0: title tf 1, length 2 → norm 1 − 0.75 + 0.75 · 2/(8/3) = 0.8125 → 2 / 0.8125 = 2.461538;
 *   description tf 1, length 3 → norm 1 − 0.5 + 0.5 · 3/(4/3) = 1.625 → 1 / 1.625 = 0.615385;
 *   pseudo-frequency 3.076923, saturated 3.076923 · 2.2 / (3.076923 + 1.2) = 1.582734;
 *   idf (N 3, df 2) = ln(1 + 1.5/2.5) = ln 1.6 = 0.470004; score 0.743891.
 * "shirt" in d1: title length 4 → norm 1.375 → pseudo 1.454545, saturated 1.205479, score 0.566580.
 * "cotton" in d2: description length 1 → norm 0.875 → pseudo 1.142857, saturated 1.126829, score 0.504394.
 */
const fields = [
  { name: 'title', weight: 2, b: 0.75 },
  { name: 'description', weight: 1, b: 0.5 },
];
const documents = [
  [
    ['red', 'shirt'],
    ['cotton', 'shirt', 'soft'],
  ],
  [['blue', 'shirt', 'long', 'sleeve'], []],
  [['red', 'dress'], ['cotton']],
];

function buildIndex(combination: 'bm25f' | 'sum', delta = 0): InvertedIndex {
  const index = new InvertedIndex({ fields, k1: 1.2, combination, delta });
  documents.forEach((fieldTerms, doc) => index.setDocument(doc, fieldTerms));
  // Postings written before the last document used older average lengths: compaction refreshes them.
  index.compact();
  return index;
}

function scores(index: InvertedIndex, word: string): Record<number, number> {
  const matches = new GroupScorer(index).score([
    { word, alternatives: [{ termIds: [index.termId(word)], weight: 1, kind: 'exact', detail: word }] },
  ]);
  const result: Record<number, number> = {};
  for (let i = 0; i < matches.count; i++) result[matches.docs[i]!] = matches.scores[i]!;
  return result;
}

describe('BM25F', () => {
  it('computes idf, pseudo-frequency and saturation as worked by hand', () => {
    expect(bm25Idf(3, 2)).toBeCloseTo(0.470004, 6);
    expect(bm25fPseudoFrequency(fields, [1, 1], [2, 3], [8 / 3, 4 / 3])).toBeCloseTo(3.076923, 6);
    expect(bm25Saturation(3.076923, 1.2)).toBeCloseTo(1.582734, 6);
    expect(bm25Saturation(0, 1.2)).toBe(0);
  });

  it('scores documents through the inverted index with the hand-computed values', () => {
    const index = buildIndex('bm25f');
    expect(index.averageFieldLength(0)).toBeCloseTo(8 / 3, 9);
    expect(index.documentFrequency(index.termId('shirt'))).toBe(2);
    const shirt = scores(index, 'shirt');
    expect(Object.keys(shirt).map(Number).sort()).toEqual([0, 1]);
    expect(shirt[0]).toBeCloseTo(0.743891, 5);
    expect(shirt[1]).toBeCloseTo(0.56658, 5);
    expect(scores(index, 'cotton')[2]).toBeCloseTo(0.504394, 5);
  });

  it('sums per-field saturation with the BM25+ lower bound in `sum` mode', () => {
    // d0 "shirt", per field: title 1/0.8125 = 1.230769 → saturated 1.113924; description
    // 1/1.625 = 0.615385 → saturated 0.745763; 2 · (0.5 + 1.113924) + 1 · (0.5 + 0.745763) = 4.473611.
    const perField = summedFieldSaturation(fields, [1, 1], [2, 3], [8 / 3, 4 / 3], 1.2, 0.5);
    expect(perField).toBeCloseTo(4.473611, 5);
    expect(scores(buildIndex('sum', 0.5), 'shirt')[0]).toBeCloseTo(4.473611 * 0.470004, 4);
  });

  it('updates and removes documents, keeping frequencies exact', () => {
    const index = buildIndex('bm25f');
    index.setDocument(1, [['blue', 'blouse'], []]);
    expect(index.documentFrequency(index.termId('shirt'))).toBe(1);
    expect(Object.keys(scores(index, 'shirt'))).toEqual(['0']);
    expect(Object.keys(scores(index, 'blouse'))).toEqual(['1']);
    index.removeDocument(0);
    expect(scores(index, 'shirt')).toEqual({});
    expect(index.documentCount).toBe(2);
    const restored = InvertedIndex.decode(index.encode());
    expect(Object.keys(scores(restored, 'blouse'))).toEqual(['1']);
  });

  it('encodes without compacting again when nothing changed, and what a compaction gives after a write', () => {
    const index = buildIndex('bm25f');
    const compacted = index.encode();
    expect(index.encode()).toEqual(compacted);
    const asCompacted = (): Uint8Array => {
      const encoded = index.encode();
      index.compact();
      expect(index.encode()).toEqual(encoded);
      return encoded;
    };
    // A document added after the compaction waits in the delta; the encoded index holds it.
    index.setDocument(3, [['green', 'scarf'], []]);
    expect(Object.keys(scores(InvertedIndex.decode(asCompacted()), 'scarf'))).toEqual(['3']);
    // A removal leaves stale postings in the CSR segment; the encoded index drops them.
    index.removeDocument(2);
    const restored = InvertedIndex.decode(asCompacted());
    expect(scores(restored, 'dress')).toEqual({});
    expect(restored.documentCount).toBe(3);
  });
});

describe('compaction in slices', () => {
  // Large enough that compacting takes many 10 ms slices on any machine.
  function largeIndex(): InvertedIndex {
    const index = new InvertedIndex({ fields, k1: 1.2 });
    for (let doc = 0; doc < 60_000; doc++) {
      index.setDocument(doc, [
        [`w${doc % 97}`, `w${doc % 389}`, `w${doc % 1013}`, `d${doc}`],
        [`w${doc % 7}`, `w${doc % 13}`, `w${(doc * 31) % 4099}`],
      ]);
    }
    return index;
  }

  it('gives the index a whole compaction gives, letting other work run meanwhile', async () => {
    const sliced = largeIndex();
    const { turns } = await turnsDuring(() => sliced.compactInSlices());
    expect(sliced.uncompacted).toBe(false);
    const whole = largeIndex();
    whole.compact();
    // Byte for byte (Buffer.equals: a deep comparison of megabytes takes vitest half a minute).
    expect(Buffer.from(sliced.encode()).equals(Buffer.from(whole.encode()))).toBe(true);
    expect(turns).toBeGreaterThanOrEqual(2);
  });

  it('keeps searches answered from the old segment until the swap, and loses no write made meanwhile', async () => {
    const index = largeIndex();
    const compaction = index.compactInSlices();
    await new Promise((resolve) => setImmediate(resolve));
    // Mid-compaction: the documents are still found through the delta.
    expect(Object.keys(scores(index, 'd123'))).toEqual(['123']);
    index.setDocument(60_000, [['late', 'arrival'], []]);
    index.removeDocument(5);
    await compaction;
    expect(index.uncompacted).toBe(false);
    expect(index.pendingPostings).toBe(0);
    expect(Object.keys(scores(index, 'late'))).toEqual(['60000']);
    expect(scores(index, 'd5')).toEqual({});
    expect(Object.keys(scores(index, 'd123'))).toEqual(['123']);
  });
});
