import type { AisleConfigInput } from '../../src/core/config.js';
import { configSchema } from '../../src/core/config.js';
import type { ImportContext } from '../../src/ingest/import-records.js';
import { createRecordSchemas } from '../../src/ingest/validators.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/** A fixed clock for tests: 2026-11-23T00:00:00Z. */
export const TEST_NOW = Date.UTC(2026, 10, 23);

/** An in-memory SQLite store and an import context over it, with a fixed clock. */
export async function memoryContext(
  config: AisleConfigInput = {},
  batchSize = 1000,
): Promise<{ store: Store; context: ImportContext }> {
  const store = await openStore('sqlite::memory:');
  const parsed = configSchema.parse(config);
  return { store, context: { store, schemas: createRecordSchemas(parsed, () => TEST_NOW), batchSize } };
}
