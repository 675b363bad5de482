import type { AnalyzedWord } from '../text/analyzer.js';
import type { Alternative, MatchKind, QueryGroup } from '../text/group-scorer.js';
import { pinyinKeys } from '../text/pinyin.js';
import { hanBigrams } from './item-text.js';
import type { LexicalIndex } from './lexical-index.js';

/** A parsed query: its analysed words and, per word, every way to match it. */
export interface QueryPlan {
  text: string;
  words: AnalyzedWord[];
  groups: QueryGroup[];
}

export interface PlanOptions {
  /** The last word is still being typed: expand it as a prefix (default: when the text does not end in a space). */
  prefixLast?: boolean;
}

const MAX_TYPO_ALTERNATIVES = 12;
/** Weight of another inflection of the typed word (same stem). */
const STEM_WEIGHT = 0.9;
const MAX_PHRASE = 3;
const PINYIN_WORD = /^[a-z]+$/;
/** A typed word of only consonants (and 2–6 of them) reads as pinyin initials ("hs", "ydx"). */
const INITIALS = /^[bcdfghjklmnpqrstwxyz]{2,6}$/;

/**
 * Plans a query: analyses it as the catalogue was analysed, then lists for each word its exact term
 * and the expansions the configuration allows — parts of compound words, typo corrections
 * (Damerau–Levenshtein within Meilisearch's length rules, only for words the catalogue lacks or
 * holds far less often than the correction), prefix completions of the last word, pinyin (full,
 * initials, a long pinyin string cut into words, and Chinese homophones), zh ↔ en dictionary
 * translations and operator synonyms (also of two- and three-word phrases), each with its weight.
 *
 * @example
 * planQuery(lexical, 'hongse txu').groups[0].alternatives[0]; // { termIds: [<红色>], kind: 'pinyin', … }
 */
export function planQuery(lexical: LexicalIndex, text: string, options: PlanOptions = {}): QueryPlan {
  const config = lexical.config;
  const index = lexical.index;
  const words = mergeSingleCharacters(lexical.analyzer.analyze(text, 'query'));
  const prefixLast = options.prefixLast ?? !/\s$/.test(text);
  const groups: QueryGroup[] = words.map((word) => ({ word: word.surface, alternatives: [] }));
  const add = (group: QueryGroup, termIds: number[], weight: number, kind: MatchKind, detail: string) => {
    const ids = [...new Set(termIds)];
    if (ids.length === 0 || ids.some((id) => id < 0) || weight <= 0) return;
    group.alternatives.push({ termIds: ids, weight, kind, detail });
  };

  words.forEach((word, position) => {
    const group = groups[position]!;
    const exactId = index.termId(word.term);
    const exactFrequency = index.documentFrequency(exactId);
    // Meilisearch's "exactness": the word as typed beats its other inflections ("wipes" → Wipes
    // first, then Wipe), which share the stem.
    const surfaceId = word.surface !== word.term ? index.termId(word.surface) : -1;
    if (surfaceId >= 0 && index.documentFrequency(surfaceId) > 0) {
      add(group, [surfaceId], 1, 'exact', word.surface);
      if (exactFrequency > 0) add(group, [exactId], STEM_WEIGHT, 'stem', index.term(exactId));
    } else if (exactFrequency > 0) add(group, [exactId], 1, 'exact', index.term(exactId));
    if (word.parts.length > 0) {
      const weight = word.script === 'han' && word.parts.every((part) => [...part].length === 1) ? 0.3 : 0.8;
      add(
        group,
        word.parts.map((part) => index.termId(part)),
        weight,
        'partial',
        word.parts.join(' '),
      );
    }
    if (word.script === 'han' && [...word.term].length >= 2) {
      const pairs = hanBigrams(word.term).map((pair) => index.termId(pair));
      add(group, pairs, 0.9, 'partial', word.term);
    }
    if (word.script === 'latin') planLatin(lexical, word, group, exactFrequency, add);
    else planHan(lexical, word, group, exactFrequency, add);
    for (const synonym of lexical.synonyms.lookup(word.term)) {
      add(
        group,
        synonym.terms.map((term) => index.termId(term)),
        config.synonyms.weight,
        'synonym',
        synonym.text,
      );
    }
    const isLast = position === words.length - 1;
    if (
      isLast &&
      prefixLast &&
      config.prefix.enabled &&
      [...word.surface].length >= config.prefix.minLength
    ) {
      // When the typed word is itself a word of the catalogue, a completion never outscores it: a
      // rare completion ("bark" for "bar") gets the typed word's idf, not its own.
      const exactIdf = exactFrequency > 0 ? index.idf(exactId) : Infinity;
      for (const termId of lexical.lexicon.prefix(word.surface, config.prefix.maxExpansions, (id) =>
        index.documentFrequency(id),
      )) {
        if (termId === exactId || termId === surfaceId) continue;
        const weight = config.prefix.weight * Math.min(1, exactIdf / index.idf(termId));
        add(group, [termId], weight, 'prefix', index.term(termId));
      }
    }
  });

  planPhrases(lexical, words, groups, add);
  for (const group of groups) group.alternatives = bestPerTermSet(group.alternatives);
  return { text, words, groups };
}

