import { AisleError } from '../core/errors.js';
import { spawnWorker } from '../core/spawn-worker.js';
import type { TrainingReply, TrainingRequest } from './training-worker.js';

/**
 * Trains a model in a worker thread and saves it as the next serving version; resolves with that
 * version. The serving thread keeps answering meanwhile (training a blend takes seconds to minutes).
 * Needs a store other connections can open (a file or a server), not `:memory:`.
 */
export function trainInWorker(
  request: TrainingRequest,
): Promise<{ version: number; info: Record<string, unknown> }> {
  const worker = spawnWorker(new URL('./training-worker.js', import.meta.url), { workerData: request });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once('message', (reply: TrainingReply) => {
      settled = true;
      void worker.terminate();
      if (reply.ok) resolve({ version: reply.version, info: reply.info });
      else reject(new AisleError('INTERNAL', `Training ${request.model} failed: ${reply.message}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(
        new AisleError('INTERNAL', `The training thread failed: ${error.message}`, {}, { cause: error }),
      );
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(new AisleError('INTERNAL', `The training thread exited (code ${code}) without a model`));
    });
  });
}
