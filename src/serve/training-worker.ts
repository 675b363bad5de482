import { parentPort, workerData } from 'node:worker_threads';
import type { AisleConfig } from '../core/config.js';
import { trainFromStore } from '../models/train.js';
import { openStore } from '../store/open-store.js';

/** What the serving process asks the training thread to do. */
export interface TrainingRequest {
  config: AisleConfig;
  model: string;
  modelConfig: Record<string, unknown>;
  seed: number;
}

/** What the training thread answers. */
export type TrainingReply =
  | { ok: true; version: number; info: Record<string, unknown> }
  | { ok: false; message: string; code?: string };

// A thread of its own, with its own store connection, so serving goes on while a model trains.
async function main(request: TrainingRequest): Promise<TrainingReply> {
  const store = await openStore(request.config.database);
  try {
    const { trained, version } = await trainFromStore(store, request.config, {
      model: request.model,
      config: request.modelConfig,
      seed: request.seed,
    });
    return { ok: true, version, info: { ...trained.info } };
  } finally {
    await store.close();
  }
}

if (parentPort) {
  const port = parentPort;
  main(workerData as TrainingRequest).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        ...(typeof error === 'object' && error !== null && 'code' in error
          ? { code: String((error as { code: unknown }).code) }
          : {}),
      } satisfies TrainingReply),
  );
}
