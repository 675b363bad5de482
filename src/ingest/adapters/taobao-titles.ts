import { statSync } from 'node:fs';
import { type ImportContext, importRecords } from '../import-records.js';
import { openJsonLinesAdapterSource } from './adapter-source.js';
import { type DatasetImportSummary, requireFile } from './dataset-import.js';

/** HTML entities seen in scraped product titles (often without the closing `;`). */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  middot: '·',
  times: '×',
  divide: '÷',
  phi: 'φ',
  deg: '°',
  reg: '®',
  copy: '©',
  trade: '™',
  hearts: '♥',
  star: '☆',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  yen: '¥',
  plusmn: '±',
  alpha: 'α',
  beta: 'β',
};

/** Decodes named (with or without `;`) and numeric HTML entities; unknown names stay as they are. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

interface Entity {
  type?: unknown;
  text?: unknown;
}

/**
 * Imports the annotated Taobao product titles (`titles.jsonl.gz`: one title per line with brand
 * (HPPX), product-word (HCCX), model (XH) and other (MISC) spans) as a Chinese catalogue: the brand
 * span becomes the brand, product words the tags, models and other spans attributes. The data set has
 * no ids, so an item's id is its line number; titles repeat, and each line is kept as its own item.
 *
 * @example
 * await importTaobaoTitles(context, '../shared/datasets/taobao-product-titles-ner');
 */
export async function importTaobaoTitles(
  context: ImportContext,
  path: string,
): Promise<DatasetImportSummary> {
  const file = statSync(path).isDirectory()
    ? requireFile(path, ['titles.jsonl.gz', 'titles.jsonl'], 'Taobao titles')
    : path;
  let line = 0;
  const source = await openJsonLinesAdapterSource(file, 'item', (object) => {
    line++;
    const entities = Array.isArray(object['entities']) ? (object['entities'] as Entity[]) : [];
    const spans = (type: string) => [
      ...new Set(
        entities
          .filter((entity) => entity.type === type && typeof entity.text === 'string')
          .map((entity) => decodeHtmlEntities(String(entity.text))),
      ),
    ];
    const brand = spans('HPPX')[0];
    const attributes: Record<string, string> = {};
    if (typeof object['split'] === 'string') attributes['split'] = object['split'];
    const models = spans('XH');
    if (models.length > 0) attributes['model'] = models.join(' ');
    const misc = spans('MISC');
    if (misc.length > 0) attributes['misc'] = misc.join(' ');
    const title = typeof object['title'] === 'string' ? decodeHtmlEntities(object['title']) : object['title'];
    return { id: `title-${line}`, title, brand, tags: spans('HCCX'), attributes, language: 'zh' };
  });
  return {
    dataset: 'taobao-product-titles',
    steps: [await importRecords(context, source)],
    notes: [
      'item ids are title-<line>; HPPX → brand, HCCX → tags, XH → attributes.model, MISC → attributes.misc; HTML entities decoded',
    ],
  };
}
