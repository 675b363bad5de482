import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { AisleError } from './errors.js';

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

/**
 * The outcome of a worker thread that answers once: `onMessage` sees each message and returns true
 * once it has resolved or rejected (other messages, such as progress, return false). A thread error,
 * or an exit before the outcome, rejects with INTERNAL naming the `thread` and what it left
 * `missing`. The thread is terminated once the outcome is in.
 */
export function workerOutcome<T, M>(
  worker: Worker,
  names: { thread: string; missing: string },
  onMessage: (message: M, resolve: (value: T) => void, reject: (error: Error) => void) => boolean,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: M) => {
      if (settled || !onMessage(message, resolve, reject)) return;
      settled = true;
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(
        new AisleError('INTERNAL', `The ${names.thread} failed: ${error.message}`, {}, { cause: error }),
      );
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(
          new AisleError('INTERNAL', `The ${names.thread} exited (code ${code}) without ${names.missing}`),
        );
    });
  });
}
