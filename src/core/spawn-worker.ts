import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside the caller, given as its `.js` URL. The built package
 * runs the `.js` file; running from sources (tests, `tsx`), only the `.ts` file exists, and the
 * worker first registers tsx's loader (a development dependency) to import it.
 *
 * @example
 * const worker = spawnWorker(new URL('./sgns-worker.js', import.meta.url), { workerData });
 */
export function spawnWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (existsSync(fileURLToPath(moduleUrl))) return new Worker(moduleUrl, options);
  const source = new URL(moduleUrl.href.replace(/\.js$/, '.ts'));
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
