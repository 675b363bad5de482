import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { importObjects } from '../../ingest/import-objects.js';
import { closeSearchEngine, searchEngineFor } from '../../search/engine-registry.js';
import { parseSearchRequest } from '../../search/search-request.js';

const suggestParamsSchema = z
  .object({
    q: z.string().max(200, 'q is at most 200 characters').default(''),
    limit: z.coerce.number().int().min(1, 'limit is at least 1').max(50, 'limit is at most 50').default(10),
  })
  .strict();

const indexBodySchema = z.object({ retrain: z.boolean().default(false) }).strict();

/**
 * GET /search: hybrid product search with filters, facets, pages and per-user re-ranking; a search
 * with a userId is logged as a `search` event and into the query log.
 * GET /search/suggest: completions of a typed prefix. GET /search/status: the index and encoder.
 * POST /search/index: rebuild the index (`{"retrain": true}`: retrain the trained encoder instead).
 * POST /search/refresh: catch up with changed items and events now.
 */
export function registerSearchRoutes(app: FastifyInstance, aisle: Aisle): void {
  const log = (message: string) => app.log.info(message);
  const engine = () => searchEngineFor(aisle, { log });

  app.get('/search', async (request) => {
    const searchRequest = parseSearchRequest(request.query);
    const response = await (await engine()).search(searchRequest);
    if (searchRequest.userId && searchRequest.q.trim().length > 0) {
      logSearch(aisle, searchRequest.q, searchRequest.userId).catch((error: unknown) =>
        request.log.warn({ err: error }, 'search event not recorded'),
      );
    }
    return response;
  });

  app.get('/search/suggest', async (request) => {
    const parsed = suggestParamsSchema.safeParse(request.query ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AisleError(
        'INVALID_ARGUMENT',
        `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const started = performance.now();
    const suggestions = (await engine()).suggest(parsed.data.q, parsed.data.limit);
    return { suggestions, tookMs: Math.round((performance.now() - started) * 100) / 100 };
  });

  app.get('/search/status', async () => (await engine()).status());

  app.post('/search/index', async (request) => {
    const parsed = indexBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      throw new AisleError(
        'VALIDATION_FAILED',
        `Send {"retrain": true|false}: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    const search = await engine();
    if (parsed.data.retrain) return { training: await search.retrainEncoder() };
    return search.build();
  });

  app.post('/search/refresh', async () => (await engine()).refresh(true));

  app.addHook('onClose', async () => {
    await closeSearchEngine(aisle);
  });
}

/** A search event through the validated ingestion path, and the query into the query log. */
async function logSearch(aisle: Aisle, query: string, userId: string): Promise<void> {
  const timestamp = Date.now();
  await importObjects(aisle.importContext(), 'event', 'api:GET /search', [
    { userId, type: 'search', query: query.trim(), timestamp },
  ]);
  await (await searchEngineFor(aisle)).recordSearch(query, userId, timestamp);
}
