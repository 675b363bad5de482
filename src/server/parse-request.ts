import { z } from 'zod';
import { AisleError } from '../core/errors.js';

/**
 * Validates one part of a request (query, params, body) with a zod schema. A failure is a 400
 * VALIDATION_FAILED naming each field and why, e.g. `k: Too big: expected number to be <=200`.
 */
export function parseRequestPart<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  part: 'query' | 'params' | 'body',
): z.output<Schema> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || part,
    message: issue.message,
  }));
  throw new AisleError(
    'VALIDATION_FAILED',
    `Invalid ${part}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    { part, issues, field: issues[0]?.field },
  );
}

/** A query-string boolean: true/false/1/0. */
export const queryBoolean = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');
