import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import type { Item } from '../../src/core/entities.js';
import { type Rng, createRng } from '../../src/core/rng.js';
import { decodeHtmlEntities } from '../../src/ingest/adapters/taobao-titles.js';
import { groceryWordsEnZh, productWordsZhEn } from './glossary.js';

/** How a query was written from its source. */
export const variants = ['exact', 'typo', 'pinyin', 'traditional', 'cross-language'] as const;
export type Variant = (typeof variants)[number];

export interface RelevanceQuery {
  /** The base query's id; its variants share it. */
  id: string;
  set: 'taobao' | 'instacart';
  variant: Variant;
  text: string;
  /** `tune` queries may be looked at while tuning; `test` queries never are. */
  split: 'tune' | 'test';
  /** item id → grade (2 relevant, 1 partly relevant). */
  judgments: Map<string, number>;
}

const BASE_QUERIES = 600;

/**
 * Taobao queries: brand + product word (+ model, for 30 % of them) spans of one annotated title,
 * each (brand, product, model) combination once. Graded over every title of the catalogue by the
 * text it contains: all spans → 2; the product word only → 1 (annotations are incomplete, so the
 * title text decides, not the annotation). Variants: `typo` (one edit inside a Latin span of 5+
 * letters, first letter kept — else one character of the product word replaced by a homophone with
 * the same toneless pinyin, as a pinyin keyboard does), `pinyin` (Chinese spans as toneless pinyin),
 * `traditional` (OpenCC simplified → Taiwan traditional; only where that changes the text),
 * `cross-language` (product word translated with the hand-written glossary; brand in Latin letters
 * when the title also names it so).
 */
