import { ensureCapacity } from './growable.js';
import type { InvertedIndex } from './inverted-index.js';

/** How a query word reached an index term. */
export type MatchKind =
  'exact' | 'stem' | 'synonym' | 'prefix' | 'typo' | 'pinyin' | 'translation' | 'partial';

/** One way to match a query word: index terms that together stand for it, and their weight. */
export interface Alternative {
  /** All of these terms must be in the document (usually one). */
  termIds: number[];
  /** Multiplier of the terms' BM25F score: 1 for the word itself, less for expansions. */
  weight: number;
  kind: MatchKind;
  /** What was matched, for explanations: the corrected word, the pinyin, the dictionary gloss. */
  detail: string;
}

/** A word of the query and every way to match it; a document scores its best alternative. */
export interface QueryGroup {
  /** The word as typed (after normalisation). */
  word: string;
  alternatives: Alternative[];
}

/** The documents a query matched with their scores and how many of the query's words each matched. */
export interface GroupMatches {
  docs: Int32Array;
  scores: Float32Array;
  /** Words (groups) matched per document, parallel to `docs`. */
  matchedGroups: Uint8Array;
  count: number;
}

/**
 * Scores a query of word groups against an inverted index, term at a time on preallocated typed
 * arrays. A document's score for a group is its best alternative (the word itself, a typo
 * correction, a pinyin reading, a translation …) so expansions never add up to more than one word;
 * an alternative of several terms counts only where all of them occur, scored as the mean of its
 * terms. Group scores add up. Buffers are reused between queries: one scorer per index,
 * not shared between concurrent callers (JavaScript runs one query at a time).
 */
export class GroupScorer {
  private total = new Float32Array(0);
  private groupBest = new Float32Array(0);
  private alternativeSum = new Float32Array(0);
  private alternativeParts = new Uint8Array(0);
  private matched = new Uint8Array(0);
  private touched = new Int32Array(0);
  private groupTouched = new Int32Array(0);
  private alternativeTouched = new Int32Array(0);

  constructor(private readonly index: InvertedIndex) {}

  score(groups: readonly QueryGroup[]): GroupMatches {
    const slots = this.index.documentSlots;
    this.ensureBuffers(slots);
    const { total, groupBest, matched } = this;
    let touchedCount = 0;
    for (const group of groups) {
      let groupCount = 0;
      for (const alternative of group.alternatives) {
        if (alternative.weight <= 0 || alternative.termIds.length === 0) continue;
        if (alternative.termIds.length === 1) {
          groupCount = this.bestOfTerm(alternative.termIds[0]!, alternative.weight, groupCount);
        } else groupCount = this.bestOfConjunction(alternative, groupCount);
      }
      for (let i = 0; i < groupCount; i++) {
        const doc = this.groupTouched[i]!;
        if (total[doc] === 0) this.touched[touchedCount++] = doc;
        total[doc]! += groupBest[doc]!;
        if (matched[doc]! < 255) matched[doc]! += 1;
        groupBest[doc] = 0;
      }
    }
    const docs = new Int32Array(touchedCount);
    const scores = new Float32Array(touchedCount);
    const matchedGroups = new Uint8Array(touchedCount);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i]!;
      docs[i] = doc;
      scores[i] = total[doc]!;
      matchedGroups[i] = matched[doc]!;
      total[doc] = 0;
      matched[doc] = 0;
    }
    return { docs, scores, matchedGroups, count: touchedCount };
  }

  /** Folds one term's postings into the group's best scores (max). */
  private bestOfTerm(termId: number, weight: number, groupCount: number): number {
    const index = this.index;
    const factor = weight * index.idf(termId);
    const { groupBest, groupTouched } = this;
    const inMain = index.inMain;
    const main = index.mainPostings(termId);
    const docs = main.docs;
    const scores = main.scores;
    for (let p = main.start; p < main.end; p++) {
      const doc = docs[p]!;
      if (inMain[doc] !== 1) continue;
      const value = factor * scores[p]!;
      const best = groupBest[doc]!;
      if (value > best) {
        if (best === 0) groupTouched[groupCount++] = doc;
        groupBest[doc] = value;
      }
    }
    const delta = index.deltaPostings(termId);
    if (delta) {
      const alive = index.alive;
      const version = index.version;
      for (let p = 0; p < delta.length; p++) {
        const doc = delta.docs[p]!;
        if (alive[doc] !== 1 || inMain[doc] === 1 || version[doc] !== delta.versions[p]) continue;
        const value = factor * delta.scores[p]!;
        const best = groupBest[doc]!;
        if (value > best) {
          if (best === 0) groupTouched[groupCount++] = doc;
          groupBest[doc] = value;
        }
      }
    }
    return groupCount;
  }

  /** Sums the terms of a multi-term alternative where all occur, then folds into the group's best. */
  private bestOfConjunction(alternative: Alternative, groupCount: number): number {
    const index = this.index;
    const { alternativeSum, alternativeParts, alternativeTouched, groupBest, groupTouched } = this;
    const parts = alternative.termIds.length;
    // The mean of the parts: a word matched through its pieces never outscores the word itself.
    const damping = alternative.weight / parts;
    let count = 0;
    const inMain = index.inMain;
    for (const termId of alternative.termIds) {
      const factor = damping * index.idf(termId);
      const visit = (doc: number, score: number) => {
        if (alternativeParts[doc] === 0) alternativeTouched[count++] = doc;
        alternativeParts[doc]! += 1;
        alternativeSum[doc]! += factor * score;
      };
      const main = index.mainPostings(termId);
      for (let p = main.start; p < main.end; p++) {
        const doc = main.docs[p]!;
        if (inMain[doc] === 1) visit(doc, main.scores[p]!);
      }
      const delta = index.deltaPostings(termId);
      if (delta) {
        for (let p = 0; p < delta.length; p++) {
          const doc = delta.docs[p]!;
          if (index.alive[doc] === 1 && inMain[doc] !== 1 && index.version[doc] === delta.versions[p]) {
            visit(doc, delta.scores[p]!);
          }
        }
      }
    }
    for (let i = 0; i < count; i++) {
      const doc = alternativeTouched[i]!;
      if (alternativeParts[doc] === parts) {
        const value = alternativeSum[doc]!;
        const best = groupBest[doc]!;
        if (value > best) {
          if (best === 0) groupTouched[groupCount++] = doc;
          groupBest[doc] = value;
        }
      }
      alternativeParts[doc] = 0;
      alternativeSum[doc] = 0;
    }
    return groupCount;
  }

  private ensureBuffers(slots: number): void {
    if (this.total.length >= slots) return;
    const size = Math.max(slots, 64);
    this.total = ensureCapacity(this.total, size, Float32Array);
    this.groupBest = ensureCapacity(this.groupBest, size, Float32Array);
    this.alternativeSum = ensureCapacity(this.alternativeSum, size, Float32Array);
    this.alternativeParts = ensureCapacity(this.alternativeParts, size, Uint8Array);
    this.matched = ensureCapacity(this.matched, size, Uint8Array);
    this.touched = ensureCapacity(this.touched, size, Int32Array);
    this.groupTouched = ensureCapacity(this.groupTouched, size, Int32Array);
    this.alternativeTouched = ensureCapacity(this.alternativeTouched, size, Int32Array);
  }
}
