import type { Item } from '../core/entities.js';
import { yieldToEventLoop } from '../core/yield.js';
import { type Analyzer, createAnalyzer } from '../text/analyzer.js';
import { arrayOf, packArrays, unpackArrays } from '../text/binary-codec.js';
import { loadCedict, loadCedictInSlices } from '../text/cedict.js';
import { normalizeText } from '../text/normalize.js';
import { GroupScorer } from '../text/group-scorer.js';
import { InvertedIndex } from '../text/inverted-index.js';
import { ProximityScorer } from '../text/proximity.js';
import { SynonymTable } from '../text/synonyms.js';
import { TermLexicon } from '../text/term-lexicon.js';
import { type Translation, TranslationTable } from '../text/translation-table.js';
import { fieldSpecs, hanBigrams, itemFieldTexts } from './item-text.js';
import type { SearchConfig } from './search-config.js';

/**
 * The lexical side of search: the BM25F inverted index over item fields, its vocabulary (prefixes,
 * typos, pinyin), the zh ↔ en translation table and the operator's synonyms, all analysed with one
 * analyzer so items and queries meet.
 */
export class LexicalIndex {
  readonly analyzer: Analyzer;
  readonly scorer: GroupScorer;
  /** Query words standing together in a document (re-scores what `scorer` matched). */
  readonly proximity: ProximityScorer;
  readonly synonyms: SynonymTable;
  private translations: TranslationTable;
  /** Terms the translation table was built for; more terms since then → rebuild it on compaction. */
  private translatedTerms: number;
  private readonly skipAttributes: ReadonlySet<string>;
  /** How each word term was first written in the catalogue (lower-cased, unstemmed): for suggestions. */
  private surfaceOf = new Map<string, string>();

  private constructor(
    readonly config: SearchConfig,
    readonly index: InvertedIndex,
    readonly lexicon: TermLexicon,
    translations: TranslationTable,
    translatedTerms: number,
  ) {
    this.analyzer = createAnalyzer({ stopWords: config.stopWords, customWords: config.customWords });
    this.scorer = new GroupScorer(index);
    this.proximity = new ProximityScorer(index);
    this.synonyms = SynonymTable.build(config.synonyms.groups, this.analyzer);
    this.translations = translations;
    this.translatedTerms = translatedTerms;
    this.skipAttributes = new Set(config.skipAttributes);
  }

  static create(config: SearchConfig): LexicalIndex {
    const index = new InvertedIndex({
      fields: fieldSpecs(config),
      k1: config.bm25.k1,
      combination: config.bm25.fieldCombination,
      delta: config.bm25.delta,
    });
    return new LexicalIndex(config, index, new TermLexicon(), TranslationTable.empty(), 0);
  }

  get translationTable(): TranslationTable {
    return this.translations;
  }

  /**
   * Analyses and writes an item under its document number. With `bulk`, postings wait for
   * `compact()` (a full build compacts once at the end).
   */
  setItem(doc: number, item: Item, bulk = false): void {
    const texts = itemFieldTexts(item, this.skipAttributes);
    const bigramField = texts.length - 1;
    const fieldTerms = texts.map((text, field) => {
      const terms: string[] = [];
      if (text.length === 0) return terms;
      if (field === bigramField) return hanBigrams(normalizeText(text));
      for (const word of this.analyzer.analyze(text, 'index')) {
        terms.push(word.term);
        // The word as written too (plural, when stemmed): a query typed the same way ranks it first.
        if (word.surface !== word.term && word.script === 'latin') terms.push(word.surface);
        for (const part of word.parts) terms.push(part);
        if (!this.surfaceOf.has(word.term)) this.surfaceOf.set(word.term, word.surface);
      }
      return terms;
    });
    this.index.setDocument(doc, fieldTerms, bulk);
    this.lexicon.update(this.index.allTerms());
  }

  removeDoc(doc: number): void {
    this.index.removeDocument(doc);
  }

  /**
   * Rebuilds the postings' CSR segment and, when the vocabulary grew, the translation table
   * (reading CC-CEDICT again, about half a second).
   */
  compact(): void {
    this.index.compact();
    if (this.translationsStale()) {
      this.translations = TranslationTable.build(
        loadCedict(),
        this.analyzer,
        (term) => this.index.termId(term),
        (termId) => this.index.documentFrequency(termId),
      );
      this.translatedTerms = this.index.termCount;
    }
  }

  /** Compacts when enough postings wait in the delta that scanning them costs more than a rebuild. */
  async maybeCompact(): Promise<boolean> {
    const pending = this.index.pendingPostings;
    if (pending <= 50_000 && (pending <= 2000 || pending <= this.index.documentCount)) return false;
    await this.compactInSlices();
    return true;
  }

  /**
   * `compact` on a serving thread (a refresh, a save): the postings and the translation table are
   * rebuilt in slices, and searches meanwhile use the ones before. Nothing to do when nothing was
   * written since the last compaction.
   */
  async compactInSlices(): Promise<void> {
    if (this.index.uncompacted) await this.index.compactInSlices();
    if (!this.translationsStale()) return;
    await yieldToEventLoop();
    const termCount = this.index.termCount;
    const translations = await TranslationTable.buildInSlices(
      await loadCedictInSlices(),
      this.analyzer,
      (term) => this.index.termId(term),
      (termId) => this.index.documentFrequency(termId),
    );
    // Terms added meanwhile (none under a refresh's turn) wait for the next compaction.
    this.translations = translations;
    this.translatedTerms = termCount;
  }

  private translationsStale(): boolean {
    return this.config.translation.enabled && this.index.termCount !== this.translatedTerms;
  }

  /** Index terms with the form they were written in (lower-cased, not stemmed). */
  surfaces(): IterableIterator<[string, string]> {
    return this.surfaceOf.entries();
  }

  /** English index terms for a Chinese query word. */
  fromChinese(word: string): readonly Translation[] {
    return this.translations.fromChinese(word);
  }

  /** Chinese index terms for English query terms (joined by spaces for a phrase). */
  fromEnglish(terms: string): readonly Translation[] {
    return this.translations.fromEnglish(terms);
  }

  encode(): Uint8Array {
    const index = this.index.encode();
    const lexicon = this.lexicon.encode();
    return packArrays(
      {
        translations: this.translations.toJSON(),
        translatedTerms: this.translatedTerms,
        surfaces: [...this.surfaceOf],
      },
      { index, lexicon },
    );
  }

  static decode(bytes: Uint8Array, config: SearchConfig): LexicalIndex {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as {
      translations: Parameters<typeof TranslationTable.fromJSON>[0];
      translatedTerms: number;
      surfaces: [string, string][];
    };
    const index = InvertedIndex.decode(arrayOf(arrays, 'index', 'Uint8Array'));
    const lexicon = TermLexicon.decode(arrayOf(arrays, 'lexicon', 'Uint8Array'), index.allTerms());
    const lexical = new LexicalIndex(
      config,
      index,
      lexicon,
      TranslationTable.fromJSON(meta.translations),
      meta.translatedTerms,
    );
    lexical.surfaceOf = new Map(meta.surfaces);
    return lexical;
  }
}
