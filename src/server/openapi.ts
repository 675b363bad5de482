import { z } from 'zod';
import type { Aisle } from '../aisle.js';
import { AISLE_VERSION } from '../core/version.js';

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of what a record schema accepts (its input side). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  }) as JsonSchema;
  delete json['$schema'];
  return json;
}

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
      '/items': ingest('Items', 'ItemInput', 'Add or update catalogue items'),
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
        ItemInput: inputSchema(aisle.schemas.item),
        UserInput: {
          ...inputSchema(aisle.schemas.user),
          description:
            'Also accepts gender, age, ageBand, region and occupation, which are stored apart as protected attributes.',
          additionalProperties: true,
        },
        EventInput: inputSchema(aisle.schemas.event),
        IngestResponse: ingestResponseSchema,
        Error: errorSchema,
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
