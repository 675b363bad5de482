import { availableParallelism } from 'node:os';
import type { Aisle } from '../aisle.js';
import { isSharedStore } from '../store/open-store.js';
import { type BackgroundBuild, buildIndexInWorker } from './background-build.js';
import type { SyncProgress } from './index-sync.js';
import { type SearchConfig, searchConfigFromEnv } from './search-config.js';
import { SearchEngine } from './search-engine.js';

/** How the opening of an engine goes, read by `searchEngineOpening` and `closeSearchEngine`. */
interface Opening {
  /** The first build's latest progress, while it runs. */
  progress: SyncProgress | undefined;
  /** The first build, while it runs in a worker thread. */
  build: BackgroundBuild | undefined;
  ready: boolean;
}

interface Entry {
  engine: Promise<SearchEngine>;
  opening: Opening;
}

const entries = new WeakMap<Aisle, Entry>();

export interface EngineForOptions {
  /** The search configuration (default: `AISLE_SEARCH_CONFIG` or the defaults). */
  config?: SearchConfig;
  log?: (message: string) => void;
  onProgress?: (progress: SyncProgress) => void;
}

/**
 * The search engine of an open Aisle, created once per engine instance: loads the stored index, or
 * builds it when the store holds none (the first call of a new shop indexes its catalogue). On a
 * store another connection can open, the build runs in a worker thread that stores the index, and
 * this thread loads it, so the requests of a serving process go on meanwhile.
 *
 * @example
 * const engine = await searchEngineFor(aisle);
 */
export function searchEngineFor(aisle: Aisle, options: EngineForOptions = {}): Promise<SearchEngine> {
  const existing = entries.get(aisle);
  if (existing) return existing.engine;
  const opening: Opening = { progress: undefined, build: undefined, ready: false };
  const entry: Entry = { engine: openEngine(aisle, options, opening), opening };
  entries.set(aisle, entry);
  // A failed open is not cached: the next call tries again.
  entry.engine.catch(() => {
    if (entries.get(aisle) === entry) entries.delete(aisle);
  });
  return entry.engine;
}

async function openEngine(aisle: Aisle, options: EngineForOptions, opening: Opening): Promise<SearchEngine> {
  const onProgress = (progress: SyncProgress) => {
    opening.progress = progress;
    options.onProgress?.(progress);
  };
  const config = options.config ?? searchConfigFromEnv();
  const engineOptions = {
    config,
    eventWeights: aisle.config.events.weights,
    ...(options.log ? { log: options.log } : {}),
  };
  let engine = await SearchEngine.open(aisle.store, engineOptions);
  let builtInWorker = false;
  if (!engine.ready && config.buildInWorker && isSharedStore(aisle.config.database)) {
    opening.build = buildIndexInWorker(
      {
        database: aisle.config.database,
        config: backgroundConfig(config),
        eventWeights: engineOptions.eventWeights,
      },
      { ...(options.log ? { log: options.log } : {}), onProgress },
    );
    try {
      await opening.build.done;
    } finally {
      opening.build = undefined;
    }
    engine = await SearchEngine.open(aisle.store, engineOptions);
    builtInWorker = engine.ready;
  }
  // Just built from the store: only what changed during the build. Loaded from an earlier run: every
  // item is checked against the store. Not stored (an in-memory store, or `buildInWorker` off):
  // built here.
  if (builtInWorker) await engine.refresh();
  else await engine.ensureIndex(onProgress);
  opening.progress = undefined;
  opening.ready = true;
  return engine;
}

/**
 * While the search engine of an Aisle is being opened (its index loaded or built): the build's
 * latest progress, if it has reported any. Undefined once it is ready, or when none is opening.
 */
export function searchEngineOpening(aisle: Aisle): { progress: SyncProgress | undefined } | undefined {
  const opening = entries.get(aisle)?.opening;
  return opening && !opening.ready ? { progress: opening.progress } : undefined;
}

/** Saves and releases the engine of an Aisle, if one was opened; a build still running is cancelled. */
export async function closeSearchEngine(aisle: Aisle): Promise<void> {
  const entry = entries.get(aisle);
  if (!entry) return;
  entries.delete(aisle);
  await entry.opening.build?.cancel();
  await (await entry.engine.catch(() => undefined))?.close();
}

/**
 * The worker's configuration: its encoder training leaves a core to the serving thread (the build
 * thread is one, the serving thread another), so on two cores it trains in the build thread alone.
 * The thread count is part of what a seed reproduces, so this encoder can differ slightly from one
 * `aisle search-index` trains with `semantic.threads` on the same data.
 */
function backgroundConfig(config: SearchConfig): SearchConfig {
  const threads = Math.max(1, Math.min(config.semantic.threads, availableParallelism() - 2));
  return { ...config, semantic: { ...config.semantic, threads } };
}
