import { type ChineseSegmenter, getChineseSegmenter } from './chinese-segmenter.js';
import { tokenizeLatin } from './latin-tokenizer.js';
import { hasHan, normalizeText } from './normalize.js';
import { lightStem } from './stem.js';
import { createStopWords } from './stopwords.js';

/** A word of analysed text: its index term, how it was typed, and its sub-terms. */
export interface AnalyzedWord {
  /** The index term: lower-cased, accent-folded, stemmed (Latin) or a jieba word (Chinese). */
  term: string;
  /** As typed after normalisation, lower-cased but not stemmed: what typo and pinyin matching compare. */
  surface: string;
  script: 'han' | 'latin';
  /** Terms of the word's pieces (t-shirt → t, shirt; iphone15 → iphone, 15; 中华人民共和国 → 中华, 人民 …). */
  parts: string[];
}

export interface AnalyzerOptions {
  /** Extra stop words (lower-case). */
  stopWords?: readonly string[];
  /** Words the Chinese segmenter must keep whole (brands, product names). */
  customWords?: readonly string[];
}

/** Turns text into words, the same way for catalogue fields and queries. */
export interface Analyzer {
  /**
   * Items: jieba search-mode cuts, so every dictionary word inside a long word is a term of its own.
   * Queries (`mode: 'query'`): the best segmentation, one word per thing the shopper typed, with the
   * search-mode pieces of a long word as its `parts`.
   */
  analyze(text: string, mode?: 'index' | 'query'): AnalyzedWord[];
  /** Every term of a text for indexing: words and their parts, in order. */
  indexTerms(text: string): string[];
  readonly stopWords: ReadonlySet<string>;
  readonly segmenter: ChineseSegmenter;
}

/**
 * The text pipeline: normalise (NFKC, traditional → simplified, invisible characters), segment Chinese
 * runs with jieba, split Latin runs into folded words, stem Latin words lightly, drop stop words.
 * Mixed titles such as "Apple 苹果 iPhone15 充电线 20W" give apple, 苹果, iphone15 (iphone, 15),
 * 充电, 线, 20w (20).
 *
 * @example
 * const analyzer = createAnalyzer();
 * analyzer.indexTerms('紅色純棉T恤'); // ['红色', '纯棉', 't恤']
 */
export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const stopWords = createStopWords(options.stopWords);
  const segmenter = getChineseSegmenter(options.customWords);

  const analyze = (text: string, mode: 'index' | 'query' = 'index'): AnalyzedWord[] => {
    const normalized = normalizeText(text);
    if (normalized.length === 0) return [];
    const words: AnalyzedWord[] = [];
    if (!hasHan(normalized)) {
      pushLatin(words, normalized, stopWords);
      return words;
    }
    const pieces = mode === 'index' ? segmenter.cutForSearch(normalized) : segmenter.cut(normalized);
    for (const piece of pieces) {
      if (hasHan(piece)) {
        const term = piece.toLowerCase().replace(/\s+/g, '');
        if (term.length === 0 || stopWords.has(term)) continue;
        const parts =
          mode === 'query' && term.length >= 3
            ? segmenter
                .cutForSearch(term)
                .filter((part) => part !== term && part.length > 1 && hasHan(part))
                .map((part) => part.toLowerCase())
            : [];
        words.push({ term, surface: term, script: 'han', parts });
      } else pushLatin(words, piece, stopWords);
    }
    return words;
  };

  return {
    analyze,
    indexTerms: (text) => {
      const terms: string[] = [];
      for (const word of analyze(text, 'index')) {
        terms.push(word.term);
        for (const part of word.parts) terms.push(part);
      }
      return terms;
    },
    stopWords,
    segmenter,
  };
}

function pushLatin(words: AnalyzedWord[], text: string, stopWords: ReadonlySet<string>): void {
  for (const { word, parts } of tokenizeLatin(text)) {
    if (stopWords.has(word)) continue;
    const term = lightStem(word);
    words.push({
      term,
      surface: word,
      script: 'latin',
      parts: parts.filter((part) => !stopWords.has(part)).map(lightStem),
    });
  }
}
