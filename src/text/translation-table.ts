import type { Analyzer } from './analyzer.js';
import type { CedictEntry } from './cedict.js';
import { runSteps, runStepsInSlices } from '../core/yield.js';

/** One translation of a word into index terms: all of `termIds` together stand for it. */
export interface Translation {
  termIds: number[];
  /** 1 for a full gloss; less for the head word of a longer gloss ("charger" of "battery charger"). */
  weight: number;
  /** The dictionary text, for explanations ("battery charger", "充电器"). */
  gloss: string;
}

export interface TranslationTableOptions {
  /** Weight of a gloss's head word standing for the whole gloss. */
  headWordWeight: number;
  /** Most translations kept per word (the most frequent in the catalogue first). */
  maxPerWord: number;
}

const defaults: TranslationTableOptions = { headWordWeight: 0.6, maxPerWord: 12 };

/**
 * zh ↔ en term expansion from CC-CEDICT, restricted to what the catalogue holds: Chinese words map to
 * the English index terms of their glosses (充电器 → battery + charger), English words and phrases map
 * to the Chinese index terms whose gloss they are ("t-shirt" → t恤, "charger" → 充电器 through the head
 * of "battery charger"). Built when the index is built or compacted, from the index's vocabulary.
 */
export class TranslationTable {
  private constructor(
    private readonly zhToEn: Map<string, Translation[]>,
    private readonly enToZh: Map<string, Translation[]>,
  ) {}

  /**
   * @param termId the index's term id of a term, -1 when absent
   * @param documentFrequency ranks translations when a word has more than `maxPerWord`
   */
  static build(
    entries: readonly CedictEntry[],
    analyzer: Analyzer,
    termId: (term: string) => number,
    documentFrequency: (termId: number) => number,
    options: Partial<TranslationTableOptions> = {},
  ): TranslationTable {
    return runSteps(TranslationTable.steps(entries, analyzer, termId, documentFrequency, options));
  }

  /**
   * `build`, pausing for the event loop every few milliseconds: a serving thread rebuilds the table
   * when a refresh compacts the index, and the whole dictionary takes 0.7–1.2 s on 100,000 items.
   * The terms and their frequencies must not change until it resolves.
   */
  static buildInSlices(
    entries: readonly CedictEntry[],
    analyzer: Analyzer,
    termId: (term: string) => number,
    documentFrequency: (termId: number) => number,
    options: Partial<TranslationTableOptions> = {},
  ): Promise<TranslationTable> {
    return runStepsInSlices(TranslationTable.steps(entries, analyzer, termId, documentFrequency, options));
  }

  /** The build, stopping after every 256 dictionary entries and every 4,096 ranked keys. */
  private static *steps(
    entries: readonly CedictEntry[],
    analyzer: Analyzer,
    termId: (term: string) => number,
    documentFrequency: (termId: number) => number,
    options: Partial<TranslationTableOptions>,
  ): Generator<void, TranslationTable> {
    const { headWordWeight, maxPerWord } = { ...defaults, ...options };
    const zhToEn = new Map<string, Translation[]>();
    const enToZh = new Map<string, Translation[]>();
    const glossTerms = new Map<string, string[]>();
    let done = 0;
    for (const entry of entries) {
      if (++done % 256 === 0) yield;
      const zhKey = entry.simplified.toLowerCase();
      const zhIds = chineseTermIds(zhKey, analyzer, termId);
      for (const gloss of entry.glosses) {
        let terms = glossTerms.get(gloss);
        if (!terms) {
          terms = analyzer.analyze(gloss, 'query').map((word) => word.term);
          glossTerms.set(gloss, terms);
        }
        if (terms.length === 0) continue;
        const ids = terms.map(termId);
        if (ids.every((id) => id >= 0)) add(zhToEn, zhKey, { termIds: ids, weight: 1, gloss });
        // The head of a longer gloss stands for it, weighted lower: 连衣裙 ("one-piece dress") → dress.
        const headId = ids.at(-1)!;
        if (terms.length > 1 && headId >= 0) {
          add(zhToEn, zhKey, { termIds: [headId], weight: headWordWeight, gloss });
        }
        if (zhIds) {
          add(enToZh, terms.join(' '), { termIds: zhIds, weight: 1, gloss: entry.simplified });
          if (terms.length > 1) {
            add(enToZh, terms.at(-1)!, { termIds: zhIds, weight: headWordWeight, gloss: entry.simplified });
          }
        }
      }
    }
    const rank = (translation: Translation) =>
      translation.weight * 1e9 + Math.min(...translation.termIds.map(documentFrequency));
    for (const map of [zhToEn, enToZh]) {
      for (const [key, list] of map) {
        if (++done % 4096 === 0) yield;
        map.set(
          key,
          dedupe(list)
            .sort((a, b) => rank(b) - rank(a))
            .slice(0, maxPerWord),
        );
      }
    }
    return new TranslationTable(zhToEn, enToZh);
  }

  /** English index terms for a Chinese word (its simplified, lower-cased form). */
  fromChinese(word: string): readonly Translation[] {
    return this.zhToEn.get(word) ?? [];
  }

  /** Chinese index terms for English terms (one word, or a phrase of terms joined by a space). */
  fromEnglish(terms: string): readonly Translation[] {
    return this.enToZh.get(terms) ?? [];
  }

  get size(): { zhToEn: number; enToZh: number } {
    return { zhToEn: this.zhToEn.size, enToZh: this.enToZh.size };
  }

  /** A JSON-ready form for the index artifact. */
  toJSON(): { zhToEn: [string, Translation[]][]; enToZh: [string, Translation[]][] } {
    return { zhToEn: [...this.zhToEn], enToZh: [...this.enToZh] };
  }

  static fromJSON(json: {
    zhToEn: [string, Translation[]][];
    enToZh: [string, Translation[]][];
  }): TranslationTable {
    return new TranslationTable(new Map(json.zhToEn), new Map(json.enToZh));
  }

  /** A table with no translations (cross-language expansion switched off). */
  static empty(): TranslationTable {
    return new TranslationTable(new Map(), new Map());
  }
}

/**
 * The index terms of a Chinese headword: the word itself when the catalogue holds it as one term,
 * else its segmenter pieces when the catalogue holds all of them (充电线 → 充电 + 线), else none.
 */
function chineseTermIds(
  word: string,
  analyzer: Analyzer,
  termId: (term: string) => number,
): number[] | undefined {
  const whole = termId(word);
  if (whole >= 0) return [whole];
  const pieces = analyzer.analyze(word, 'query').map((piece) => termId(piece.term));
  return pieces.length > 1 && pieces.every((id) => id >= 0) ? pieces : undefined;
}

function add(map: Map<string, Translation[]>, key: string, translation: Translation): void {
  const list = map.get(key);
  if (list) list.push(translation);
  else map.set(key, [translation]);
}

/** One translation per distinct term set, keeping the highest weight. */
function dedupe(list: Translation[]): Translation[] {
  const best = new Map<string, Translation>();
  for (const translation of list) {
    const key = translation.termIds.join(',');
    const seen = best.get(key);
    if (!seen || seen.weight < translation.weight) best.set(key, translation);
  }
  return [...best.values()];
}