type AddAlternative = (
  group: QueryGroup,
  termIds: number[],
  weight: number,
  kind: MatchKind,
  detail: string,
) => void;

function planLatin(
  lexical: LexicalIndex,
  word: AnalyzedWord,
  group: QueryGroup,
  exactFrequency: number,
  add: AddAlternative,
): void {
  const { config, index, lexicon } = lexical;
  if (config.typo.enabled) {
    // A word the catalogue holds is only corrected towards a far more common word ("shirt" stays).
    const candidates = lexicon
      .typoCandidates(word.term, config.typo, word.surface.length)
      .filter((candidate) => index.documentFrequency(candidate.termId) > Math.max(0, exactFrequency * 5))
      .sort(
        (a, b) => a.typos - b.typos || index.documentFrequency(b.termId) - index.documentFrequency(a.termId),
      )
      .slice(0, MAX_TYPO_ALTERNATIVES);
    for (const candidate of candidates) {
      add(
        group,
        [candidate.termId],
        config.typo.weight ** candidate.typos,
        'typo',
        index.term(candidate.termId),
      );
    }
  }
  if (config.pinyin.enabled && PINYIN_WORD.test(word.surface)) {
    // A Latin word the catalogue holds is read as pinyin only towards far more common Chinese words
    // ("nike" stays Nike rather than 尼克).
    const full = lexicon
      .byPinyin(word.surface)
      .filter((termId) => index.documentFrequency(termId) > exactFrequency * 5);
    for (const termId of full) add(group, [termId], config.pinyin.weight, 'pinyin', word.surface);
    if (full.length === 0 && exactFrequency === 0 && word.surface.length >= 4) {
      const pieces = lexicon.segmentPinyin(word.surface);
      if (pieces && pieces.length > 1 && new Set(pieces).size === pieces.length) {
        const termIds = pieces.map((piece) => mostFrequent(lexical, lexicon.byPinyin(piece)));
        add(group, termIds, config.pinyin.weight, 'pinyin', pieces.join(' '));
      }
    }
    if (exactFrequency === 0 && INITIALS.test(word.surface)) {
      for (const termId of lexicon.byInitials(word.surface)) {
        add(group, [termId], config.pinyin.initialsWeight, 'pinyin', word.surface);
      }
    }
  }
  if (config.translation.enabled) {
    for (const translation of lexical.fromEnglish(word.term)) {
      add(
        group,
        translation.termIds,
        config.translation.weight * translation.weight,
        'translation',
        translation.gloss,
      );
    }
  }
}

function planHan(
  lexical: LexicalIndex,
  word: AnalyzedWord,
  group: QueryGroup,
  exactFrequency: number,
  add: AddAlternative,
): void {
  const { config, lexicon } = lexical;
  if (config.translation.enabled) {
    for (const translation of lexical.fromChinese(word.term)) {
      add(
        group,
        translation.termIds,
        config.translation.weight * translation.weight,
        'translation',
        translation.gloss,
      );
    }
  }
  // A word the catalogue lacks may be a homophone typed by mistake with a pinyin keyboard (红涩 → 红色).
  if (config.pinyin.enabled && exactFrequency === 0) {
    const keys = pinyinKeys(word.term);
    if (keys) {
      for (const termId of lexicon.byPinyin(keys.full)) {
        add(group, [termId], config.pinyin.weight * config.typo.weight, 'pinyin', keys.full);
      }
    }
  }
}

