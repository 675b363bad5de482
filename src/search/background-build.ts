import { AisleError, type ErrorCode, errorCodes } from '../core/errors.js';
import { spawnWorker, workerOutcome } from '../core/spawn-worker.js';
import type { IndexBuildMessage, IndexBuildRequest } from './index-build-worker.js';
import type { SyncProgress } from './index-sync.js';
import type { TrainingReport } from '../text/encoder/train-encoder.js';
import type { BuildReport, RefreshReport } from './search-engine.js';

/**
 * What a worker thread's job gave: a build's report (none: another process had stored an index), a
 * retrain's, or what a save's catch-up with the store found.
 */
export interface BackgroundResult {
  report?: BuildReport;
  training?: TrainingReport;
  saved?: RefreshReport;
}

/** A search-index build running in a worker thread. */
export interface BackgroundBuild {
  /** Resolves once the index is stored. */
  done: Promise<BackgroundResult>;
  /** Stops the build before it writes the index; `done` then rejects with CONFLICT. */
  cancel(): Promise<void>;
}

/**
 * Builds the search index of a store in a worker thread, which saves it to the store; the caller
 * then loads it (a small share of the work: building takes seconds to minutes, nearly all of it
 * synchronous). Needs a store a second connection can open (a file or a server).
 */
export function buildIndexInWorker(
  request: Omit<IndexBuildRequest, 'cancel'>,
  hooks: { log?: (message: string) => void; onProgress?: (progress: SyncProgress) => void } = {},
): BackgroundBuild {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawnWorker(new URL('./index-build-worker.js', import.meta.url), {
    workerData: { ...request, cancel } satisfies IndexBuildRequest,
  });
  const done = workerOutcome<BackgroundResult, IndexBuildMessage>(
    worker,
    { thread: 'index-building thread', missing: 'an index' },
    (message, resolve, reject) => {
      if (message.kind === 'log') hooks.log?.(message.message);
      else if (message.kind === 'progress') hooks.onProgress?.(message.progress);
      else if (message.kind === 'built') resolve(message.report ? { report: message.report } : {});
      else if (message.kind === 'retrained') resolve({ training: message.training });
      else if (message.kind === 'saved') resolve({ saved: message.refresh });
      else if (message.kind === 'cancelled')
        reject(new AisleError('CONFLICT', 'The index build was cancelled'));
      else
        // The worker's own code where it is one of ours (CONFLICT, CONFIG_INVALID …), so the HTTP
        // status says what went wrong; INTERNAL otherwise.
        reject(
          new AisleError(
            message.code !== undefined && message.code in errorCodes
              ? (message.code as ErrorCode)
              : 'INTERNAL',
            `${request.job === 'save' ? 'Saving' : 'Building'} the search index failed: ${message.message}`,
          ),
        );
      return message.kind !== 'log' && message.kind !== 'progress';
    },
  );
  return {
    done,
    async cancel() {
      Atomics.store(cancel, 0, 1);
      await done.catch(() => undefined);
    },
  };
}
