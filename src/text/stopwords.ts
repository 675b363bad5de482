/**
 * Words that carry no product meaning in a search: English function words and Chinese particles.
 * Kept short on purpose — "for", "with", "new" or 新款 can matter in a product title and are kept;
 * shops add their own through the search configuration.
 */
export const englishStopWords: readonly string[] = [
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'from',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'w',
];

/** Chinese particles and punctuation-like words jieba emits as words. */
export const chineseStopWords: readonly string[] = [
  '的',
  '了',
  '和',
  '与',
  '及',
  '或',
  '之',
  '在',
  '是',
  '也',
  '等',
  '把',
  '被',
  '啊',
  '吧',
  '呢',
  '吗',
  '哦',
];

/** The default stop-word set plus the shop's own words (lower-cased). */
export function createStopWords(extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...englishStopWords, ...chineseStopWords, ...extra.map((word) => word.toLowerCase())]);
}
