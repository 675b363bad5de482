import { arrayOf, packArrays, unpackArrays } from './binary-codec.js';
import { allowedTypos, boundedDamerau, createDamerauScratch } from './damerau.js';
import { hasHan } from './normalize.js';
import { pinyinKeys, pinyinSpellings } from './pinyin.js';

/** A term found for a typed word, and how far it is from it. */
export interface TypoCandidate {
  termId: number;
  typos: number;
}

export interface TypoRules {
  /** Fewest letters for one typo (Meilisearch: 5). */
  oneTypoFrom: number;
  /** Fewest letters for two typos (Meilisearch: 9). */
  twoTyposFrom: number;
}

const LATIN_TERM = /^[a-z0-9][a-z0-9.]*$/;
const MAX_PINYIN_KEY = 24;

/**
 * The vocabulary side of the lexical index: finds terms by prefix (autocomplete), by typo
 * (Damerau–Levenshtein on Latin terms, first letter fixed), and Chinese terms by their pinyin
 * (full or initials, and a long pinyin string cut into several words). Fed with the index's terms in
 * id order; new terms are added as the catalogue grows.
 */
export class TermLexicon {
  private terms: string[] = [];
  /** Latin term ids bucketed by first letter, for typo search. */
  private readonly latinByFirst = new Map<string, number[]>();
  private readonly pinyinFull = new Map<string, number[]>();
  private readonly pinyinInitials = new Map<string, number[]>();
  /** Full-pinyin keys of words of two or more syllables: the pieces a long pinyin string is cut into. */
  private readonly multiSyllable = new Set<string>();
  private sorted: Int32Array | undefined;
  private readonly scratch = createDamerauScratch(64);

  /** Adds the terms with ids from the current size up to `terms.length - 1`. */
  update(terms: readonly string[]): void {
    for (let id = this.terms.length; id < terms.length; id++) this.add(id, terms[id]!);
  }

  get size(): number {
    return this.terms.length;
  }

