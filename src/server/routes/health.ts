import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { AISLE_VERSION } from '../../core/version.js';

/**
 * GET /health: the version, whether the store answers, and the stored model artifacts.
 * GET /stats: catalogue, user, event and quarantine counts (as `aisle stats --json`).
 */
export function registerHealthRoutes(app: FastifyInstance, aisle: Aisle, startedAt: number): void {
  app.get('/health', { config: { scope: 'public' } }, async (_request, reply) => {
    let storeOk = true;
    let storeError: string | undefined;
    try {
      await aisle.store.ping();
    } catch (error) {
      storeOk = false;
      storeError = error instanceof Error ? error.message : String(error);
    }
    const artifacts = storeOk ? await aisle.store.listArtifacts() : [];
    const latest = new Map<string, { name: string; version: number; createdAt: string }>();
    for (const artifact of artifacts) {
      latest.set(artifact.name, {
        name: artifact.name,
        version: artifact.version,
        createdAt: new Date(artifact.createdAt).toISOString(),
      });
    }
    return reply.status(storeOk ? 200 : 503).send({
      status: storeOk ? 'ok' : 'unavailable',
      version: AISLE_VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      // The answering process (with `server.workers` > 1, one of several).
      pid: process.pid,
      store: {
        kind: aisle.store.kind,
        location: aisle.store.location,
        ok: storeOk,
        ...(storeError ? { error: storeError } : {}),
      },
      models: { trained: [...latest.values()] },
    });
  });

  app.get('/stats', async () => aisle.store.stats());
}
