import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import { importObjects } from '../../ingest/import-objects.js';
import {
  closeSearchEngine,
  rebuildSearchIndex,
  searchEngineFor,
  searchEngineOpening,
} from '../../search/engine-registry.js';
import { parseSearchRequest, searchModes, searchSorts } from '../../search/search-request.js';

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
 * GET /search/suggest: completions of a typed prefix. GET /search/status: the index and encoder, or
 * the first build's progress while it runs.
 * POST /search/index: rebuild the index (`{"retrain": true}`: retrain the trained encoder instead).
 * POST /search/refresh: catch up with changed items and events now.
 */
export function registerSearchRoutes(
  app: FastifyInstance,
  aisle: Aisle,
  options: { prepare: boolean } = { prepare: false },
): void {
  const log = (message: string) => app.log.info(message);
  const engine = () => searchEngineFor(aisle, { log });
  if (options.prepare) {
    app.addHook('onReady', async () => {
      // Not awaited: the server listens meanwhile; a search before it is done waits for it.
      engine().catch((error: unknown) => app.log.error({ err: error }, 'search: opening the index failed'));
    });
  }

  app.get('/search', async (request) => {
    const searchRequest = parseSearchRequest(request.query);
    const response = await (await engine()).search(searchRequest);
    if (searchRequest.userId && searchRequest.q.trim().length > 0) {
      // The event id goes back to the client, which sends it as the sessionId of the clicks that
      // follow, so the behaviour log ties each click to the search (and shown results) behind it.
      const searchId = `search-${randomUUID()}`;
      logSearch(aisle, searchRequest.q, searchRequest.userId, searchId).catch((error: unknown) =>
        request.log.warn({ err: error }, 'search event not recorded'),
      );
      return { ...response, searchId };
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

  app.get('/search/status', async () => {
    const opening = engine();
    // Answers at once while the index is built, so a dashboard or a deploy script can watch it.
    const pending = searchEngineOpening(aisle);
    if (pending) return { ready: false, building: pending.progress ?? null };
    return (await opening).status();
  });

  app.post('/search/index', async (request) => {
    const parsed = indexBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      throw new AisleError(
        'VALIDATION_FAILED',
        `Send {"retrain": true|false}: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    const result = await rebuildSearchIndex(aisle, { log, retrain: parsed.data.retrain });
    // The responses as before: the build report, or {training} for a retrain.
    return parsed.data.retrain ? { training: result.training } : result.report;
  });

  app.post('/search/refresh', async () => (await engine()).refresh(true));

  app.addHook('onClose', async () => {
    await closeSearchEngine(aisle);
  });
}

/** A search event through the validated ingestion path, and the query into the query log. */
async function logSearch(aisle: Aisle, query: string, userId: string, searchId: string): Promise<void> {
  const timestamp = Date.now();
  await importObjects(aisle.importContext(), 'event', 'api:GET /search', [
    { eventId: searchId, userId, type: 'search', query: query.trim(), sessionId: searchId, timestamp },
  ]);
  await (await searchEngineFor(aisle)).recordSearch(query, userId, timestamp);
}

const queryParameter = (name: string, schema: Record<string, unknown>, description: string) => ({
  name,
  in: 'query',
  schema,
  description,
});

const searchResponseSchema = {
  type: 'object',
  required: ['hits', 'facets', 'total', 'tookMs'],
  properties: {
    hits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['itemId', 'score', 'title', 'reasons'],
        properties: {
          itemId: { type: 'string' },
          score: { type: 'number' },
          title: { type: 'string' },
          reasons: {
            type: 'array',
            description:
              "search-match reasons: which fields and terms matched, via exact / stem / typo / pinyin / translation / synonym / prefix, query words standing together (proximity), semantic similarity, the best matches' category (category feedback) / personal boost; weights add up to the score.",
            items: {
              type: 'object',
              properties: {
                kind: { type: 'string', enum: ['search-match'] },
                weight: { type: 'number' },
                text: { type: 'string' },
                evidence: { type: 'object' },
              },
            },
          },
          brand: { type: 'string' },
          category: { type: 'string' },
          price: { type: 'number' },
        },
      },
    },
    facets: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } },
      description: 'facet name → value → matching items',
    },
    total: { type: 'integer' },
    tookMs: { type: 'number' },
    page: { type: 'integer' },
    pageSize: { type: 'integer' },
    mode: { type: 'string', enum: ['hybrid', 'lexical', 'semantic'] },
    semantic: { type: 'string', description: 'The encoder that served the semantic side, or why none did.' },
    searchId: {
      type: 'string',
      description:
        'With a userId: the id of the logged search event; send it as sessionId of the clicks that follow.',
    },
  },
};

/** The OpenAPI entries of GET /search and GET /search/suggest (merged into the server's document). */
export function searchOpenApiPaths(): Record<string, unknown> {
  const badRequest = {
    description: 'A parameter is invalid (INVALID_ARGUMENT names it)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  return {
    '/search': {
      get: {
        summary: 'Hybrid product search (Chinese and English, pinyin, typos, facets, personalisation)',
        operationId: 'search',
        parameters: [
          queryParameter('q', { type: 'string', maxLength: 500 }, 'The query; empty lists items.'),
          queryParameter(
            'filters',
            { type: 'string' },
            'JSON: {"category","brand","seller","price":{"min","max"},"inStock","attributes":{…}}',
          ),
          queryParameter(
            'facets',
            { type: 'string' },
            'Comma-separated: category,brand,seller,price,inStock or an attribute key',
          ),
          queryParameter('page', { type: 'integer', minimum: 1, maximum: 1000 }, 'Page number, from 1'),
          queryParameter('pageSize', { type: 'integer', minimum: 1, maximum: 100 }, 'Hits per page'),
          queryParameter(
            'userId',
            { type: 'string' },
            'Re-rank for this user; the search is logged as a search event',
          ),
          queryParameter('lang', { type: 'string', enum: ['zh', 'en'] }, 'Language of the reason texts'),
          queryParameter('sort', { type: 'string', enum: [...searchSorts] }, 'Default relevance'),
          queryParameter('mode', { type: 'string', enum: [...searchModes] }, 'Default hybrid'),
          queryParameter(
            'semanticWeight',
            { type: 'number', minimum: 0, maximum: 1 },
            'Weight of the semantic list in fusion',
          ),
          queryParameter('fusion', { type: 'string', enum: ['rrf', 'blend'] }, 'Fusion method'),
        ],
        responses: {
          '200': {
            description: 'Hits, facets, total',
            content: { 'application/json': { schema: searchResponseSchema } },
          },
          '400': badRequest,
        },
      },
    },
    '/search/status': {
      get: {
        summary:
          'The search index and encoder; while the first index is built, its progress (answered at once)',
        operationId: 'searchStatus',
        responses: {
          '200': {
            description: 'ready: true with the index, or ready: false with the build progress',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['ready'],
                  properties: {
                    ready: { type: 'boolean' },
                    building: {
                      type: 'object',
                      nullable: true,
                      description: 'While not ready: the latest progress (null until the first comes)',
                      properties: {
                        phase: {
                          type: 'string',
                          enum: ['read', 'index', 'popularity', 'suggest', 'train', 'embed', 'save'],
                        },
                        done: { type: 'number' },
                        total: { type: 'number' },
                        loss: { type: 'number' },
                      },
                    },
                    items: { type: 'integer' },
                    terms: { type: 'integer' },
                    semantic: { type: 'string' },
                    encoder: { type: 'object' },
                    vectors: { type: 'object' },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/search/suggest': {
      get: {
        summary:
          'Completions of a typed prefix from catalogue terms and past queries (pinyin prefixes and initials too)',
        operationId: 'searchSuggest',
        parameters: [
          queryParameter('q', { type: 'string', maxLength: 200 }, 'What has been typed so far'),
          queryParameter('limit', { type: 'integer', minimum: 1, maximum: 50 }, 'Default 10'),
        ],
        responses: {
          '200': {
            description: 'Suggestions',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    suggestions: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          text: { type: 'string' },
                          source: { type: 'string', enum: ['catalogue', 'query'] },
                          match: { type: 'string', enum: ['prefix', 'pinyin', 'initials'] },
                          score: { type: 'number' },
                        },
                      },
                    },
                    tookMs: { type: 'number' },
                  },
                },
              },
            },
          },
          '400': badRequest,
        },
      },
    },
  };
}
