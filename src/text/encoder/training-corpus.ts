import { type Rng, createRng } from '../../core/rng.js';
import type { Analyzer } from '../analyzer.js';
import type { CedictEntry } from '../cedict.js';
import { Float32List, Int32List } from '../growable.js';
import { hasHan } from '../normalize.js';
import { pinyinKeys } from '../pinyin.js';
import type { SgnsCorpus } from './sgns.js';
import { subwordUnits, unitWeights } from './subword-units.js';

/** The shop's text and behaviour the encoder learns from. */
export interface EncoderTrainingInput {
  /** One text per item (title, brand, leaf category). */
  itemTexts: readonly string[];
  /** Other text: descriptions, category paths, past search queries. */
  extraTexts: readonly string[];
  /** Items interacted with together (same session or shortly after each other), as `itemTexts` indexes. */
  coInteractions: readonly (readonly [number, number])[];
  /** A query and an item clicked or bought after it. */
  queryClicks: readonly (readonly [string, number])[];
}

export interface CorpusOptions {
  seed: number;
  /** Add copies of Chinese sentences with some words written in pinyin. */
  pinyinCopies: boolean;
  /** CC-CEDICT, to add code-switched copies of sentences (some words replaced by a translation). */
  dictionary?: readonly CedictEntry[];
  /** Fewest occurrences for a word or n-gram to get its own vector (characters always get one). */
  minUnitCount: number;
  /** word2vec's subsampling threshold. */
  subsample: number;
  /** Most words per sentence; longer texts are cut into pieces. */
  maxSentenceWords: number;
}

/** A built corpus: the word and unit vocabularies and the typed arrays the trainer reads. */
export interface BuiltCorpus {
  words: string[];
  wordCounts: Float64Array;
  units: string[];
  corpus: SgnsCorpus;
  sentences: number;
}

const defaults: CorpusOptions = {
  seed: 1,
  pinyinCopies: true,
  minUnitCount: 2,
  subsample: 1e-4,
  maxSentenceWords: 24,
};

const NEGATIVE_TABLE_SIZE = 1 << 20;

/**
 * Turns the shop's text into skip-gram training sentences: each item's words; co-interacted items'
 * words together (so items bought together pull their vocabularies together, in any language);
 * each query with the items clicked after it; extra text and past queries. Chinese sentences get a
 * copy with some words in pinyin, and — given CC-CEDICT — a code-switched copy with some words
 * replaced by a translation (红色 → red, charger → 充电器), which aligns the two languages in one space.
 */
export function buildTrainingCorpus(
  input: EncoderTrainingInput,
  analyzer: Analyzer,
  options: Partial<CorpusOptions> = {},
): BuiltCorpus {
  const settings = { ...defaults, ...options };
  const rng = createRng(settings.seed);
  const wordIds = new Map<string, number>();
  const words: string[] = [];
  const counts: number[] = [];
  const offsets = new Int32List(1024);
  const tokens = new Int32List(1 << 16);
  offsets.push(0);
  const intern = (word: string) => {
    let id = wordIds.get(word);
    if (id === undefined) {
      id = words.length;
      wordIds.set(word, id);
      words.push(word);
      counts.push(0);
    }
    return id;
  };
  const addSentence = (terms: readonly string[]) => {
    for (let start = 0; start < terms.length; start += settings.maxSentenceWords) {
      const piece = terms.slice(start, start + settings.maxSentenceWords);
      if (piece.length < 2) continue;
      for (const term of piece) {
        const id = intern(term);
        counts[id]! += 1;
        tokens.push(id);
      }
      offsets.push(tokens.length);
    }
  };
  const termsOf = (text: string) => analyzer.analyze(text, 'query').map((word) => word.term);

  const itemTerms = input.itemTexts.map(termsOf);
  const translate = settings.dictionary
    ? createTranslator(settings.dictionary, analyzer, itemTerms, termsOf)
    : undefined;
  const pinyinOf = createPinyinTerms(termsOf);
  for (const terms of itemTerms) {
    addSentence(terms);
    if (settings.pinyinCopies && terms.some(hasHan)) addSentence(replaceSome(terms, rng, pinyinOf));
    if (translate) {
      const switched = replaceSome(terms, rng, translate);
      if (switched.join(' ') !== terms.join(' ')) addSentence(switched);
    }
  }
  for (const text of input.extraTexts) addSentence(termsOf(text));
  for (const [a, b] of input.coInteractions) {
    const left = itemTerms[a];
    const right = itemTerms[b];
    if (left && right) addSentence([...left.slice(0, 12), ...right.slice(0, 12)]);
  }
  for (const [query, item] of input.queryClicks) {
    const terms = itemTerms[item];
    if (terms) addSentence([...termsOf(query), ...terms.slice(0, 16)]);
  }

  const wordCounts = Float64Array.from(counts);
  const { units, wordUnitOffsets, wordUnits, wordUnitWeights } = buildUnits(
    words,
    wordCounts,
    settings.minUnitCount,
  );
  return {
    words,
    wordCounts,
    units,
    sentences: offsets.length - 1,
    corpus: {
      sentenceOffsets: offsets.toArray(),
      sentenceWords: tokens.toArray(),
      wordUnitOffsets,
      wordUnits,
      wordUnitWeights,
      // A small shop's words are all "frequent" by word2vec's absolute threshold: scale it up so
      // subsampling only thins words far more common than the average.
      keepProbability: keepProbabilities(
        wordCounts,
        Math.max(settings.subsample, 20 / Math.max(tokens.length, 1)),
      ),
      negativeTable: negativeTable(wordCounts),
    },
  };
}