export function taobaoQueries(datasetDir: string, items: readonly Item[], seed = 7): RelevanceQuery[] {
  const rng = createRng(seed);
  const lines = gunzipSync(readFileSync(join(datasetDir, 'titles.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { title: string; entities: { type: string; text: string }[] });
  const titles = new Map(items.map((item) => [item.id, item.title.toLowerCase()]));
  const homophones = homophoneTable(items.map((item) => item.title));
  const toTraditional = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const order = rng.shuffle(lines.map((_, index) => index));
  const seen = new Set<string>();
  const base: { id: string; spans: string[]; product: string; brand: string; latinBrand?: string }[] = [];
  for (const index of order) {
    if (base.length >= BASE_QUERIES) break;
    const entities = lines[index]!.entities.map((entity) => ({
      type: entity.type,
      text: decodeHtmlEntities(entity.text).toLowerCase().trim(),
    }));
    const brands = entities.filter((entity) => entity.type === 'HPPX' && [...entity.text].length >= 2);
    const products = entities.filter((entity) => entity.type === 'HCCX' && [...entity.text].length >= 2);
    const models = entities.filter(
      (entity) => entity.type === 'XH' && entity.text.length >= 2 && !/[,&]/.test(entity.text),
    );
    if (brands.length === 0 || products.length === 0) continue;
    const brand = brands[0]!.text;
    const product = rng.pick(products).text;
    const spans = [brand, product];
    if (models.length > 0 && rng.next() < 0.3) spans.push(models[0]!.text);
    if (spans.some((span) => /[,]/.test(span))) continue;
    const key = spans.join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    const latinBrand = brands.find((entity) => /^[a-z][a-z0-9 '.-]*$/.test(entity.text))?.text;
    base.push({ id: `taobao-${index + 1}`, spans, product, brand, ...(latinBrand ? { latinBrand } : {}) });
  }
  const queries: RelevanceQuery[] = [];
  const splits = assignSplits(
    base.map((query) => query.id),
    rng,
  );
  for (const query of base) {
    const judgments = new Map<string, number>();
    for (const [itemId, title] of titles) {
      if (!title.includes(query.product)) continue;
      judgments.set(itemId, query.spans.every((span) => title.includes(span)) ? 2 : 1);
    }
    const add = (variant: Variant, text: string | undefined) => {
      if (text === undefined || text.trim().length === 0) return;
      queries.push({ id: query.id, set: 'taobao', variant, text, split: splits.get(query.id)!, judgments });
    };
    const exact = query.spans.join(' ');
    add('exact', exact);
    add('typo', taobaoTypo(query.spans, query.product, homophones, rng));
    add('pinyin', query.spans.map(toPinyin).join(' '));
    const traditional = toTraditional(exact);
    add('traditional', traditional !== exact ? traditional : undefined);
    const english = productWordsZhEn[query.product];
    if (english) {
      const rest = query.spans.slice(2);
      add('cross-language', [query.latinBrand ?? query.brand, english, ...rest].join(' '));
    }
  }
  return queries;
}

/**
 * Instacart queries: the last two content words of a product name (its head phrase: "whole milk",
 * "sparkling water"), each phrase once. Graded over all products: every query word in the name and
 * the source's aisle → 2; every word in another aisle, or the head word in the source's aisle → 1.
 * Variants: `typo` (one edit in the longest word of 5+ letters, first letter kept) and
 * `cross-language` (every word translated with the hand-written glossary, written without spaces as
 * Chinese is typed). English has no pinyin or traditional form.
 */
export function instacartQueries(items: readonly Item[], seed = 11): RelevanceQuery[] {
  const rng = createRng(seed);
  const words = new Map(items.map((item) => [item.id, new Set(contentWords(item.title).map(singular))]));
  const aisle = new Map(items.map((item) => [item.id, item.categoryPath.join(' > ')]));
  const seen = new Set<string>();
  const base: { id: string; words: string[]; aisle: string }[] = [];
  for (const item of rng.shuffle([...items])) {
    if (base.length >= BASE_QUERIES) break;
    const content = contentWords(item.title);
    if (content.length < 2) continue;
    const phrase = content.slice(-2);
    const key = phrase.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    base.push({ id: `instacart-${item.id}`, words: phrase, aisle: aisle.get(item.id)! });
  }
  const splits = assignSplits(
    base.map((query) => query.id),
    rng,
  );
  const queries: RelevanceQuery[] = [];
  for (const query of base) {
    const wanted = query.words.map(singular);
    const head = wanted.at(-1)!;
    const judgments = new Map<string, number>();
    for (const [itemId, itemWords] of words) {
      const all = wanted.every((word) => itemWords.has(word));
      const sameAisle = aisle.get(itemId) === query.aisle;
      if (all && sameAisle) judgments.set(itemId, 2);
      else if (all || (sameAisle && itemWords.has(head))) judgments.set(itemId, 1);
    }
    const add = (variant: Variant, text: string | undefined) => {
      if (text !== undefined)
        queries.push({
          id: query.id,
          set: 'instacart',
          variant,
          text,
          split: splits.get(query.id)!,
          judgments,
        });
    };
    add('exact', query.words.join(' '));
    const longest = [...query.words].sort((a, b) => b.length - a.length)[0]!;
    if (longest.length >= 5)
      add('typo', query.words.map((word) => (word === longest ? typo(word, rng) : word)).join(' '));
    const chinese = query.words.map((word) => groceryWordsEnZh[word] ?? groceryWordsEnZh[singular(word)]);
    if (chinese.every((word) => word !== undefined)) add('cross-language', chinese.join(''));
  }
  return queries;
}

/** Half the base queries (seeded shuffle) tune, the other half test. */
function assignSplits(ids: readonly string[], rng: Rng): Map<string, 'tune' | 'test'> {
  const shuffled = rng.shuffle([...ids]);
  return new Map(shuffled.map((id, index) => [id, index < shuffled.length / 2 ? 'tune' : 'test']));
}

const UNITS = new Set([
  'oz',
  'fl',
  'ct',
  'lb',
  'lbs',
  'pack',
  'count',
  'pk',
  'ml',
  'gal',
  'qt',
  'pt',
  'g',
  'kg',
  'l',
]);
const STOP = new Set([
  'with',
  'and',
  'of',
  'in',
  'the',
  'for',
  'a',
  'an',
  'to',
  'on',
  'or',
  'no',
  'not',
  'by',
]);

function contentWords(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word.length >= 3 && !UNITS.has(word) && !STOP.has(word));
}

/** A naive singular for matching judgments (cookies → cookie, berries → berry). */
function singular(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

/** One random edit (delete, transpose, substitute, insert) at a position after the first letter. */
function typo(word: string, rng: Rng): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const at = 1 + rng.int(word.length - 1);
  switch (rng.int(4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return at + 1 < word.length
        ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2)
        : word.slice(0, at);
    case 2: {
      let letter = rng.pick([...letters]);
      while (letter === word[at]) letter = rng.pick([...letters]);
      return word.slice(0, at) + letter + word.slice(at + 1);
    }
    default:
      return word.slice(0, at) + rng.pick([...letters]) + word.slice(at);
  }
}

function taobaoTypo(
  spans: readonly string[],
  product: string,
  homophones: Map<string, string>,
  rng: Rng,
): string | undefined {
  const latin = spans.filter((span) => /^[a-z][a-z0-9]*$/.test(span) && span.length >= 5);
  if (latin.length > 0) {
    const target = rng.pick(latin);
    return spans.map((span) => (span === target ? typo(span, rng) : span)).join(' ');
  }
  const chars = [...product];
  const positions = chars.map((_, index) => index).filter((index) => homophones.has(chars[index]!));
  if (positions.length === 0) return undefined;
  const at = rng.pick(positions);
  chars[at] = homophones.get(chars[at]!)!;
  const misspelt = chars.join('');
  return spans.map((span) => (span === product ? misspelt : span)).join(' ');
}

/** For each Han character of the corpus, the most frequent other character with the same toneless pinyin. */
function homophoneTable(texts: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const char of text) if (/\p{Script=Han}/u.test(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  const bySound = new Map<string, string[]>();
  for (const char of counts.keys()) {
    const sound = pinyin(char, { toneType: 'none' });
    const list = bySound.get(sound) ?? [];
    list.push(char);
    bySound.set(sound, list);
  }
  const table = new Map<string, string>();
  for (const list of bySound.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => counts.get(b)! - counts.get(a)!);
    for (const char of list)
      table.set(
        char,
        list.find((other) => other !== char)!,
      );
  }
  return table;
}

function toPinyin(span: string): string {
  if (!/\p{Script=Han}/u.test(span)) return span;
  return pinyin(span, { toneType: 'none', type: 'array', v: true })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
