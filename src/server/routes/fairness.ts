import type { FastifyInstance } from 'fastify';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { latestFairnessReport } from '../../eval/fairness/report-store.js';

/**
 * `GET /fairness/report` (admin): the latest stored fairness audit (`aisle fairness audit --save`),
 * with its id and time. Admin only: it holds accuracy per protected group.
 */
export function registerFairnessRoutes(app: FastifyInstance, aisle: Aisle): void {
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
