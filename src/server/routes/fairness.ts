import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { latestFairnessReport } from '../../eval/fairness/report-store.js';
import type { ServingRuntime } from '../../serve/serving.js';
import { workerIndex } from '../cluster.js';

/**
 * `GET /fairness/report` (admin): the latest stored fairness audit (`aisle fairness audit --save`),
 * with its id and time. Admin only: it holds accuracy per protected group.
 *
 * `GET /fairness/live` (admin, with a serving runtime): the `amortized-exposure` policies this
 * process serves, each group's floor, offset and recent exposure with and without re-ranking.
 */
export function registerFairnessRoutes(app: FastifyInstance, aisle: Aisle, serving?: ServingRuntime): void {
  if (serving)
    app.get('/fairness/live', { config: { scope: 'admin' as const } }, async () => ({
      // Each process (and each --workers worker) has its own controllers.
      worker: workerIndex() ?? null,
      pid: process.pid,
      policies: serving.service.exposure.live(),
    }));
  app.get('/fairness/report', { config: { scope: 'admin' as const } }, async () => {
    const latest = await latestFairnessReport(aisle.store);
    if (!latest)
      throw new AisleError(
        'NOT_FOUND',
        'No fairness audit is stored yet: run aisle fairness audit --save against this database',
      );
    return { id: latest.id, createdAt: latest.createdAt, report: latest.body };
  });
}
