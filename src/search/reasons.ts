import type { MatchKind, QueryGroup } from '../text/group-scorer.js';
import type { InvertedIndex } from '../text/inverted-index.js';
import { type SearchField, searchFields } from './item-text.js';

/**
 * How a hit matched: a lexical match kind, its words standing together (proximity), semantic
 * similarity, its category among the best results' (category feedback) or the shopper's profile.
 */
export type SearchMatch = MatchKind | 'proximity' | 'semantic' | 'category' | 'personal';

/**
 * One reason a hit is where it is (DESIGN.md §3: `{ kind, weight, evidence }`): `weight` is its part
 * of the hit's score, so a hit's reasons add up to its score; `text` is rendered from the evidence.
 */
export interface SearchReason {
  kind: 'search-match';
  weight: number;
  evidence: {
    match: SearchMatch;
    /** The query word this reason is about. */
    query?: string;
    /** The index terms matched. */
    terms?: string[];
    fields?: SearchField[];
    /** The corrected word, the pinyin typed, the dictionary gloss, the synonym. */
    via?: string;
    similarity?: number;
    /** Category feedback: the hit's category path. */
    category?: string;
    /** Proximity: the share of consecutive query words found together; category: the category's share of the best results. */
    share?: number;
    /** Personal boost: the profile shares that raised the hit. */
    affinity?: { category?: string; brand?: string; priceBand?: string; share: number };
  };
  text: string;
}

/** The best way a document matched one query word, with its raw BM25F contribution. */
export interface GroupExplanation {
  query: string;
  kind: MatchKind;
  termIds: number[];
  fieldMask: number;
  via: string;
  raw: number;
}

/**
 * For one document, the alternative of each query word that scored best there (what the scorer
 * took), found by looking the document up in each alternative's postings.
 */
export function explainLexical(
  index: InvertedIndex,
  groups: readonly QueryGroup[],
  doc: number,
): GroupExplanation[] {
  const explanations: GroupExplanation[] = [];
  for (const group of groups) {
    let best: GroupExplanation | undefined;
    for (const alternative of group.alternatives) {
      let sum = 0;
      let mask = 0;
      let complete = true;
      for (const termId of alternative.termIds) {
        const posting = index.posting(termId, doc);
        if (!posting) {
          complete = false;
          break;
        }
        sum += index.idf(termId) * posting.score;
        mask |= posting.fields;
      }
      if (!complete) continue;
      const raw = (alternative.weight * sum) / alternative.termIds.length;
      if (!best || raw > best.raw) {
        best = {
          query: group.word,
          kind: alternative.kind,
          termIds: alternative.termIds,
          fieldMask: mask,
          via: alternative.detail,
          raw,
        };
      }
    }
    if (best) explanations.push(best);
  }
  return explanations;
}

/** The field names in a posting's field mask. */
export function fieldsOf(mask: number): SearchField[] {
  return searchFields.filter((_, index) => (mask & (1 << index)) !== 0);
}

const fieldNames: Record<'zh' | 'en', Record<SearchField, string>> = {
  en: {
    title: 'title',
    brand: 'brand',
    category: 'category',
    description: 'description',
    attributes: 'attributes',
    bigrams: 'title characters',
  },
  zh: {
    title: '标题',
    brand: '品牌',
    category: '类目',
    description: '描述',
    attributes: '属性',
    bigrams: '标题字',
  },
};

/** Renders a reason's text from its evidence, in Chinese or English. */
export function renderReason(evidence: SearchReason['evidence'], lang: 'zh' | 'en'): string {
  const where = (evidence.fields ?? [])
    .map((field) => fieldNames[lang][field])
    .join(lang === 'zh' ? '、' : ', ');
  const terms = (evidence.terms ?? []).join(' ');
  const query = evidence.query ?? '';
  if (lang === 'zh') {
    switch (evidence.match) {
      case 'exact':
        return `${where}包含“${terms}”`;
      case 'stem':
        return `${where}包含“${query}”的词形“${terms}”`;
      case 'partial':
        return `${where}包含“${query}”的组成部分“${terms}”`;
      case 'typo':
        return `“${query}”纠错为“${terms}”，见于${where}`;
      case 'prefix':
        return `“${query}”补全为“${terms}”，见于${where}`;
      case 'pinyin':
        return `拼音“${evidence.via ?? query}”匹配“${terms}”，见于${where}`;
      case 'translation':
        return `“${query}”译为“${terms}”（词典：${evidence.via ?? ''}），见于${where}`;
      case 'synonym':
        return `“${query}”的同义词“${evidence.via ?? terms}”，见于${where}`;
      case 'proximity':
        return `“${query}”中的词在商品文字中相邻（${percent(evidence.share, '')} 的词对）`;
      case 'semantic':
        return `语义相近（余弦相似度 ${(evidence.similarity ?? 0).toFixed(2)}）`;
      case 'category':
        return `属于最佳匹配结果的主要类目“${evidence.category ?? ''}”（占 ${percent(evidence.share, '')}）`;
      case 'personal':
        return `符合你的偏好：${personalText(evidence, '、')}`;
    }
  }
  switch (evidence.match) {
    case 'exact':
      return `"${terms}" in ${where}`;
    case 'stem':
      return `"${query}" as "${terms}" (same word) in ${where}`;
    case 'partial':
      return `"${terms}", part of "${query}", in ${where}`;
    case 'typo':
      return `"${query}" corrected to "${terms}" in ${where}`;
    case 'prefix':
      return `"${query}" completed to "${terms}" in ${where}`;
    case 'pinyin':
      return `pinyin "${evidence.via ?? query}" matched "${terms}" in ${where}`;
    case 'translation':
      return `"${query}" translated to "${terms}" (dictionary: ${evidence.via ?? ''}) in ${where}`;
    case 'synonym':
      return `"${query}" has synonym "${evidence.via ?? terms}" in ${where}`;
    case 'proximity':
      return `the words of "${query}" stand together (${percent(evidence.share)} of word pairs)`;
    case 'semantic':
      return `similar in meaning (cosine ${(evidence.similarity ?? 0).toFixed(2)})`;
    case 'category':
      return `in "${evidence.category ?? ''}", the category of ${percent(evidence.share)} of the best matches`;
    case 'personal':
      return `matches your interests: ${personalText(evidence, ', ')}`;
  }
}

function percent(share: number | undefined, space = ' '): string {
  return `${Math.round((share ?? 0) * 100)}${space}%`;
}

function personalText(evidence: SearchReason['evidence'], separator: string): string {
  const affinity = evidence.affinity;
  if (!affinity) return '';
  return [affinity.category, affinity.brand, affinity.priceBand]
    .filter((part) => part !== undefined)
    .join(separator);
}
