import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import { runQualityScan } from '../../quality/gate.js';
import { loadQualityPolicy, saveQualityPolicy } from '../../quality/policy.js';
import { buildQualityReport } from '../../quality/report.js';
import { findingDetail, reviewDecisions, reviewFinding } from '../../quality/review.js';
import type { QualityFlagFilter } from '../../store/store.js';
import { parseRequestPart } from '../parse-request.js';

/** Every quality route is an operator's: findings name users and carry their behaviour. */
const admin = { config: { scope: 'admin' as const } };

const reportQuery = z
  .object({
    runs: z.coerce.number().int().min(1).max(500).default(20),
    top: z.coerce.number().int().min(0).max(1000).default(20),
  })
  .strict();

const findingsQuery = z
  .object({
    status: z.enum(['open', 'confirmed', 'readmitted', 'cleared', 'all']).default('open'),
    detector: z.string().min(1).optional(),
    subject: z.enum(['user', 'item']).optional(),
    minScore: z.coerce.number().min(0).max(1).optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    order: z.enum(['score', 'id']).default('score'),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
  })
  .strict();

const idParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

const reviewBody = z
  .object({ decision: z.enum(reviewDecisions), note: z.string().max(2000).optional() })
  .strict();

const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }).strict();

/** Validates a request part with a zod schema; every problem named with its field. */
/**
 * The quality gate's admin API (docs/quality.md): `GET /quality/report`, `GET /quality/findings`,
 * `GET /quality/findings/:id`, `POST /quality/findings/:id/review`, `POST /quality/scan`,
 * `GET|PUT /quality/policy`, `GET /quality/runs`. Each route is marked `config.scope = 'admin'`.
 */
export function registerQualityRoutes(app: FastifyInstance, aisle: Aisle): void {
  app.get('/quality/report', admin, async (request) => {
    const { runs, top } = parseRequestPart(reportQuery, request.query, 'query');
    return buildQualityReport(aisle.store, { runs, top });
  });

  app.get('/quality/findings', admin, async (request) => {
    const query = parseRequestPart(findingsQuery, request.query, 'query');
    const filter: QualityFlagFilter = { limit: query.limit, order: query.order };
    if (query.status !== 'all') filter.status = query.status;
    if (query.detector) filter.detector = query.detector;
    if (query.subject) filter.subject = query.subject;
    if (query.minScore !== undefined) filter.minScore = query.minScore;
    if (query.afterId !== undefined) filter.afterId = query.afterId;
    return { findings: await aisle.store.listQualityFlags(filter) };
  });

  app.get('/quality/findings/:id', admin, async (request) => {
    const { id } = parseRequestPart(idParams, request.params, 'params');
    return findingDetail(aisle.store, id);
  });

  app.post('/quality/findings/:id/review', admin, async (request) => {
    const { id } = parseRequestPart(idParams, request.params, 'params');
    const { decision, note } = parseRequestPart(reviewBody, request.body, 'body');
    return reviewFinding(aisle.store, id, decision, note);
  });

  app.post('/quality/scan', admin, async () => {
    const { runId, pass, cleared } = await runQualityScan(aisle.store);
    return { runId, cleared, ...pass };
  });

  app.get('/quality/policy', admin, async () => loadQualityPolicy(aisle.store));

  app.put('/quality/policy', admin, async (request) => saveQualityPolicy(aisle.store, request.body));

  app.get('/quality/runs', admin, async (request) => {
    const { limit } = parseRequestPart(runsQuery, request.query, 'query');
    return { runs: await aisle.store.listQualityRuns(limit) };
  });
}
