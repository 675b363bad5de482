import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { readmitQuarantined } from '../../ingest/readmit.js';
import { errorResponse, jsonSchemaOf, queryParameters } from '../openapi-schema.js';
import { parseRequestPart } from '../parse-request.js';

const admin = { config: { scope: 'admin' as const } };

const listQuery = z
  .object({
    status: z.enum(['open', 'readmitted', 'discarded']).optional(),
    kind: z.enum(['item', 'user', 'protected', 'event', 'query']).optional(),
    reason: z.string().max(100).optional(),
    source: z.string().max(1000).optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

const idParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

const readmitBody = z
  .object({
    set: z.record(z.string(), z.unknown()).optional(),
    record: z.record(z.string(), z.unknown()).optional(),
    acceptReplacementChars: z.boolean().optional(),
  })
  .strict();

/**
 * The quarantine, for operators (admin scope: quarantined rows hold raw user data): list and read
 * rejected records with their reasons, fix and readmit one, or discard it.
 */
export function registerQuarantineRoutes(
  app: FastifyInstance,
  aisle: Aisle,
  onReadmitted: (kind: string) => Promise<void>,
): void {
  app.get('/quarantine', admin, async (request) => {
    const query = parseRequestPart(listQuery, request.query, 'query');
    const filter = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
    const [records, byReason] = await Promise.all([
      aisle.store.listQuarantine(filter),
      aisle.store.countQuarantineByReason(query.status ?? 'open'),
    ]);
    return { records, byReason, next: records.length === query.limit ? records.at(-1)?.id : null };
  });

  app.get('/quarantine/:id', admin, async (request) => {
    const { id } = parseRequestPart(idParams, request.params, 'params');
    const record = await aisle.store.getQuarantine(id);
    if (!record) throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`, { id });
    return record;
  });

  app.post('/quarantine/:id/readmit', admin, async (request, reply) => {
    const { id } = parseRequestPart(idParams, request.params, 'params');
    const fix = parseRequestPart(readmitBody, request.body, 'body');
    const fixes = new Map([[id, Object.fromEntries(Object.entries(fix).filter(([, v]) => v !== undefined))]]);
    const [outcome] = await readmitQuarantined(aisle.importContext(), [id], fixes);
    if (outcome?.readmitted) {
      const stored = await aisle.store.getQuarantine(id);
      if (stored) await onReadmitted(stored.kind);
    }
    return reply.status(outcome?.readmitted ? 200 : 422).send(outcome);
  });

  app.post('/quarantine/:id/discard', admin, async (request) => {
    const { id } = parseRequestPart(idParams, request.params, 'params');
    const record = await aisle.store.getQuarantine(id);
    if (!record) throw new AisleError('NOT_FOUND', `No quarantined record with id ${id}`, { id });
    if (record.status !== 'open')
      throw new AisleError('CONFLICT', `Quarantined record ${id} is already ${record.status}`, { id });
    await aisle.store.updateQuarantine(id, { status: 'discarded', note: 'discarded through the API' });
    return { id, status: 'discarded' };
  });
}

/** The quarantine routes in the OpenAPI document (admin scope). */
export function quarantineOpenApiPaths(): Record<string, unknown> {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const operation = (operationId: string, summary: string, extra: Record<string, unknown> = {}) => ({
    operationId,
    summary: `${summary} (admin)`,
    tags: ['quarantine'],
    'x-aisle-scope': 'admin',
    responses: {
      '200': { description: 'OK' },
      '400': errorResponse('A parameter is invalid (the field is named)'),
      '404': errorResponse('No such quarantined record'),
    },
    ...extra,
  });
  return {
    '/quarantine': {
      get: operation('listQuarantine', 'Quarantined records with file, line, field and reason', {
        parameters: queryParameters(listQuery),
      }),
    },
    '/quarantine/{id}': { get: operation('getQuarantined', 'One quarantined record', { parameters: [id] }) },
    '/quarantine/{id}/readmit': {
      post: operation('readmitQuarantined', 'Fix a quarantined record and admit it (422 if still invalid)', {
        parameters: [id],
        requestBody: { content: { 'application/json': { schema: jsonSchemaOf(readmitBody) } } },
      }),
    },
    '/quarantine/{id}/discard': {
      post: operation('discardQuarantined', 'Discard a quarantined record (kept, marked discarded)', {
        parameters: [id],
      }),
    },
  };
}
