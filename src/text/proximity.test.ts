import { describe, expect, it } from 'vitest';
import type { QueryGroup } from './group-scorer.js';
import { InvertedIndex, tokenField, tokenTerm } from './inverted-index.js';
import { ProximityScorer } from './proximity.js';

const fields = [
  { name: 'title', weight: 3, b: 0.75 },
  { name: 'category', weight: 1.5, b: 0.375 },
];
/** Same words, different order: only d1 has "chocolate bar" side by side in one field. */
const documents: string[][][] = [
  [['chocolate', 'crunchy', 'oat', 'rice', 'bar'], ['snacks']],
  [['crunchy', 'oat', 'rice', 'chocolate', 'bar'], ['snacks']],
  [['bar', 'chocolate'], ['snacks']],
  [
    ['chocolate', 'wafer'],
    ['bar', 'snacks'],
  ],
  [['milk', 'chocolate', 'chip', 'bar'], ['snacks']],
];

function buildIndex(): InvertedIndex {
  const index = new InvertedIndex({ fields, k1: 1.2, combination: 'sum', delta: 0.5 });
  documents.forEach((fieldTerms, doc) => index.setDocument(doc, fieldTerms));
  index.compact();
  return index;
}

function groupsOf(index: InvertedIndex, ...words: string[]): QueryGroup[] {
  return words.map((word) => ({
    word,
    alternatives: [{ termIds: [index.termId(word)], weight: 1, kind: 'exact', detail: word }],
  }));
}

describe('proximity', () => {
  it('reads each document’s tokens field by field, in text order', () => {
    const index = buildIndex();
    const tokens = [...index.documentTokens(3)];
    expect(tokens.map((token) => index.term(tokenTerm(token)))).toEqual([
      'chocolate',
      'wafer',
      'bar',
      'snacks',
    ]);
    expect(tokens.map(tokenField)).toEqual([0, 0, 1, 1]);
    expect(index.documentTokens(99)).toHaveLength(0);
  });

  it('finds consecutive query words in order within the window, in one field only', () => {
    const index = buildIndex();
    const proximity = new ProximityScorer(index);
    const groups = groupsOf(index, 'chocolate', 'bar');
    expect(proximity.share(groups, 1, 3)).toBe(1); // "… chocolate bar"
    expect(proximity.share(groups, 0, 3)).toBe(0); // four terms apart
    expect(proximity.share(groups, 0, 4)).toBe(1);
    expect(proximity.share(groups, 2, 3)).toBe(0); // "bar chocolate": the wrong order
    expect(proximity.share(groups, 3, 3)).toBe(0); // title and category are different fields
    expect(proximity.share(groups, 4, 1)).toBe(0); // "chocolate chip bar" with no term between allowed
    expect(proximity.share(groups, 4, 2)).toBe(1);
  });

  it('counts the share of consecutive word pairs found together', () => {
    const index = buildIndex();
    const proximity = new ProximityScorer(index);
    // "milk chocolate" stands together in d4, "chocolate bar" is two terms apart.
    expect(proximity.share(groupsOf(index, 'milk', 'chocolate', 'bar'), 4, 1)).toBe(0.5);
    expect(proximity.share(groupsOf(index, 'milk', 'chocolate', 'bar'), 4, 2)).toBe(1);
    // One word has no pair.
    expect(proximity.share(groupsOf(index, 'chocolate'), 1, 3)).toBe(0);
  });

  it('never pairs a term with itself when it stands for two query words', () => {
    const index = buildIndex();
    const proximity = new ProximityScorer(index);
    expect(proximity.share(groupsOf(index, 'wafer', 'wafer'), 3, 3)).toBe(0);
  });

  it('scores a whole result list at once, 0 where no pair stands together', () => {
    const index = buildIndex();
    const proximity = new ProximityScorer(index);
    const shares = proximity.shares(
      groupsOf(index, 'chocolate', 'bar'),
      Int32Array.from([0, 1, 2, 3, 4, 99]),
      3,
    );
    expect([...shares]).toEqual([0, 1, 0, 0, 1, 0]);
    expect([...proximity.shares(groupsOf(index, 'bar'), Int32Array.from([1]), 3)]).toEqual([0]);
    // The marks of one query do not leak into the next.
    expect(proximity.share(groupsOf(index, 'milk', 'chip'), 1, 3)).toBe(0);
  });
});
