import { z } from 'zod';
import { parseTimestamp } from '../../core/time.js';

/**
 * Field schemas shared by the record schemas. Every one accepts what a JSON body sends and what a CSV
 * cell holds (text), so one schema validates both; each failure carries a reason code in `params`.
 */

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** An entity id: non-empty text (or an integer, read as text), at most 256 characters, no control characters. */
export const idField = z
  .union([z.string(), z.number().int().nonnegative()], {
    error: (issue) =>
      issue.input === undefined ? 'is missing' : `must be a text or integer id, got ${describe(issue.input)}`,
  })
  .transform((value, ctx) => {
    const text = String(value).trim();
    if (text === '')
      ctx.addIssue({ code: 'custom', message: 'is empty', params: { reason: 'missing_field' } });
    else if (text.length > 256)
      ctx.addIssue({
        code: 'custom',
        message: 'is longer than 256 characters',
        params: { reason: 'too_long' },
      });
    else if (CONTROL_CHARS.test(text))
      ctx.addIssue({
        code: 'custom',
        message: 'contains control characters',
        params: { reason: 'invalid_value' },
      });
    return text;
  });

/** Free text up to `max` characters; empty text counts as absent. */
export function textField(max: number) {
  return z
    .string({ error: (issue) => `must be text, got ${describe(issue.input)}` })
    .transform((value, ctx) => {
      const text = value.trim();
      if (text.length > max) {
        ctx.addIssue({
          code: 'custom',
          message: `is longer than ${max} characters`,
          params: { reason: 'too_long' },
        });
      }
      return text === '' ? undefined : text;
    });
}

/** A finite number, given as a number or as numeric text. */
export const numberField = z
  .union([z.number(), z.string()], { error: (issue) => `must be a number, got ${describe(issue.input)}` })
  .transform((value, ctx) => {
    if (typeof value === 'string' && value.trim() === '') return undefined;
    const number = typeof value === 'number' ? value : Number(value.trim());
    if (!Number.isFinite(number)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a number, got ${describe(value)}`,
        params: { reason: 'invalid_type' },
      });
      return z.NEVER;
    }
    return number;
  });

/** A timestamp (Unix seconds or milliseconds, or ISO 8601), read into epoch milliseconds. */
export const timestampField = z
  .union([z.number(), z.string()], {
    error: (issue) =>
      issue.input === undefined ? 'is missing' : `must be a timestamp, got ${describe(issue.input)}`,
  })
  .transform((value, ctx) => {
    const ms = parseTimestamp(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be Unix seconds, Unix milliseconds or an ISO 8601 date, got ${describe(value)}`,
        params: { reason: 'invalid_timestamp' },
      });
      return z.NEVER;
    }
    return ms;
  });

/** A yes/no value: a boolean, 1/0, or true/false/yes/no/y/n text. */
export const booleanField = z
  .union([z.boolean(), z.number(), z.string()], {
    error: (issue) => `must be true or false, got ${describe(issue.input)}`,
  })
  .transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (text === '') return undefined;
    if (['1', 'true', 'yes', 'y', 't'].includes(text)) return true;
    if (['0', 'false', 'no', 'n', 'f'].includes(text)) return false;
    ctx.addIssue({
      code: 'custom',
      message: `must be true or false, got ${describe(value)}`,
      params: { reason: 'invalid_type' },
    });
    return z.NEVER;
  });

/** A list of strings: an array, or text separated by `separator` (also accepts a JSON array as text). */
export function listField(separator: RegExp, maxItems: number, maxLength: number) {
  return z
    .union([z.array(z.union([z.string(), z.number()])), z.string()], {
      error: (issue) => `must be a list, got ${describe(issue.input)}`,
    })
    .transform((value, ctx) => {
      let list: unknown[] = Array.isArray(value) ? value : [];
      if (typeof value === 'string') {
        const text = value.trim();
        list = text.startsWith('[') ? (parseJsonArray(text) ?? [text]) : text.split(separator);
      }
      const items = list.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
      if (items.length > maxItems) {
        ctx.addIssue({
          code: 'custom',
          message: `has more than ${maxItems} entries`,
          params: { reason: 'too_long' },
        });
      }
      if (items.some((entry) => entry.length > maxLength)) {
        ctx.addIssue({
          code: 'custom',
          message: `has an entry longer than ${maxLength} characters`,
          params: { reason: 'too_long' },
        });
      }
      return items;
    });
}

/** Flat key → value attributes: an object, or a JSON object given as text. */
export const attributesField = z
  .union([z.record(z.string(), z.unknown()), z.string()], {
    error: (issue) => `must be an object of name → value, got ${describe(issue.input)}`,
  })
  .transform((value, ctx) => {
    let object: unknown = value;
    if (typeof value === 'string') {
      if (value.trim() === '') return {};
      try {
        object = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not a JSON object', params: { reason: 'invalid_type' } });
        return z.NEVER;
      }
    }
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an object of name → value',
        params: { reason: 'invalid_type' },
      });
      return z.NEVER;
    }
    const attributes: Record<string, string | number | boolean> = {};
    for (const [key, entry] of Object.entries(object)) {
      if (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean')
        attributes[key] = entry;
      else if (entry !== null && entry !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `attribute "${key}" must be text, a number or a boolean`,
          params: { reason: 'invalid_type' },
        });
      }
    }
    return attributes;
  });

function parseJsonArray(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A short description of a value for error messages: its JSON, cut to 60 characters. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