/** Replaces each replaceable word with probability ½ (a multi-word replacement is spliced in). */
function replaceSome(
  terms: readonly string[],
  rng: Rng,
  replacement: (term: string, rng: Rng) => readonly string[] | undefined,
): string[] {
  const out: string[] = [];
  for (const term of terms) {
    const replaced = rng.next() < 0.5 ? replacement(term, rng) : undefined;
    if (replaced && replaced.length > 0) out.push(...replaced);
    else out.push(term);
  }
  return out;
}

function createPinyinTerms(termsOf: (text: string) => string[]): (term: string) => string[] | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (term) => {
    if (!hasHan(term)) return undefined;
    if (!cache.has(term)) {
      const keys = pinyinKeys(term);
      cache.set(term, keys ? termsOf(keys.full) : undefined);
    }
    return cache.get(term);
  };
}

/**
 * zh → en (one of a word's first two glosses) and en → zh (a word whose gloss is this one English
 * word), for the words of the corpus only.
 */
function createTranslator(
  dictionary: readonly CedictEntry[],
  analyzer: Analyzer,
  itemTerms: readonly string[][],
  termsOf: (text: string) => string[],
): (term: string, rng: Rng) => readonly string[] | undefined {
  const vocabulary = new Set(itemTerms.flat());
  const zhToEn = new Map<string, string[][]>();
  const enToZh = new Map<string, string[]>();
  for (const entry of dictionary) {
    const zh = entry.simplified.toLowerCase();
    const inVocabulary = vocabulary.has(zh);
    for (const [index, gloss] of entry.glosses.entries()) {
      // Most glosses are needed only when their word is in the shop's vocabulary.
      const singleWord = !gloss.includes(' ');
      if (!inVocabulary && !singleWord) continue;
      const terms = termsOf(gloss);
      if (terms.length === 0) continue;
      if (inVocabulary && index < 2) {
        const list = zhToEn.get(zh) ?? [];
        list.push(terms);
        zhToEn.set(zh, list);
      }
      if (terms.length === 1 && vocabulary.has(terms[0]!) && hasHan(zh) && zh.length <= 4) {
        const list = enToZh.get(terms[0]!) ?? [];
        if (list.length < 3 && !list.includes(zh)) list.push(analyzer.analyze(zh, 'query')[0]?.term ?? zh);
        enToZh.set(terms[0]!, list);
      }
    }
  }
  return (term, rng) => {
    const english = zhToEn.get(term);
    if (english) return rng.pick(english);
    const chinese = enToZh.get(term);
    return chinese ? [rng.pick(chinese)] : undefined;
  };
}

function buildUnits(
  words: readonly string[],
  wordCounts: Float64Array,
  minUnitCount: number,
): { units: string[]; wordUnitOffsets: Int32Array; wordUnits: Int32Array; wordUnitWeights: Float32Array } {
  const unitCounts = new Map<string, number>();
  const unitsOfWord = words.map((word, id) => {
    const units = subwordUnits(word);
    for (const unit of units) unitCounts.set(unit, (unitCounts.get(unit) ?? 0) + wordCounts[id]!);
    return units;
  });
  const unitIds = new Map<string, number>();
  const units: string[] = [];
  const offsets = new Int32Array(words.length + 1);
  const list = new Int32List(words.length * 8);
  const weights = new Float32List(words.length * 8);
  const scratch = new Float32Array(64);
  unitsOfWord.forEach((candidates, id) => {
    let hasWordUnit = false;
    for (const unit of candidates) {
      const keep = unit.startsWith('c:') || (unitCounts.get(unit) ?? 0) >= minUnitCount;
      if (!keep) continue;
      let unitId = unitIds.get(unit);
      if (unitId === undefined) {
        unitId = units.length;
        unitIds.set(unit, unitId);
        units.push(unit);
      }
      if (unit.startsWith('w:')) hasWordUnit = true;
      list.push(unitId);
    }
    const count = list.length - offsets[id]!;
    const unitScratch = count <= scratch.length ? scratch : new Float32Array(count);
    unitWeights(hasWordUnit, count, unitScratch);
    for (let i = 0; i < count; i++) weights.push(unitScratch[i]!);
    offsets[id + 1] = list.length;
  });
  return { units, wordUnitOffsets: offsets, wordUnits: list.toArray(), wordUnitWeights: weights.toArray() };
}

/** word2vec's keep probability: min(1, √(t / f) + t / f) for a word of relative frequency f. */
function keepProbabilities(counts: Float64Array, threshold: number): Float32Array {
  let total = 0;
  for (const count of counts) total += count;
  const keep = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const ratio = threshold / (counts[i]! / Math.max(total, 1));
    keep[i] = Math.min(1, Math.sqrt(ratio) + ratio);
  }
  return keep;
}

/** Word ids repeated in proportion to count^0.75 (Mikolov et al.'s noise distribution). */
function negativeTable(counts: Float64Array): Int32Array {
  const table = new Int32Array(NEGATIVE_TABLE_SIZE);
  if (counts.length === 0) return table;
  let total = 0;
  for (const count of counts) total += count ** 0.75;
  let word = 0;
  let cumulative = counts[0]! ** 0.75 / total;
  for (let i = 0; i < NEGATIVE_TABLE_SIZE; i++) {
    table[i] = word;
    if (i / NEGATIVE_TABLE_SIZE > cumulative && word < counts.length - 1) {
      word++;
      cumulative += counts[word]! ** 0.75 / total;
    }
  }
  return table;
}
