import { AisleError } from '../core/errors.js';
import { spawnWorker, workerOutcome } from '../core/spawn-worker.js';
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
  return workerOutcome<{ version: number; info: Record<string, unknown> }, TrainingReply>(
    worker,
    { thread: 'training thread', missing: 'a model' },
    (reply, resolve, reject) => {
      if (reply.ok) resolve({ version: reply.version, info: reply.info });
      else reject(new AisleError('INTERNAL', `Training ${request.model} failed: ${reply.message}`));
      return true;
    },
  );
}
