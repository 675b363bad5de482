import { configSchema, type AisleConfig } from '../core/config.js';
import { AisleError } from '../core/errors.js';
import { importAmazonReviews } from '../ingest/adapters/amazon.js';
import { importInstacart } from '../ingest/adapters/instacart.js';
import { importMovieLens } from '../ingest/adapters/movielens.js';
import { importTaobao } from '../ingest/adapters/taobao.js';
import type { ImportContext } from '../ingest/import-records.js';
import { createRecordSchemas } from '../ingest/validators.js';
import { type StoreSnapshot, snapshotFromStore } from '../models/data/from-store.js';
import { openStore } from '../store/open-store.js';

/** Data-set formats `aisle eval` reads. `aisle` is an Aisle database (SQLite path). */
export const datasetFormats = ['movielens', 'amazon', 'taobao', 'instacart', 'aisle'] as const;
export type DatasetFormat = (typeof datasetFormats)[number];

const importers: Record<
  Exclude<DatasetFormat, 'aisle'>,
  (context: ImportContext, path: string) => Promise<unknown>
> = {
  movielens: importMovieLens,
  amazon: importAmazonReviews,
  taobao: importTaobao,
  instacart: importInstacart,
};

/**
 * Loads a data set for evaluation: imported into a throw-away in-memory store through the normal,
 * validated ingestion (so evaluation sees exactly what production would), then read back.
 * Events dated before `events.earliest` would be quarantined, so evaluation accepts any date.
 */
export async function loadDataset(
  path: string,
  format: DatasetFormat,
  config: AisleConfig = configSchema.parse({}),
): Promise<StoreSnapshot> {
  if (format === 'aisle') {
    const store = await openStore(path);
    try {
      return await snapshotFromStore(store, config);
    } finally {
      await store.close();
    }
  }
  const importer = importers[format];
  if (!importer)
    throw new AisleError(
      'INVALID_ARGUMENT',
      `Unknown data-set format "${format}"; use one of ${datasetFormats.join(', ')}`,
    );
  const store = await openStore('sqlite::memory:');
  try {
    const lenient = configSchema.parse({ ...config, events: { ...config.events, earliest: '1970-01-01' } });
    await importer({ store, schemas: createRecordSchemas(lenient), batchSize: 100_000 }, path);
    return await snapshotFromStore(store, config);
  } finally {
    await store.close();
  }
}
