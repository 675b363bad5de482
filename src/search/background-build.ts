import { AisleError } from '../core/errors.js';
import { spawnWorker } from '../core/spawn-worker.js';
import type { IndexBuildMessage, IndexBuildRequest } from './index-build-worker.js';
import type { SyncProgress } from './index-sync.js';
import type { BuildReport } from './search-engine.js';

/** A search-index build running in a worker thread. */
export interface BackgroundBuild {
  /** Resolves once the index is stored (undefined report: another process had stored one). */
  done: Promise<BuildReport | undefined>;
  /** Stops the build before it writes the index; `done` then rejects with CONFLICT. */
  cancel(): Promise<void>;
}

/**
 * Builds the search index of a store in a worker thread, which saves it to the store; the caller
 * then loads it (loading takes a fraction of a second where building takes seconds to minutes, all
 * of it synchronous). Needs a store a second connection can open (a file or a server).
 */
export function buildIndexInWorker(
  request: Omit<IndexBuildRequest, 'cancel'>,
  hooks: { log?: (message: string) => void; onProgress?: (progress: SyncProgress) => void } = {},
): BackgroundBuild {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawnWorker(new URL('./index-build-worker.js', import.meta.url), {
    workerData: { ...request, cancel } satisfies IndexBuildRequest,
  });
  let settled = false;
  const done = new Promise<BuildReport | undefined>((resolve, reject) => {
    worker.on('message', (message: IndexBuildMessage) => {
      if (message.kind === 'log') return hooks.log?.(message.message);
      if (message.kind === 'progress') return hooks.onProgress?.(message.progress);
      settled = true;
      void worker.terminate();
      if (message.kind === 'built') resolve(message.report);
      else if (message.kind === 'cancelled')
        reject(new AisleError('CONFLICT', 'The index build was cancelled'));
      else
        reject(
          new AisleError(
            'INTERNAL',
            `Building the search index failed: ${message.message}`,
            message.code ? { workerCode: message.code } : {},
          ),
        );
    });
    worker.once('error', (error) => {
      settled = true;
      reject(
        new AisleError(
          'INTERNAL',
          `The index-building thread failed: ${error.message}`,
          {},
          { cause: error },
        ),
      );
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(
          new AisleError('INTERNAL', `The index-building thread exited (code ${code}) without an index`),
        );
    });
  });
  return {
    done,
    async cancel() {
      Atomics.store(cancel, 0, 1);
      await done.catch(() => undefined);
    },
  };
}
