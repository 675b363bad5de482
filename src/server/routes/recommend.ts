import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Aisle } from '../../aisle.js';
import { AisleError } from '../../core/errors.js';
import {
  type ItemGroupingName,
  type RerankerName,
  itemGroupingNames,
  rerankerNames,
} from '../../core/fairness-config.js';
import {
  type ItemFilter,
  mergeFilters,
  normaliseCategory,
  parseFilterExpression,
} from '../../rank/filters.js';
import type { RecommendOptions } from '../../serve/recommendation-service.js';
import type { ServingRuntime } from '../../serve/serving.js';
import { priceTertiles, profileOf } from '../../serve/user-profile.js';
import { isAdmin } from '../auth.js';
import { errorResponse, jsonSchemaOf, queryParameters } from '../openapi-schema.js';
import { parseRequestPart, queryBoolean } from '../parse-request.js';

const idText = z.string().min(1, 'must not be empty').max(200, 'is at most 200 characters');
const commaList = z
  .string()
  .max(20_000)
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  );

/** What every recommendation call may say (query string, or the body of POST /recommend/session). */
const optionFields = {
  k: z.coerce.number().int().min(1).max(200).optional(),
  scenario: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'is a scenario name (letters, digits, _ and -)')
    .optional(),
  /** The compact filter expression: `category:服装;brand:Nike;price:50-200;inStock:true;exclude:a,b`. */
  filter: z.string().max(20_000).optional(),
  category: commaList.optional(),
  brand: commaList.optional(),
  minPrice: z.coerce.number().min(0).optional(),
  maxPrice: z.coerce.number().min(0).optional(),
  inStock: queryBoolean.optional(),
  exclude: commaList.optional(),
  excludePurchased: queryBoolean.optional(),
  diversity: z.coerce.number().min(0).max(1).optional(),
  lang: z.enum(['zh', 'en']).optional(),
  /** Overrides the scenario's fairness re-ranker for this request (`none` turns it off). */
  fairness: z.enum(['none', ...rerankerNames]).optional(),
  fairnessStrength: z.coerce.number().min(0).max(1).optional(),
  /** The item groups `fair-star`, `exposure` and `amortized-exposure` act on for this request. */
  fairnessGrouping: z.enum(itemGroupingNames).optional(),
  /** The group `fair-star` protects for this request (a label of the item grouping). */
  fairnessProtectedGroup: z.string().min(1).max(200).optional(),
};

const recommendQuery = z.object(optionFields).strict();
const popularQuery = recommendQuery;
const userParams = z.object({ userId: idText }).strict();
const itemParams = z.object({ itemId: idText }).strict();
const profileQuery = z.object({ includeProtected: queryBoolean.optional() }).strict();

const sessionItem = z.union([
  idText.transform((itemId) => ({ itemId })),
  z
    .object({
      itemId: idText,
      action: z
        .string()
        .regex(/^[a-z][a-z0-9_-]{0,31}$/)
        .optional(),
    })
    .strict(),
]);

const sessionBody = z
  .object({
    items: z.array(sessionItem).min(1, 'needs at least one item').max(500, 'holds at most 500 items'),
    ...optionFields,
    // In a JSON body booleans and lists come as JSON, not text.
    category: z.array(z.string()).optional(),
    brand: z.array(z.string()).optional(),
    exclude: z.array(z.string()).max(10_000).optional(),
    inStock: z.boolean().optional(),
    excludePurchased: z.boolean().optional(),
  })
  .strict();

type OptionInput = {
  k?: number | undefined;
  scenario?: string | undefined;
  filter?: string | undefined;
  category?: string[] | undefined;
  brand?: string[] | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  inStock?: boolean | undefined;
  exclude?: string[] | undefined;
  excludePurchased?: boolean | undefined;
  diversity?: number | undefined;
  lang?: 'zh' | 'en' | undefined;
  fairness?: 'none' | RerankerName | undefined;
  fairnessStrength?: number | undefined;
  fairnessGrouping?: ItemGroupingName | undefined;
  fairnessProtectedGroup?: string | undefined;
};

