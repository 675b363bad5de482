import type { Aisle } from '../aisle.js';
import type { SyncProgress } from './index-sync.js';
import { type SearchConfig, searchConfigFromEnv } from './search-config.js';
import { SearchEngine } from './search-engine.js';

const engines = new WeakMap<Aisle, Promise<SearchEngine>>();

export interface EngineForOptions {
  /** The search configuration (default: `AISLE_SEARCH_CONFIG` or the defaults). */
  config?: SearchConfig;
  log?: (message: string) => void;
  onProgress?: (progress: SyncProgress) => void;
}

/**
 * The search engine of an open Aisle, created once per engine instance: loads the stored index, or
 * builds it when the store holds none (the first call of a new shop indexes its catalogue).
 *
 * @example
 * const engine = await searchEngineFor(aisle);
 */
export function searchEngineFor(aisle: Aisle, options: EngineForOptions = {}): Promise<SearchEngine> {
  let engine = engines.get(aisle);
  if (!engine) {
    engine = (async () => {
      const opened = await SearchEngine.open(aisle.store, {
        config: options.config ?? searchConfigFromEnv(),
        eventWeights: aisle.config.events.weights,
        ...(options.log ? { log: options.log } : {}),
      });
      await opened.ensureIndex(options.onProgress);
      return opened;
    })();
    engines.set(aisle, engine);
    // A failed open is not cached: the next call tries again.
    engine.catch(() => engines.delete(aisle));
  }
  return engine;
}

/** Saves and releases the engine of an Aisle, if one was opened. */
export async function closeSearchEngine(aisle: Aisle): Promise<void> {
  const engine = engines.get(aisle);
  if (!engine) return;
  engines.delete(aisle);
  await (await engine.catch(() => undefined))?.close();
}
