import { parentPort, workerData } from 'node:worker_threads';
import { AisleError } from '../core/errors.js';
import { openStore } from '../store/open-store.js';
import type { SyncProgress } from './index-sync.js';
import type { SearchConfig } from './search-config.js';
import type { TrainingReport } from '../text/encoder/train-encoder.js';
import { type BuildReport, type RefreshReport, SearchEngine } from './search-engine.js';

/** What the serving thread asks the index-building thread to do. */
export interface IndexBuildRequest {
  database: string;
  config: SearchConfig;
  eventWeights: Readonly<Record<string, number>>;
  /**
   * `build`: a missing index (a fitting one stored meanwhile is kept); `rebuild`: from scratch
   * (POST /search/index); `retrain`: the stored index's trained encoder, incrementally, and every
   * item's vector (POST /search/index {"retrain": true}); `save`: the stored index, caught up with
   * the store and saved, for a serving engine's periodic save (`saveInBackground`).
   */
  job: 'build' | 'rebuild' | 'retrain' | 'save';
  /** For `save`: the searches the serving engine recorded into its suggestions since its last save. */
  recordedQueries?: readonly string[];
  /** Set to 1 by the serving thread to stop the build before it saves (one Int32 on shared memory). */
  cancel: Int32Array;
}

/** What the index-building thread reports: log lines and progress while it runs, then one outcome. */
export type IndexBuildMessage =
  | { kind: 'log'; message: string }
  | { kind: 'progress'; progress: SyncProgress }
  | { kind: 'built'; report: BuildReport | undefined }
  | { kind: 'retrained'; training: TrainingReport }
  | { kind: 'saved'; refresh: RefreshReport }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string; code?: string };

// A thread of its own, with its own store connection: indexing a catalogue is seconds to minutes of
// synchronous work (analysis, BM25F, suggestions, encoder corpus) that would stall every request.
async function main(request: IndexBuildRequest, post: (message: IndexBuildMessage) => void): Promise<void> {
  const store = await openStore(request.database);
  try {
    const engine = await SearchEngine.open(store, {
      config: request.config,
      eventWeights: request.eventWeights,
      log: (message) => post({ kind: 'log', message }),
    });
    const onProgress = (progress: SyncProgress) => {
      // Progress comes at every phase and batch, so a cancel stops the work within one batch. The
      // last call of a build (phase `save`) comes before the index is written: a cancelled build
      // leaves at most a newly trained encoder, complete, which the next build takes up.
      if (Atomics.load(request.cancel, 0) === 1) throw new AisleError('CONFLICT', 'index build cancelled');
      post({ kind: 'progress', progress });
    };
    if (request.job === 'save') {
      if (!engine.ready) {
        throw new AisleError(
          'CONFLICT',
          'No search index fitting this configuration is stored to save onto (another process stored one with other settings?)',
        );
      }
      const refresh = await engine.saveCaughtUp(request.recordedQueries ?? []);
      await engine.close();
      post({ kind: 'saved', refresh });
      return;
    }
    if (request.job === 'retrain') {
      if (!engine.ready)
        throw new AisleError('CONFLICT', 'No search index is stored to retrain the encoder of');
      const training = await engine.retrainEncoder(onProgress);
      await engine.close();
      post({ kind: 'retrained', training });
      return;
    }
    // Another process may have stored a fitting index since the serving thread looked.
    if (engine.ready && request.job === 'build') {
      await engine.close();
      post({ kind: 'built', report: undefined });
      return;
    }
    const report = await engine.build(onProgress);
    await engine.close();
    post({ kind: 'built', report });
  } finally {
    await store.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const request = workerData as IndexBuildRequest;
  const post = (message: IndexBuildMessage) => port.postMessage(message);
  main(request, post).catch((error: unknown) => {
    if (Atomics.load(request.cancel, 0) === 1) post({ kind: 'cancelled' });
    else
      post({
        kind: 'failed',
        message: error instanceof Error ? error.message : String(error),
        ...(typeof error === 'object' && error !== null && 'code' in error
          ? { code: String((error as { code: unknown }).code) }
          : {}),
      });
  });
}
