import { availableParallelism } from 'node:os';
import type { Aisle } from '../aisle.js';
import { AisleError } from '../core/errors.js';
import { isSharedStore } from '../store/open-store.js';
import { type BackgroundBuild, type BackgroundResult, buildIndexInWorker } from './background-build.js';
import type { IndexBuildRequest } from './index-build-worker.js';
import type { SyncProgress } from './index-sync.js';
import { type SearchConfig, searchConfigFromEnv } from './search-config.js';
import { SearchEngine } from './search-engine.js';

/** What goes on around an engine: read by `searchEngineOpening`, `rebuildSearchIndex` and `closeSearchEngine`. */
interface EngineState {
  /** The first build's latest progress, while the engine is being opened. */
  progress: SyncProgress | undefined;
  ready: boolean;
  /** The build running in a worker thread (the first, or a rebuild), cancelled by a close. */
  build: BackgroundBuild | undefined;
  /** The rebuild or retrain under way (POST /search/index), which a second call of its job shares. */
  rebuild: { job: 'rebuild' | 'retrain'; done: Promise<BackgroundResult> } | undefined;
}

interface Entry extends EngineState {
  engine: Promise<SearchEngine>;
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
  const state: EngineState = { progress: undefined, ready: false, build: undefined, rebuild: undefined };
  const entry: Entry = Object.assign(state, { engine: openEngine(aisle, options, state) });
  entries.set(aisle, entry);
  // A failed open is not cached: the next call tries again.
  entry.engine.catch(() => {
    if (entries.get(aisle) === entry) entries.delete(aisle);
  });
  return entry.engine;
}

async function openEngine(
  aisle: Aisle,
  options: EngineForOptions,
  entry: EngineState,
): Promise<SearchEngine> {
  const onProgress = (progress: SyncProgress) => {
    entry.progress = progress;
    options.onProgress?.(progress);
  };
  const config = options.config ?? searchConfigFromEnv();
  const engineOptions = {
    config,
    eventWeights: aisle.config.events.weights,
    ...(options.log ? { log: options.log } : {}),
    ...(buildsInWorker(aisle, config)
      ? {
          saveInBackground: (recordedQueries: readonly string[]) =>
            saveInWorker(aisle, config, recordedQueries, options.log),
        }
      : {}),
  };
  let engine = await SearchEngine.open(aisle.store, engineOptions);
  let builtInWorker = false;
  if (!engine.ready && buildsInWorker(aisle, config)) {
    await runInWorker(aisle, entry, config, 'build', {
      ...(options.log ? { log: options.log } : {}),
      onProgress,
    });
    engine = await SearchEngine.open(aisle.store, engineOptions);
    builtInWorker = engine.ready;
  }
  // Just built from the store: only what changed during the build. Loaded from an earlier run: every
  // item is checked against the store. Not stored (an in-memory store, or `buildInWorker` off):
  // built here.
  if (builtInWorker) await engine.refresh();
  else await engine.ensureIndex(onProgress);
  entry.progress = undefined;
  entry.ready = true;
  return engine;
}

/**
 * Rebuilds the search index of an Aisle from scratch (POST /search/index), or with `retrain`
 * retrains its trained encoder incrementally and encodes every item again. Where the first build
 * would run in a worker thread, so does this, and the stored result is then swapped in whole;
 * searches go on over the old index meanwhile. Elsewhere it runs on this thread. A call while the
 * same job runs shares it; one of the other job waits for it to end first.
 */
export async function rebuildSearchIndex(
  aisle: Aisle,
  options: { log?: (message: string) => void; retrain?: boolean } = {},
): Promise<BackgroundResult> {
  const opening = searchEngineFor(aisle, options.log ? { log: options.log } : {});
  const entry = entries.get(aisle)!;
  const engine = await opening;
  assertOpen(aisle, entry);
  if (!buildsInWorker(aisle, engine.config)) {
    return options.retrain ? { training: await engine.retrainEncoder() } : { report: await engine.build() };
  }
  const job = options.retrain ? 'retrain' : 'rebuild';
  // One job at a time: the same job shares the one under way, another waits for it to end.
  while (entry.rebuild && entry.rebuild.job !== job) await entry.rebuild.done.catch(() => undefined);
  assertOpen(aisle, entry);
  const running = entry.rebuild ?? startJob(aisle, entry, engine, job, options);
  return running.done;
}

