import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configSchema } from '../../src/core/config.js';
import type { Item } from '../../src/core/entities.js';
import { createRng } from '../../src/core/rng.js';
import { importInstacart } from '../../src/ingest/adapters/instacart.js';
import { importQueryLog } from '../../src/ingest/adapters/query-log.js';
import { importTaobaoTitles } from '../../src/ingest/adapters/taobao-titles.js';
import type { ImportContext } from '../../src/ingest/import-records.js';
import { createRecordSchemas } from '../../src/ingest/validators.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/** The shared data sets: `AISLE_DATASETS` or ../shared/datasets beside the repository. */
export const datasetsDir =
  process.env['AISLE_DATASETS'] ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');

export function requireDatasets(): void {
  for (const name of ['taobao-product-titles-ner', 'instacart', 'multi-cpr-ecom-queries']) {
    if (!existsSync(join(datasetsDir, name))) {
      throw new Error(`The search benchmark needs ${join(datasetsDir, name)} (set AISLE_DATASETS)`);
    }
  }
}

export type CatalogueName = 'taobao' | 'instacart' | 'large';

/** A catalogue in a store, through the real import adapters, with its items read back. */
export interface Catalogue {
  name: CatalogueName;
  store: Store;
  items: Item[];
}

function context(store: Store): ImportContext {
  return { store, schemas: createRecordSchemas(configSchema.parse({})), batchSize: 50_000 };
}

async function readItems(store: Store): Promise<Item[]> {
  const items: Item[] = [];
  for await (const batch of store.scanItems(10_000)) items.push(...batch);
  return items;
}

/**
 * Opens a catalogue into `location` (a SQLite file or `sqlite::memory:`): the Taobao titles, the two
 * Instacart copies (with their order lines as purchase events), or the 100,000-item catalogue of both
 * plus generated variants. The Multi-CPR query log (train split, 100,000 queries) is imported
 * alongside: the encoder learns from it and suggestions complete it.
 */
export async function openCatalogue(name: CatalogueName, location = 'sqlite::memory:'): Promise<Catalogue> {
  const store = await openStore(location);
  const ctx = context(store);
  await importQueryLog(ctx, join(datasetsDir, 'multi-cpr-ecom-queries', 'train.query.txt.gz'));
  if (name === 'taobao' || name === 'large')
    await importTaobaoTitles(ctx, join(datasetsDir, 'taobao-product-titles-ner'));
  if (name === 'instacart' || name === 'large') {
    await importInstacart(ctx, join(datasetsDir, 'instacart', 'Santoshmandati-Market-Analysis'));
    await importInstacart(ctx, join(datasetsDir, 'instacart', 'billyrohh-instacart_dataset'));
  }
  if (name === 'large') await store.upsertItems(generateVariants(await readItems(store), 100_000));
  return { name, store, items: await readItems(store) };
}

/**
 * Grows a catalogue of real items to `target` items with variants of them (seeded): a Taobao title
 * with its brand swapped for another title's brand and a few of its comma-separated pieces shuffled
 * and re-joined; an Instacart name with its first word swapped for another product's first word.
 * Variants keep category, tags and attributes of their source, so they are plausible neighbours.
 */
export function generateVariants(real: readonly Item[], target: number, seed = 3): Item[] {
  const rng = createRng(seed);
  const brands = real.map((item) => item.brand).filter((brand): brand is string => brand !== undefined);
  const firstWords = real.filter((item) => item.language === 'en').map((item) => item.title.split(' ')[0]!);
  const variants: Item[] = [];
  for (let n = 0; real.length + variants.length < target; n++) {
    const source = rng.pick(real);
    let title = source.title;
    let brand = source.brand;
    if (source.language === 'zh') {
      if (brand && brands.length > 0) {
        const swapped = rng.pick(brands);
        title = title.split(brand).join(swapped);
        brand = swapped;
      }
      const pieces = title.split(',');
      if (pieces.length > 2) title = rng.shuffle(pieces).join(',');
    } else if (firstWords.length > 0) {
      const words = title.split(' ');
      words[0] = rng.pick(firstWords);
      title = words.join(' ');
    }
    const variant: Item = {
      ...source,
      id: `variant-${n}`,
      title,
      attributes: { ...source.attributes, sourceId: source.id },
    };
    if (brand !== undefined) variant.brand = brand;
    variants.push(variant);
  }
  return variants;
}
