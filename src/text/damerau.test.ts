import { describe, expect, it } from 'vitest';
import { allowedTypos, boundedDamerau } from './damerau.js';
import { TermLexicon } from './term-lexicon.js';

describe('typo tolerance (the Meilisearch rule)', () => {
  it('allows no typo under 5 letters, one from 5 to 8, two from 9', () => {
    expect([1, 4, 5, 8, 9, 14].map((length) => allowedTypos(length))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('measures Damerau–Levenshtein distance with adjacent transpositions, up to a bound', () => {
    expect(boundedDamerau('iphne', 'iphone', 2)).toBe(1);
    expect(boundedDamerau('charegr', 'charger', 2)).toBe(1);
    expect(boundedDamerau('chrager', 'charger', 2)).toBe(1);
    expect(boundedDamerau('kitten', 'sitting', 3)).toBe(3);
    // Past the bound the answer is bound + 1, whatever the true distance.
    expect(boundedDamerau('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(boundedDamerau('same', 'same', 0)).toBe(0);
  });

  it('finds corrections within the allowed typos, never changing the first letter', () => {
    const terms = ['charger', 'charging', 'iphone', 'headphone', 'cable', 'table', 'sandals', 'candle'];
    const lexicon = new TermLexicon();
    lexicon.update(terms);
    const rules = { oneTypoFrom: 5, twoTyposFrom: 9 };
    const found = (word: string) =>
      lexicon
        .typoCandidates(word, rules)
        .map((candidate) => `${terms[candidate.termId]}:${candidate.typos}`)
        .sort();
    expect(found('chargr')).toEqual(['charger:1']);
    // Four letters: no typo allowed, so "cabel" (5) finds cable but "cabe" finds nothing.
    expect(found('cabe')).toEqual([]);
    expect(found('cabel')).toEqual(['cable:1']);
    // "table" is one substitution from "cable" but starts with another letter.
    expect(found('tabel')).toEqual(['table:1']);
    // One substitution from cable and table, but on the first letter: no correction.
    expect(found('xable')).toEqual([]);
    // Nine letters allow two typos.
    expect(found('headfhone')).toEqual(['headphone:1']);
    expect(found('heaphonee')).toEqual(['headphone:2']);
    expect(found('sanadls')).toEqual(['sandals:1']);
  });
});
