import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema (OpenAPI 3.0 dialect) of what a zod schema accepts: its input side. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'openapi-3.0',
  }) as JsonSchema;
  delete json['$schema'];
  return json;
}

/** One OpenAPI query parameter per property of an object schema. */
export function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const properties = (jsonSchemaOf(schema)['properties'] ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', schema: property }));
}

/** An error response of the OpenAPI document. */
export function errorResponse(description: string): JsonSchema {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}
