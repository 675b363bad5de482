import type { Aisle } from '../aisle.js';
import { AISLE_VERSION } from '../core/version.js';
import { type JsonSchema, jsonSchemaOf } from './openapi-schema.js';
import { quarantineOpenApiPaths } from './routes/quarantine.js';
import { recommendOpenApiPaths, recommendationsOpenApiSchema } from './routes/recommend.js';
import { searchOpenApiPaths } from './routes/search.js';

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

const ingestResponseSchema: JsonSchema = {
  type: 'object',
  required: ['accepted', 'duplicates', 'quarantined', 'batchId', 'errors'],
  properties: {
    accepted: { type: 'integer', description: 'Records stored (new or changed).' },
    duplicates: { type: 'integer', description: 'Records already stored as sent: nothing changed.' },
    quarantined: { type: 'integer', description: 'Records rejected and kept in quarantine.' },
    batchId: { type: 'integer' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer', description: '0-based position of the record in the request.' },
          field: { type: 'string', nullable: true },
          reason: {
            type: 'string',
            description: 'Stable reason code, e.g. missing_field, unknown_event_type.',
          },
          message: { type: 'string' },
          quarantined: { type: 'boolean' },
        },
      },
    },
  },
};

/** A finding of the quality gate (docs/quality.md). */
const qualityFindingSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    subject: { type: 'string', enum: ['user', 'item'] },
    subjectId: { type: 'string' },
    detector: { type: 'string', enum: ['bot', 'burst', 'lockstep', 'shilling'] },
    score: { type: 'number', minimum: 0, maximum: 1 },
    action: { type: 'string', enum: ['flag', 'down-weight', 'exclude', 'quarantine'] },
    weight: {
      type: 'number',
      description: 'Training weight of the covered events while the finding applies.',
    },
    covers: { type: 'string', enum: ['all', 'listed'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    evidence: { type: 'object' },
    status: { type: 'string', enum: ['open', 'confirmed', 'readmitted', 'cleared'] },
    listedEvents: { type: 'integer' },
  },
};

/** The quality gate's routes: all admin-only (`x-aisle-scope: admin`; the auth layer enforces it). */
function qualityPaths(): JsonSchema {
  const admin = (operationId: string, summary: string, extra: JsonSchema = {}) => ({
    operationId,
    summary: `${summary} (admin)`,
    tags: ['quality'],
    'x-aisle-scope': 'admin',
    responses: {
      '200': { description: 'OK' },
      '400': {
        description: 'Invalid query, path or body',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      '404': {
        description: 'No such finding',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
    ...extra,
  });
  const query = (name: string, schema: JsonSchema, description: string) => ({
    name,
    in: 'query',
    schema,
    description,
  });
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
  return {
    '/quality/report': {
      get: admin(
        'qualityReport',
        'Check results with their trend, detector findings, most suspicious users and items',
        {
          parameters: [
            query('runs', { type: 'integer', default: 20 }, 'batches in each trend'),
            query('top', { type: 'integer', default: 20 }, 'users and items listed'),
          ],
        },
      ),
    },
    '/quality/findings': {
      get: admin('qualityFindings', 'Findings for review, highest score first', {
        parameters: [
          query(
            'status',
            { type: 'string', enum: ['open', 'confirmed', 'readmitted', 'cleared', 'all'], default: 'open' },
            'review status',
          ),
          query('detector', { type: 'string' }, 'bot, burst, lockstep or shilling'),
          query('subject', { type: 'string', enum: ['user', 'item'] }, 'user or item findings'),
          query('minScore', { type: 'number' }, 'lowest score'),
          query(
            'order',
            { type: 'string', enum: ['score', 'id'], default: 'score' },
            'score: highest first; id: for paging',
          ),
          query('afterId', { type: 'integer' }, 'paging (with order=id)'),
          query('limit', { type: 'integer', default: 100 }, 'most findings returned'),
        ],
      }),
    },
    '/quality/findings/{id}': {
      get: admin(
        'qualityFinding',
        'One finding with its listed events and, for a user, their latest events',
        { parameters: [id] },
      ),
    },
    '/quality/findings/{id}/review': {
      post: admin('qualityReview', 'Confirm, re-admit or reopen a finding', {
        parameters: [id],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['decision'],
                properties: {
                  decision: { type: 'string', enum: ['confirm', 'readmit', 'reopen'] },
                  note: { type: 'string' },
                },
              },
            },
          },
        },
      }),
    },
    '/quality/scan': { post: admin('qualityScan', 'Run the detectors over every stored event') },
    '/quality/policy': {
      get: admin('qualityPolicy', 'The quality policy in force, defaults filled in'),
      put: admin('qualityPolicySet', 'Validate and store a quality policy', {
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
      }),
    },
    '/quality/runs': {
      get: admin('qualityRuns', 'Gate runs with their full summaries, newest first', {
        parameters: [query('limit', { type: 'integer', default: 20 }, 'most runs returned')],
      }),
    },
  };
}

/**
 * The OpenAPI 3.0 document, built from the same zod schemas that validate the records, so the
 * document cannot drift from what the server accepts.
 */
