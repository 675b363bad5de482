import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside the caller, given as its `.js` URL. The built package
 * runs the `.js` file; running from sources (tests, `tsx`), only the `.ts` file exists, and the
 * worker starts from a bootstrap that registers tsx's loader (a development dependency) and imports
 * it (its URL is the worker's last argv entry).
 *
 * @example
 * const worker = spawnWorker(new URL('./sgns-worker.js', import.meta.url), { workerData });
 */
export function spawnWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (existsSync(fileURLToPath(moduleUrl))) return new Worker(moduleUrl, options);
  const source = new URL(moduleUrl.href.replace(/\.js$/, '.ts'));
  return new Worker(new URL('./tsx-worker-bootstrap.mjs', import.meta.url), {
    ...options,
    argv: [...(options.argv ?? []), source.href],
  });
}
