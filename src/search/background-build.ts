import { AisleError } from '../core/errors.js';
import { spawnWorker, workerOutcome } from '../core/spawn-worker.js';
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
  const done = workerOutcome<BuildReport | undefined, IndexBuildMessage>(
    worker,
    { thread: 'index-building thread', missing: 'an index' },
    (message, resolve, reject) => {
      if (message.kind === 'log') hooks.log?.(message.message);
      else if (message.kind === 'progress') hooks.onProgress?.(message.progress);
      else if (message.kind === 'built') resolve(message.report);
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
