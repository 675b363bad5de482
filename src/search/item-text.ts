import type { Item } from '../core/entities.js';
import type { FieldSpec } from '../text/bm25f.js';
import type { SearchConfig } from './search-config.js';

/**
 * The searchable fields, in index order. `bigrams` holds the Chinese character pairs of title and
 * brand (as "2:xy" terms): a word the segmenter cut differently in the query and the title, or not
 * at all (a new brand), still matches pair by pair.
 */
export const searchFields = ['title', 'brand', 'category', 'description', 'attributes', 'bigrams'] as const;
export type SearchField = (typeof searchFields)[number];

/** The prefix of character-pair terms. */
export const BIGRAM_PREFIX = '2:';

/** BM25F field specs from the configuration: long fields get full length normalisation, short ones half. */
export function fieldSpecs(config: SearchConfig): FieldSpec[] {
  const b = config.bm25.b;
  return searchFields.map((name) => ({
    name,
    weight: config.fields[name],
    b: name === 'title' || name === 'description' || name === 'bigrams' ? b : b / 2,
  }));
}

/** The character-pair terms of the Han runs of a normalised text ("包臀裙" → 2:包臀, 2:臀裙). */
export function hanBigrams(normalized: string): string[] {
  const terms: string[] = [];
  for (const run of normalized.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}/g) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) terms.push(`${BIGRAM_PREFIX}${run[i]}${run[i + 1]}`);
  }
  return terms;
}

/** The text of each searchable field of an item, in `searchFields` order (bigrams: title and brand). */
export function itemFieldTexts(item: Item, skipAttributes: ReadonlySet<string>): string[] {
  const attributeValues: string[] = [];
  for (const [key, value] of Object.entries(item.attributes)) {
    if (skipAttributes.has(key) || /Id$|_id$/.test(key) || typeof value === 'boolean') continue;
    attributeValues.push(String(value));
  }
  attributeValues.push(...item.tags);
  return [
    item.title,
    item.brand ?? '',
    item.categoryPath.join(' '),
    item.description ?? '',
    attributeValues.join(' '),
    `${item.title} ${item.brand ?? ''}`,
  ];
}

/**
 * One text of an item for the encoder: title, brand, category path and tags — the fields that say
 * what it is, so marketing words in a long title weigh less in its vector.
 */
export function itemEncoderText(item: Item): string {
  return [item.title, item.brand ?? '', ...item.categoryPath, ...item.tags]
    .filter((part) => part.length > 0)
    .join(' ');
}

/**
 * A 32-bit FNV-1a fingerprint of everything search reads from an item, so a refresh re-indexes only
 * items that changed.
 */
export function itemFingerprint(item: Item): number {
  const text = JSON.stringify([
    item.title,
    item.brand,
    item.categoryPath,
    item.description,
    item.attributes,
    item.tags,
    item.price,
    item.sellerId,
    item.available,
    item.createdAt,
  ]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
