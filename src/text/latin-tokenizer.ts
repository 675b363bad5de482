import { foldLatin } from './normalize.js';

/** Letters and digits of any script (Han runs are split off before this tokenizer sees the text). */
const WORD = /[\p{L}\p{N}]+(?:['’\-.&+][\p{L}\p{N}]+)*/gu;
const LETTERS_DIGITS = /\p{L}+|\p{N}+(?:\.\p{N}+)?/gu;

/** One word as typed, lower-cased and accent-folded, with the pieces it is made of. */
export interface LatinWord {
  word: string;
  /** Sub-words ("t-shirt" → t, shirt; "iphone15" → iphone, 15); empty for a plain word. */
  parts: string[];
}

/**
 * Splits a Latin (or digit) run into lower-cased, accent-folded words.
 *
 * - "T-Shirt" gives "tshirt" with parts "t" and "shirt", so "tshirt", "t-shirt" and "t shirt" meet;
 * - "iPhone15" gives "iphone15" with parts "iphone" and "15" (model numbers typed with or without a
 *   space);
 * - "women's" gives "women" (a possessive adds nothing to search);
 * - "2.5mm" gives "2.5mm" with parts "2.5" and "mm".
 *
 * Stemming and stop words are left to the analyzer.
 *
 * @example
 * tokenizeLatin('Crème T-Shirt'); // [{ word: 'creme', parts: [] }, { word: 'tshirt', parts: ['t', 'shirt'] }]
 */
export function tokenizeLatin(text: string): LatinWord[] {
  const words: LatinWord[] = [];
  for (const match of text.matchAll(WORD)) {
    const raw = foldLatin(match[0].replace(/['’]s$/iu, ''));
    const pieces = raw.split(/['’\-&+]/u).filter((piece) => piece.length > 0);
    const word = pieces.join('');
    if (word.length === 0) continue;
    const parts: string[] = [];
    if (pieces.length > 1) {
      for (const piece of pieces) {
        parts.push(piece);
        pushRuns(parts, piece);
      }
    } else pushRuns(parts, word);
    words.push({ word, parts: parts.filter((part) => part !== word) });
  }
  return words;
}

/** The letter and digit runs of a word that mixes them ("iphone15" → iphone, 15; "20w" → 20, w). */
function pushRuns(parts: string[], word: string): void {
  const runs = word.match(LETTERS_DIGITS);
  if (runs && runs.length > 1) for (const run of runs) parts.push(run);
}
