import type { z } from 'zod';
import type { RecordProblem } from '../../store/store.js';

/** The outcome of validating one record. */
export type Validated<T> = { ok: true; value: T } | { ok: false; problems: RecordProblem[] };

/**
 * Validates `input` with `schema` and turns zod issues into problems a user can act on:
 * the field, a stable reason code (missing_field, invalid_type, unknown_event_type …) and a message.
 */
export function validateRecord<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map(issueToProblem) };
}

function issueToProblem(issue: z.core.$ZodIssue): RecordProblem {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  if (issue.code === 'unrecognized_keys') {
    return {
      field: issue.keys.join(', '),
      reason: 'unknown_field',
      message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`,
    };
  }
  const missing = 'input' in issue && issue.input === undefined && issue.code !== 'custom';
  const reason = missing ? 'missing_field' : reasonOf(issue);
  const message = missing ? 'is missing' : issue.message;
  return { field, reason, message: field === null ? message : `${field} ${message}` };
}

function reasonOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') {
    const reason = (issue.params as { reason?: unknown } | undefined)?.reason;
    return typeof reason === 'string' ? reason : 'invalid_value';
  }
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') return 'invalid_type';
  if (issue.code === 'too_big' || issue.code === 'too_small') return 'out_of_range';
  return 'invalid_value';
}
