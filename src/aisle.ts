import type { AisleConfig } from './core/config.js';
import type { ImportContext } from './ingest/import-records.js';
import { type RecordSchemas, createRecordSchemas } from './ingest/validators.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';

/** The engine: configuration, store and record schemas, shared by the CLI, the server and library users. */
export interface Aisle {
  readonly config: AisleConfig;
  readonly store: Store;
  readonly schemas: RecordSchemas;
  /** The context ingestion functions take (`importRecords`, adapters, `readmitQuarantined`). */
  importContext(options?: Pick<ImportContext, 'onProgress' | 'keepProblems'>): ImportContext;
  close(): Promise<void>;
}

/**
 * Opens the engine on the configured store (migrating it to the current schema).
 *
 * @example
 * const aisle = await openAisle(loadConfig({ env: process.env }));
 * await importMovieLens(aisle.importContext(), '../shared/datasets/ml-100k');
 */
export async function openAisle(config: AisleConfig, options: { now?: () => number } = {}): Promise<Aisle> {
  const store = await openStore(config.database);
  const schemas = createRecordSchemas(config, options.now);
  return {
    config,
    store,
    schemas,
    importContext: (contextOptions = {}) => ({
      store,
      schemas,
      batchSize: config.ingest.batchSize,
      ...contextOptions,
    }),
    close: () => store.close(),
  };
}