/** The request's options: the filter expression and the single parameters, merged. */
function optionsOf(input: OptionInput): RecommendOptions {
  const single: ItemFilter = {};
  if (input.category) single.categories = input.category.map(normaliseCategory);
  if (input.brand) single.brands = input.brand;
  if (input.minPrice !== undefined) single.minPrice = input.minPrice;
  if (input.maxPrice !== undefined) single.maxPrice = input.maxPrice;
  if (input.inStock !== undefined) single.inStockOnly = input.inStock;
  if (input.exclude) single.excludeIds = input.exclude;
  const expression = input.filter ? parseFilterExpression(input.filter) : undefined;
  const options: RecommendOptions = { filter: mergeFilters(expression, single) };
  if (input.k !== undefined) options.k = input.k;
  if (input.scenario !== undefined) options.scenario = input.scenario;
  if (input.diversity !== undefined) options.diversity = input.diversity;
  if (input.excludePurchased !== undefined) options.excludePurchased = input.excludePurchased;
  if (input.lang !== undefined) options.lang = input.lang;
  const fairness: NonNullable<RecommendOptions['fairness']> = {};
  if (input.fairness !== undefined) fairness.reranker = input.fairness;
  if (input.fairnessStrength !== undefined) fairness.strength = input.fairnessStrength;
  if (input.fairnessGrouping !== undefined) fairness.itemGrouping = input.fairnessGrouping;
  if (input.fairnessProtectedGroup !== undefined) fairness.protectedGroup = input.fairnessProtectedGroup;
  if (Object.keys(fairness).length > 0) options.fairness = fairness;
  return options;
}

/**
 * The recommendation API (docs/api.md): the home feed, item pages, carts and anonymous sessions,
 * bought-together, popular lists, interpretable user profiles, and erasing a user.
 */
export function registerRecommendRoutes(app: FastifyInstance, aisle: Aisle, serving: ServingRuntime): void {
  const recommend = { config: { scope: 'recommend' as const } };
  const service = serving.service;

  app.get('/recommend/:userId', recommend, async (request) => {
    const { userId } = parseRequestPart(userParams, request.params, 'params');
    const query = parseRequestPart(recommendQuery, request.query, 'query');
    return service.forUser(userId, optionsOf(query));
  });

  app.post('/recommend/session', recommend, async (request) => {
    const body = parseRequestPart(sessionBody, request.body, 'body');
    return service.forSession(body.items, optionsOf(body));
  });

  app.get('/items/:itemId/similar', recommend, async (request) => {
    const { itemId } = parseRequestPart(itemParams, request.params, 'params');
    const query = parseRequestPart(recommendQuery, request.query, 'query');
    return service.similar(itemId, optionsOf(query));
  });

  app.get('/items/:itemId/bought-together', recommend, async (request) => {
    const { itemId } = parseRequestPart(itemParams, request.params, 'params');
    const query = parseRequestPart(recommendQuery, request.query, 'query');
    return service.boughtTogether(itemId, optionsOf(query));
  });

  app.get('/popular', recommend, async (request) => {
    const query = parseRequestPart(popularQuery, request.query, 'query');
    return service.popular(optionsOf(query));
  });

  let tertiles: { size: number; value: [number, number] } | undefined;
  app.get('/users/:userId/profile', recommend, async (request) => {
    const { userId } = parseRequestPart(userParams, request.params, 'params');
    const { includeProtected } = parseRequestPart(profileQuery, request.query, 'query');
    if (includeProtected && !isAdmin(request))
      throw new AisleError('FORBIDDEN', 'Protected attributes are shown to admin keys only', {
        field: 'includeProtected',
      });
    const catalogue = serving.catalogue.items;
    if (tertiles?.size !== catalogue.size)
      tertiles = { size: catalogue.size, value: priceTertiles(catalogue) };
    const activity = await serving.activity.read(userId);
    const profile = profileOf(activity, catalogue, tertiles.value);
    if (!includeProtected) return profile;
    const [attributes] = await aisle.store.getProtected([userId]);
    return { ...profile, protected: attributes ?? null };
  });

  app.delete('/users/:userId', { config: { scope: 'admin' } }, async (request) => {
    const { userId } = parseRequestPart(userParams, request.params, 'params');
    const erased = await aisle.store.deleteUser(userId);
    serving.eventsChanged([userId]);
    if (!erased.found) throw new AisleError('NOT_FOUND', `No user ${userId}`, { userId });
    request.log.info({ userId, events: erased.events }, 'user erased');
    return { userId, erased: true, events: erased.events };
  });

  app.get('/model', recommend, async () => {
    const served = serving.models.current;
    return {
      served: served ? { version: served.version, loadedAt: served.loadedAt, ...served.trained.info } : null,
      training: serving.trainingStatus,
    };
  });

  app.post('/model/train', { config: { scope: 'admin' } }, async (_request, reply) => {
    if (serving.trainingStatus.running)
      throw new AisleError('CONFLICT', 'A training is already running; GET /model shows its progress');
    void serving.retrain();
    return reply.status(202).send({ started: true, model: aisle.config.serving.defaultModel });
  });
}

