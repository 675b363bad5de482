import { defaultEventWeights } from '../../src/core/event.js';
import { buildIndexInWorker } from '../../src/search/background-build.js';
import type { SearchConfig } from '../../src/search/search-config.js';

/**
 * A serving engine's `saveInBackground` as the engine registry gives it on a shared store (each
 * save in a worker thread of its own, with its own connection to `database`), watched: `pending` is
 * the save under way, if any, and `seconds` how long the last one took from its start.
 */
export function workerSave(
  database: string,
  config: SearchConfig,
): {
  saveInBackground: (recordedQueries: readonly string[]) => Promise<void>;
  pending(): Promise<void> | undefined;
  seconds(): number;
} {
  let pending: Promise<void> | undefined;
  let seconds = 0;
  return {
    saveInBackground(recordedQueries) {
      const started = performance.now();
      pending = buildIndexInWorker({
        database,
        config,
        eventWeights: defaultEventWeights,
        job: 'save',
        recordedQueries,
      }).done.then(() => {
        seconds = (performance.now() - started) / 1000;
      });
      return pending;
    },
    pending: () => pending,
    seconds: () => seconds,
  };
}