/** Expansions of two- and three-word phrases, attached to every word of the phrase. */
function planPhrases(
  lexical: LexicalIndex,
  words: AnalyzedWord[],
  groups: QueryGroup[],
  add: AddAlternative,
): void {
  const { config, index, lexicon } = lexical;
  for (let start = 0; start < words.length; start++) {
    for (let end = start + 2; end <= Math.min(words.length, start + MAX_PHRASE); end++) {
      const phrase = words.slice(start, end);
      const covered = groups.slice(start, end);
      const key = phrase.map((word) => word.term).join(' ');
      const attach = (termIds: number[], weight: number, kind: MatchKind, detail: string) => {
        for (const group of covered) add(group, termIds, weight, kind, detail);
      };
      if (config.translation.enabled && phrase.every((word) => word.script === 'latin')) {
        for (const translation of lexical.fromEnglish(key)) {
          attach(
            translation.termIds,
            config.translation.weight * translation.weight,
            'translation',
            translation.gloss,
          );
        }
      }
      if (config.translation.enabled && phrase.every((word) => word.script === 'han')) {
        // A compound the segmenter split (充电线 → 充电, 线) may be a dictionary headword whole.
        for (const translation of lexical.fromChinese(phrase.map((word) => word.term).join(''))) {
          attach(
            translation.termIds,
            config.translation.weight * translation.weight,
            'translation',
            translation.gloss,
          );
        }
      }
      for (const synonym of lexical.synonyms.lookup(key)) {
        attach(
          synonym.terms.map((term) => index.termId(term)),
          config.synonyms.weight,
          'synonym',
          synonym.text,
        );
      }
      if (!config.pinyin.enabled) continue;
      if (phrase.every((word) => word.script === 'latin' && PINYIN_WORD.test(word.surface))) {
        const joined = phrase.map((word) => word.surface).join('');
        for (const termId of lexicon.byPinyin(joined))
          attach([termId], config.pinyin.weight, 'pinyin', joined);
      } else if (
        phrase.every((word) => word.script === 'han') &&
        phrase.some((word) => index.documentFrequency(index.termId(word.term)) === 0)
      ) {
        // Homophones split by the segmenter into single characters the catalogue does not hold together.
        const keys = pinyinKeys(phrase.map((word) => word.term).join(''));
        if (keys) {
          for (const termId of lexicon.byPinyin(keys.full)) {
            attach([termId], config.pinyin.weight * config.typo.weight, 'pinyin', keys.full);
          }
        }
      }
    }
  }
}

/**
 * Joins runs of single Chinese characters the segmenter could not place ("你氏" → 你, 氏; "包臀裙" →
 * 包, 臀, 裙 out of context) into one query word with the characters as its parts: one thing the
 * shopper typed, matched whole, by its character pairs, or character by character.
 */
function mergeSingleCharacters(words: AnalyzedWord[]): AnalyzedWord[] {
  const merged: AnalyzedWord[] = [];
  let run: AnalyzedWord[] = [];
  const flush = () => {
    if (run.length >= 2) {
      const term = run.map((word) => word.term).join('');
      merged.push({ term, surface: term, script: 'han', parts: run.map((word) => word.term) });
    } else merged.push(...run);
    run = [];
  };
  for (const word of words) {
    if (word.script === 'han' && /^[\u3400-\u9fff]$/.test(word.term)) run.push(word);
    else {
      flush();
      merged.push(word);
    }
  }
  flush();
  return merged;
}

function mostFrequent(lexical: LexicalIndex, termIds: readonly number[]): number {
  let best = -1;
  let bestFrequency = -1;
  for (const termId of termIds) {
    const frequency = lexical.index.documentFrequency(termId);
    if (frequency > bestFrequency) {
      best = termId;
      bestFrequency = frequency;
    }
  }
  return best;
}

/** One alternative per term set: the highest weight wins (an exact match beats its own translation). */
function bestPerTermSet(alternatives: Alternative[]): Alternative[] {
  const best = new Map<string, Alternative>();
  for (const alternative of alternatives) {
    const key = alternative.termIds.join(',');
    const seen = best.get(key);
    if (!seen || seen.weight < alternative.weight) best.set(key, alternative);
  }
  return [...best.values()];
}

/**
 * The query as the lexical plan understood it, for the encoder: each word, or — for a word the
 * catalogue lacks — its strongest expansion (the typo correction, the Chinese word of a pinyin
 * string, the translation), most frequent first. Dense retrieval then sees "耐克 运动鞋" for
 * "naike yundongxie" and "iphon" for "iphne", which an encoder trained on the catalogue knows.
 */
export function rewriteForEncoder(lexical: LexicalIndex, plan: QueryPlan): string {
  const index = lexical.index;
  const words: string[] = [];
  plan.groups.forEach((group, position) => {
    const word = plan.words[position];
    if (!word) return;
    const exact = group.alternatives.find((alternative) => alternative.kind === 'exact');
    if (exact) {
      words.push(word.surface);
      return;
    }
    let best: Alternative | undefined;
    let bestRank = -1;
    for (const alternative of group.alternatives) {
      if (alternative.termIds.some((termId) => index.term(termId).includes(':'))) continue;
      const frequency = Math.min(...alternative.termIds.map((termId) => index.documentFrequency(termId)));
      const rank = alternative.weight * 1e6 + frequency;
      if (rank > bestRank) {
        best = alternative;
        bestRank = rank;
      }
    }
    words.push(best ? best.termIds.map((termId) => index.term(termId)).join(' ') : word.surface);
  });
  return words.join(' ');
}