/** The recommendation routes in the OpenAPI document (built from the schemas above). */
export function recommendOpenApiPaths(): Record<string, unknown> {
  const error = errorResponse;
  const result = {
    description: 'Ranked items, each with score, calibrated confidence, reasons and a text',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Recommendations' } } },
  };
  const pathId = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  const read = (operationId: string, summary: string, parameters: unknown[]) => ({
    get: {
      operationId,
      summary,
      tags: ['recommend'],
      'x-aisle-scope': 'recommend',
      parameters,
      responses: {
        '200': result,
        '400': error('A parameter is invalid (the field is named)'),
        '404': error('No such item'),
      },
    },
  });
  const options = queryParameters(recommendQuery);
  return {
    '/recommend/{userId}': read('recommendForUser', 'Home feed for a user', [pathId('userId'), ...options]),
    '/recommend/session': {
      post: {
        operationId: 'recommendForSession',
        summary: 'Recommendations for a cart or an anonymous session (item ids in)',
        tags: ['recommend'],
        'x-aisle-scope': 'recommend',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: jsonSchemaOf(sessionBody) } },
        },
        responses: { '200': result, '400': error('The body is invalid (the field is named)') },
      },
    },
    '/items/{itemId}/similar': read('similarItems', 'Items like this one (item page)', [
      pathId('itemId'),
      ...options,
    ]),
    '/items/{itemId}/bought-together': read('boughtTogether', 'Items bought with this one', [
      pathId('itemId'),
      ...options,
    ]),
    '/popular': read('popular', 'Popular items (time-decayed), optionally per category', options),
    '/users/{userId}/profile': {
      get: {
        operationId: 'userProfile',
        summary: 'Interpretable profile: category, brand and price-band affinities, activity, segment',
        tags: ['recommend'],
        'x-aisle-scope': 'recommend',
        parameters: [pathId('userId'), ...queryParameters(profileQuery)],
        responses: {
          '200': { description: 'The profile' },
          '403': error('includeProtected needs an admin key'),
        },
      },
    },
    '/users/{userId}': {
      delete: {
        operationId: 'eraseUser',
        summary: "Erase a user's events, protected attributes, queries and quarantined records (admin)",
        tags: ['recommend'],
        'x-aisle-scope': 'admin',
        parameters: [pathId('userId')],
        responses: { '200': { description: 'Erased' }, '404': error('No such user') },
      },
    },
    '/model': {
      get: {
        operationId: 'model',
        summary: 'The served model version, its training facts and the training status',
        tags: ['recommend'],
        'x-aisle-scope': 'recommend',
        responses: { '200': { description: 'Served model and training status' } },
      },
    },
    '/model/train': {
      post: {
        operationId: 'trainModel',
        summary: 'Retrain the default model in the background; swapped in when done (admin)',
        tags: ['recommend'],
        'x-aisle-scope': 'admin',
        responses: {
          '202': { description: 'Training started' },
          '409': error('A training is already running'),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary:
          'Prometheus metrics: latency per route, model version and age, cache hit rate, shedding (admin)',
        tags: ['operations'],
        'x-aisle-scope': 'admin',
        responses: { '200': { description: 'Prometheus text format' } },
      },
    },
  };
}

/** The schema of a recommendation list (GET /recommend/…, /popular, /items/…). */
export const recommendationsOpenApiSchema = {
  type: 'object',
  required: ['items', 'model', 'scenario'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['itemId', 'score', 'confidence', 'reasons', 'text'],
        properties: {
          itemId: { type: 'string' },
          title: { type: 'string' },
          score: { type: 'number' },
          confidence: {
            type: 'number',
            nullable: true,
            description: 'Calibrated probability of interaction',
          },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              required: ['kind', 'weight', 'evidence'],
              properties: {
                kind: { type: 'string' },
                weight: { type: 'number', description: "The reason's part of the score" },
                evidence: { type: 'object' },
              },
            },
          },
          text: { type: 'string', description: 'A short explanation in the requested language' },
        },
      },
    },
    model: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' } } },
    scenario: { type: 'string' },
    coldStart: { type: 'boolean' },
  },
};
