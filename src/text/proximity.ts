import type { QueryGroup } from './group-scorer.js';
import { ensureCapacity } from './growable.js';
import { type InvertedIndex, tokenField, tokenTerm } from './inverted-index.js';

/** Query words beyond this many are left out of the proximity signal (one bit per word). */
const MAX_WORDS = 31;
const NONE = -1;

/**
 * Term proximity for multi-word queries — a sloppy-phrase signal, as Lucene's phrase slop or
 * Meilisearch's proximity rule: the share of the query's consecutive word pairs (word i, word i + 1)
 * whose words occur in that order within `window` terms of each other in one field of a document
 * ("chocolate bar" in "Milk Chocolate Bar", not in "Chocolate Chip Granola Bar"). A word counts by
 * any of its alternatives (stem, typo correction, pinyin, translation …). Read from the forward
 * index for a query's results only, after term-at-a-time scoring, so the postings need no
 * positions. Buffers are reused: one scorer per index, one query at a time.
 */
export class ProximityScorer {
  private wordMask = new Int32Array(0);
  private markedTerms: number[] = [];
  private readonly lastSeen = new Int32Array(MAX_WORDS);

  constructor(private readonly index: InvertedIndex) {}

  /**
   * The share of consecutive query-word pairs found together in each of `docs` (0 where none is),
   * the query's terms marked once for the whole list. With `lexicalScores`, documents scored 0 there
   * (found by the semantic side only) are skipped.
   */
  shares(
    groups: readonly QueryGroup[],
    docs: Int32Array,
    window: number,
    lexicalScores?: Float32Array,
  ): Float32Array {
    const shares = new Float32Array(docs.length);
    const words = Math.min(groups.length, MAX_WORDS);
    if (words < 2) return shares;
    this.mark(groups, words);
    for (let i = 0; i < docs.length; i++) {
      if (lexicalScores && !(lexicalScores[i]! > 0)) continue;
      shares[i] = this.pairShare(docs[i]!, words, window);
    }
    this.unmark();
    return shares;
  }

  /** The share of consecutive query-word pairs found together in a document (tests, explanations). */
  share(groups: readonly QueryGroup[], doc: number, window: number): number {
    const words = Math.min(groups.length, MAX_WORDS);
    if (words < 2) return 0;
    this.mark(groups, words);
    const share = this.pairShare(doc, words, window);
    this.unmark();
    return share;
  }

  private pairShare(doc: number, words: number, window: number): number {
    const tokens = this.index.forwardTokens;
    const start = this.index.tokenOffset(doc);
    const end = start + this.index.tokenLength(doc);
    const last = this.lastSeen;
    const wordMask = this.wordMask;
    const all = words >= 32 ? -1 : (1 << (words - 1)) - 1;
    last.fill(NONE, 0, words);
    let field = -1;
    let found = 0;
    for (let p = start; p < end && found !== all; p++) {
      const token = tokens[p]!;
      if (tokenField(token) !== field) {
        field = tokenField(token);
        last.fill(NONE, 0, words);
      }
      const mask = wordMask[tokenTerm(token)]!;
      if (mask === 0) continue;
      // Pairs first, positions after: a term standing for two words never pairs with itself.
      for (let w = 1; w < words; w++) {
        if ((mask & (1 << w)) !== 0 && last[w - 1]! !== NONE && p - last[w - 1]! <= window) {
          found |= 1 << (w - 1);
        }
      }
      for (let w = 0; w < words; w++) if ((mask & (1 << w)) !== 0) last[w] = p;
    }
    let pairs = 0;
    for (let w = 0; w + 1 < words; w++) if ((found & (1 << w)) !== 0) pairs++;
    return pairs / (words - 1);
  }

  private mark(groups: readonly QueryGroup[], words: number): void {
    this.wordMask = ensureCapacity(this.wordMask, this.index.termCount, Int32Array);
    for (let w = 0; w < words; w++) {
      for (const alternative of groups[w]!.alternatives) {
        for (const termId of alternative.termIds) {
          if (termId < 0 || termId >= this.wordMask.length) continue;
          if (this.wordMask[termId] === 0) this.markedTerms.push(termId);
          this.wordMask[termId]! |= 1 << w;
        }
      }
    }
  }

  private unmark(): void {
    for (const termId of this.markedTerms) this.wordMask[termId] = 0;
    this.markedTerms = [];
  }
}