function startJob(
  aisle: Aisle,
  entry: EngineState,
  engine: SearchEngine,
  job: 'rebuild' | 'retrain',
  options: { log?: (message: string) => void },
): NonNullable<EngineState['rebuild']> {
  const running: NonNullable<EngineState['rebuild']> = {
    job,
    done: (async () => {
      const release = await engine.holdSaves();
      try {
        assertOpen(aisle, entry);
        const result = await runInWorker(aisle, entry, engine.config, job, options);
        if (!(await engine.reload({ suggestionsFromStore: job === 'rebuild' }))) {
          throw new AisleError('INTERNAL', 'The rebuilt search index was not found in the store');
        }
        await engine.refresh();
        return result;
      } finally {
        release();
      }
    })().finally(() => {
      if (entry.rebuild === running) entry.rebuild = undefined;
    }),
  };
  entry.rebuild = running;
  return running;
}

/** A job that waited (for another job, or a save) must not start once the engine was closed. */
function assertOpen(aisle: Aisle, entry: EngineState): void {
  if (entries.get(aisle) !== entry) {
    throw new AisleError(
      'CONFLICT',
      'The search engine was closed before this job could start; nothing was rebuilt',
    );
  }
}

function buildsInWorker(aisle: Aisle, config: SearchConfig): boolean {
  return config.buildInWorker && isSharedStore(aisle.config.database);
}

async function runInWorker(
  aisle: Aisle,
  entry: EngineState,
  config: SearchConfig,
  job: IndexBuildRequest['job'],
  hooks: { log?: (message: string) => void; onProgress?: (progress: SyncProgress) => void },
): Promise<BackgroundResult> {
  entry.build = buildIndexInWorker(
    {
      database: aisle.config.database,
      config: backgroundConfig(config),
      eventWeights: aisle.config.events.weights,
      job,
    },
    hooks,
  );
  try {
    return await entry.build.done;
  } finally {
    entry.build = undefined;
  }
}

/**
 * A serving engine's periodic save, in a worker thread that loads the stored index, catches it up
 * with the store and stores it: encoding and writing the index on the serving thread would hold
 * requests up (about a second on 100,000 items). The engine keeps it from overlapping a rebuild or
 * retrain (`holdSaves`). The worker's own log lines are left out: one line says what it did.
 */
async function saveInWorker(
  aisle: Aisle,
  config: SearchConfig,
  recordedQueries: readonly string[],
  log: ((message: string) => void) | undefined,
): Promise<void> {
  const started = performance.now();
  const { saved } = await buildIndexInWorker({
    database: aisle.config.database,
    config: backgroundConfig(config),
    eventWeights: aisle.config.events.weights,
    job: 'save',
    recordedQueries,
  }).done;
  log?.(
    `search: index saved by a worker thread in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      (saved
        ? ` (caught up ${saved.changed} changed items, ${saved.removed} removed, ${saved.events} events)`
        : ''),
  );
}

/**
 * Items were written through this process (an API post, a re-admission): an engine already open
 * catches up at once, in the background. None is opened for it.
 */
export function searchItemsChanged(aisle: Aisle): void {
  const entry = entries.get(aisle);
  if (!entry?.ready) return;
  void entry.engine.then((engine) => engine.refreshSoon()).catch(() => undefined);
}

/**
 * While the search engine of an Aisle is being opened (its index loaded or built): the build's
 * latest progress, if it has reported any. Undefined once it is ready, or when none is opening.
 */
export function searchEngineOpening(aisle: Aisle): { progress: SyncProgress | undefined } | undefined {
  const entry = entries.get(aisle);
  return entry && !entry.ready ? { progress: entry.progress } : undefined;
}

/** Saves and releases the engine of an Aisle, if one was opened; a build still running is cancelled. */
export async function closeSearchEngine(aisle: Aisle): Promise<void> {
  const entry = entries.get(aisle);
  if (!entry) return;
  entries.delete(aisle);
  await entry.build?.cancel();
  await entry.rebuild?.done.catch(() => undefined);
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
