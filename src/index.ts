/**
 * Aisle as a library: the engine, its store, ingestion and the HTTP server.
 * The CLI (`aisle`) and the server are thin shells over these.
 */
export { type Aisle, openAisle } from './aisle.js';
export { type AisleConfig, type AisleConfigInput, configSchema, defaultConfig } from './core/config.js';
export { loadConfig } from './core/load-config.js';
export type { AttributeValue, Item, ProtectedAttributes, User } from './core/entities.js';
export { type Event, builtInEventTypes, defaultEventWeights, eventWeight } from './core/event.js';
export { AisleError, type ErrorCode, errorCodes, isAisleError } from './core/errors.js';
export { type Rng, createRng } from './core/rng.js';
export { openStore, registerStoreBackend } from './store/open-store.js';
export type * from './store/store.js';
export {
  type ImportContext,
  type ImportSummary,
  type RecordSource,
  importRecords,
} from './ingest/import-records.js';
export { openFileSource } from './ingest/file-sources.js';
export { importObjects } from './ingest/import-objects.js';
export { readmitQuarantined } from './ingest/readmit.js';
export { importMovieLens } from './ingest/adapters/movielens.js';
export { importTaobao } from './ingest/adapters/taobao.js';
export { importAmazonReviews } from './ingest/adapters/amazon.js';
export { importInstacart } from './ingest/adapters/instacart.js';
export { importTaobaoTitles } from './ingest/adapters/taobao-titles.js';
export { importQueryLog } from './ingest/adapters/query-log.js';
export { seedDemo } from './ingest/demo/seed-demo.js';
export { createServer } from './server/app.js';