  /**
   * Term ids starting with `prefix`, at most `limit`, ranked by `rank` (higher first; document
   * frequency in practice), the whole term excluded.
   */
  prefix(prefix: string, limit: number, rank: (termId: number) => number): number[] {
    if (prefix.length === 0) return [];
    const sorted = this.sortedIds();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.terms[sorted[middle]!]! < prefix) low = middle + 1;
      else high = middle;
    }
    const found: number[] = [];
    for (let i = low; i < sorted.length; i++) {
      const id = sorted[i]!;
      const term = this.terms[id]!;
      if (!term.startsWith(prefix)) break;
      if (term !== prefix && !term.includes(':')) found.push(id);
      // Long ranges (a one-letter prefix) are cut: ranking them all costs more than it helps.
      if (found.length >= limit * 20) break;
    }
    return found.sort((a, b) => rank(b) - rank(a)).slice(0, limit);
  }

  /**
   * Latin terms within the typos the rules allow for a word of this length, first letter fixed
   * (a typo on the first letter is rare and costly to search, as Meilisearch counts it double).
   */
  typoCandidates(word: string, rules: TypoRules, surfaceLength = word.length): TypoCandidate[] {
    const bound = allowedTypos(surfaceLength, rules.oneTypoFrom, rules.twoTyposFrom);
    if (bound === 0 || word.length === 0) return [];
    const bucket = this.latinByFirst.get(word[0]!);
    if (!bucket) return [];
    const found: TypoCandidate[] = [];
    for (const id of bucket) {
      const term = this.terms[id]!;
      if (Math.abs(term.length - word.length) > bound || term === word) continue;
      const typos = boundedDamerau(word, term, bound, this.scratch);
      if (typos <= bound) found.push({ termId: id, typos });
    }
    return found;
  }

  /** Chinese terms whose full pinyin is `key` (红色 for "hongse", also "luse" for 绿色). */
  byPinyin(key: string): readonly number[] {
    return this.pinyinFull.get(key) ?? [];
  }

  /** Chinese terms of two or more syllables whose initials are `key` (红色 for "hs"). */
  byInitials(key: string): readonly number[] {
    return this.pinyinInitials.get(key) ?? [];
  }

  /**
   * Cuts a run of letters typed as pinyin into known words of two or more syllables, fewest pieces
   * first ("hongsechunmian" → "hongse", "chunmian"); undefined when no cut covers it all. Single
   * syllables are left out: each reads as dozens of characters.
   */
  segmentPinyin(text: string): string[] | undefined {
    const n = text.length;
    if (n === 0 || n > 64) return undefined;
    const pieces = new Int32Array(n + 1).fill(1 << 30);
    const from = new Int32Array(n + 1).fill(-1);
    pieces[0] = 0;
    for (let end = 1; end <= n; end++) {
      for (let start = Math.max(0, end - MAX_PINYIN_KEY); start < end; start++) {
        if (pieces[start]! === 1 << 30) continue;
        if (!this.multiSyllable.has(text.slice(start, end))) continue;
        if (pieces[start]! + 1 < pieces[end]!) {
          pieces[end] = pieces[start]! + 1;
          from[end] = start;
        }
      }
    }
    if (from[n] === -1) return undefined;
    const result: string[] = [];
    for (let end = n; end > 0; end = from[end]!) result.push(text.slice(from[end]!, end));
    return result.reverse();
  }

  /** Serialises the pinyin maps (the typo buckets and the sort order are cheap to rebuild). */
  encode(): Uint8Array {
    const encodeMap = (map: Map<string, number[]>) => {
      const keys = [...map.keys()];
      const offsets = new Int32Array(keys.length + 1);
      const ids: number[] = [];
      keys.forEach((key, i) => {
        ids.push(...map.get(key)!);
        offsets[i + 1] = ids.length;
      });
      return { keys, offsets, ids: Int32Array.from(ids) };
    };
    const full = encodeMap(this.pinyinFull);
    const initials = encodeMap(this.pinyinInitials);
    return packArrays(
      {
        fullKeys: full.keys,
        initialKeys: initials.keys,
        multiSyllable: [...this.multiSyllable],
        size: this.terms.length,
      },
      {
        fullOffsets: full.offsets,
        fullIds: full.ids,
        initialOffsets: initials.offsets,
        initialIds: initials.ids,
      },
    );
  }

  /** Reads what `encode` wrote, for the given terms (the index's, in id order). */
  static decode(bytes: Uint8Array, terms: readonly string[]): TermLexicon {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as {
      fullKeys: string[];
      initialKeys: string[];
      multiSyllable: string[];
      size: number;
    };
    const lexicon = new TermLexicon();
    for (const key of meta.multiSyllable) lexicon.multiSyllable.add(key);
    const decodeMap = (map: Map<string, number[]>, keys: string[], offsets: Int32Array, ids: Int32Array) => {
      keys.forEach((key, i) => map.set(key, Array.from(ids.subarray(offsets[i]!, offsets[i + 1]!))));
    };
    decodeMap(
      lexicon.pinyinFull,
      meta.fullKeys,
      arrayOf(arrays, 'fullOffsets', 'Int32Array'),
      arrayOf(arrays, 'fullIds', 'Int32Array'),
    );
    decodeMap(
      lexicon.pinyinInitials,
      meta.initialKeys,
      arrayOf(arrays, 'initialOffsets', 'Int32Array'),
      arrayOf(arrays, 'initialIds', 'Int32Array'),
    );
    for (let id = 0; id < meta.size && id < terms.length; id++) {
      lexicon.terms.push(terms[id]!);
      lexicon.addLatin(id, terms[id]!);
    }
    lexicon.update(terms);
    return lexicon;
  }

  private add(id: number, term: string): void {
    this.terms.push(term);
    this.sorted = undefined;
    // Derived terms ("2:xy" character pairs) are matched only on purpose, never by pinyin or prefix.
    if (term.includes(':')) return;
    if (this.addLatin(id, term)) return;
    if (!hasHan(term)) return;
    const keys = pinyinKeys(term);
    if (!keys) return;
    for (const spelling of pinyinSpellings(keys.full)) {
      push(this.pinyinFull, spelling, id);
      if (keys.syllables.length >= 2) this.multiSyllable.add(spelling);
    }
    if (keys.syllables.length >= 2) push(this.pinyinInitials, keys.initials, id);
  }

  private addLatin(id: number, term: string): boolean {
    if (!LATIN_TERM.test(term)) return false;
    this.sorted = undefined;
    // Typo search only pays off for words that may carry a typo at all.
    if (term.length >= 4) push(this.latinByFirst, term[0]!, id);
    return true;
  }

  private sortedIds(): Int32Array {
    if (!this.sorted) {
      const ids = Int32Array.from({ length: this.terms.length }, (_, i) => i);
      const terms = this.terms;
      this.sorted = Int32Array.from(
        [...ids].sort((a, b) => (terms[a]! < terms[b]! ? -1 : terms[a]! > terms[b]! ? 1 : 0)),
      );
    }
    return this.sorted;
  }
}

function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