export function buildOpenApiDocument(aisle: Aisle): JsonSchema {
  const ingest = (name: string, schemaName: string, summary: string) => ({
    post: {
      summary,
      operationId: `ingest${name}`,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: [
                { $ref: `#/components/schemas/${schemaName}` },
                { type: 'array', items: { $ref: `#/components/schemas/${schemaName}` } },
                {
                  type: 'object',
                  properties: {
                    [name.toLowerCase()]: {
                      type: 'array',
                      items: { $ref: `#/components/schemas/${schemaName}` },
                    },
                  },
                },
              ],
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Some or all records accepted',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResponse' } } },
        },
        '400': {
          description: 'Every record was rejected (and quarantined), or the body is not JSON',
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  { $ref: '#/components/schemas/IngestResponse' },
                  { $ref: '#/components/schemas/Error' },
                ],
              },
            },
          },
        },
        '413': {
          description: 'Body or batch too large',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  });
  return {
    openapi: '3.0.3',
    info: {
      title: 'Aisle',
      version: AISLE_VERSION,
      description: 'E-commerce search and recommendation engine: ingestion, recommendations, search, audits.',
    },
    paths: {
      '/health': {
        get: {
          summary: 'Version, store status and trained models',
          operationId: 'health',
          responses: {
            '200': { description: 'Healthy' },
            '503': { description: 'The store does not answer' },
          },
        },
      },
      '/stats': {
        get: {
          summary: 'Counts of items, users, users with protected attributes, events and open quarantine',
          operationId: 'stats',
          responses: {
            '200': {
              description: 'Counts',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Stats' } } },
            },
          },
        },
      },
      '/items': {
        ...ingest('Items', 'ItemInput', 'Add or update catalogue items'),
        get: {
          operationId: 'getItems',
          summary: 'Catalogue items by id (`?ids=a,b,c`)',
          'x-aisle-scope': 'recommend',
          parameters: [{ name: 'ids', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The items found' } },
        },
      },
      '/items/{itemId}': {
        get: {
          operationId: 'getItem',
          summary: 'One catalogue item',
          'x-aisle-scope': 'recommend',
          parameters: [{ name: 'itemId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The item' }, '404': { description: 'No such item' } },
        },
      },
      '/stats/activity': {
        get: {
          operationId: 'statsActivity',
          summary: 'Events per day by type and the most active users (dashboard overview)',
          'x-aisle-scope': 'recommend',
          responses: { '200': { description: 'Activity series' } },
        },
      },
      '/stats/models': {
        get: {
          operationId: 'statsModels',
          summary: 'Stored model versions and evaluation reports (dashboard models page)',
          'x-aisle-scope': 'recommend',
          responses: { '200': { description: 'Versions and reports' } },
        },
      },
      '/users': ingest(
        'Users',
        'UserInput',
        'Add or update users (gender, age, region, occupation go to protected attributes)',
      ),
      '/events': ingest(
        'Events',
        'EventInput',
        'Record behaviour events (idempotent by eventId or by user, time, type and item)',
      ),
      ...qualityPaths(),
      '/fairness/report': {
        get: {
          operationId: 'fairnessReport',
          summary:
            'The latest fairness audit: metrics per user group (gap, bootstrap CI) and exposure per item group (admin)',
          tags: ['fairness'],
          'x-aisle-scope': 'admin',
          responses: {
            '200': {
              description: 'The audit as `aisle fairness audit --json` prints it, with its id and time',
            },
            '404': {
              description: 'No audit stored yet',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            },
          },
        },
      },
      '/fairness/live': {
        get: {
          operationId: 'fairnessLive',
          summary:
            'The amortized-exposure policies this server process serves: per item group its floor, offset and recent exposure share, served and as the model alone ranks (admin)',
          tags: ['fairness'],
          'x-aisle-scope': 'admin',
          responses: {
            '200': {
              description:
                '`{worker, pid, policies: [{policy, itemGrouping, strength, modelVersion, lists, listsTotal, relevanceScale, recentLists, gini: {model, served}, groups: [{group, itemShare, floor, offset, modelShare, servedShare}]}]}`',
            },
          },
        },
      },
      ...searchOpenApiPaths(),
      ...recommendOpenApiPaths(),
      ...quarantineOpenApiPaths(),
      '/openapi.json': {
        get: {
          summary: 'This document',
          operationId: 'openapi',
          responses: { '200': { description: 'OpenAPI 3.0 document' } },
        },
      },
    },
    components: {
      schemas: {
        ItemInput: jsonSchemaOf(aisle.schemas.item),
        UserInput: {
          ...jsonSchemaOf(aisle.schemas.user),
          description:
            'Also accepts gender, age, ageBand, region and occupation, which are stored apart as protected attributes.',
          additionalProperties: true,
        },
        EventInput: jsonSchemaOf(aisle.schemas.event),
        IngestResponse: ingestResponseSchema,
        Error: errorSchema,
        QualityFinding: qualityFindingSchema,
        Recommendations: recommendationsOpenApiSchema,
        Stats: {
          type: 'object',
          properties: Object.fromEntries(
            ['items', 'users', 'usersWithProtected', 'events', 'quarantined'].map((key) => [
              key,
              { type: 'integer' },
            ]),
          ),
        },
      },
    },
  };
}
