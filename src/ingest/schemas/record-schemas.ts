import { z } from 'zod';
import { ageToBand } from '../../core/entities.js';
import type { Item, ProtectedAttributes, User } from '../../core/entities.js';
import type { Event } from '../../core/event.js';
import { formatTimestamp } from '../../core/time.js';
import type { QueryRecord } from '../../store/store.js';
import {
  attributesField,
  booleanField,
  describe,
  idField,
  listField,
  numberField,
  textField,
  timestampField,
} from './fields.js';

/** Text that must be present. */
function requiredText(max: number) {
  return textField(max).refine((value) => value !== undefined, {
    message: 'is missing',
    params: { reason: 'missing_field' },
  });
}

/** A catalogue record. Unknown keys are rejected (CSV/JSON readers move extra columns into `attributes`). */
export const itemInputSchema = z
  .object({
    id: idField,
    title: requiredText(1000),
    description: textField(20_000).optional(),
    categoryPath: listField(/\s*[>›]\s*|\s*\/\s*/, 10, 200).optional(),
    brand: textField(200).optional(),
    price: numberField
      .refine((value) => value === undefined || value >= 0, {
        message: 'must not be negative',
        params: { reason: 'out_of_range' },
      })
      .optional(),
    currency: textField(3)
      .refine((value) => value === undefined || /^[A-Za-z]{3}$/.test(value), {
        message: 'must be an ISO 4217 code such as CNY or USD',
        params: { reason: 'invalid_value' },
      })
      .optional(),
    sellerId: idField.optional(),
    attributes: attributesField.optional(),
    tags: listField(/\s*[|,;，；]\s*/, 200, 200).optional(),
    language: textField(35)
      .refine((value) => value === undefined || /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(value), {
        message: 'must be a language tag such as zh, en or zh-CN',
        params: { reason: 'invalid_value' },
      })
      .optional(),
    createdAt: timestampField.optional(),
    available: booleanField.optional(),
  })
  .strict()
  .transform((input): Item => {
    const item: Item = {
      id: input.id,
      title: input.title as string,
      categoryPath: input.categoryPath ?? [],
      attributes: input.attributes ?? {},
      tags: input.tags ?? [],
      available: input.available ?? true,
    };
    if (input.description !== undefined) item.description = input.description;
    if (input.brand !== undefined) item.brand = input.brand;
    if (input.price !== undefined) item.price = input.price;
    if (input.currency !== undefined) item.currency = input.currency.toUpperCase();
    if (input.sellerId !== undefined) item.sellerId = input.sellerId;
    if (input.language !== undefined) item.language = input.language;
    if (input.createdAt !== undefined) item.createdAt = input.createdAt;
    return item;
  });

/** Normalises common spellings of gender; anything else is kept, lower-cased. */
function normaliseGender(value: string): string {
  const text = value.trim().toLowerCase();
  if (['m', 'male', 'man', '男', '男性'].includes(text)) return 'male';
  if (['f', 'female', 'woman', '女', '女性'].includes(text)) return 'female';
  return text;
}

/** Sensitive attributes. `age` is accepted and stored only as its band. */
export const protectedInputSchema = z
  .object({
    userId: idField,
    gender: textField(50).optional(),
    age: numberField
      .refine((value) => value === undefined || (value >= 0 && value <= 130), {
        message: 'must be an age in years from 0 to 130',
        params: { reason: 'out_of_range' },
      })
      .optional(),
    ageBand: textField(50).optional(),
    region: textField(100).optional(),
    occupation: textField(100).optional(),
    other: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  })
  .strict()
  .transform((input): ProtectedAttributes => {
    const record: ProtectedAttributes = { userId: input.userId, other: input.other ?? {} };
    if (input.gender !== undefined) record.gender = normaliseGender(input.gender);
    const band = input.ageBand ?? (input.age !== undefined ? ageToBand(input.age) : undefined);
    if (band !== undefined) record.ageBand = band;
    if (input.region !== undefined) record.region = input.region;
    if (input.occupation !== undefined) record.occupation = input.occupation;
    return record;
  });

/** A user with non-sensitive attributes only (readers route sensitive columns to `protectedInputSchema`). */
export const userInputSchema = z
  .object({
    id: idField,
    attributes: attributesField.optional(),
    createdAt: timestampField.optional(),
  })
  .strict()
  .transform((input): User => {
    const user: User = { id: input.id, attributes: input.attributes ?? {} };
    if (input.createdAt !== undefined) user.createdAt = input.createdAt;
    return user;
  });

/** What the event schema checks beyond shape; comes from the config (`events.*`). */
export interface EventRules {
  /** Known event types (built-in and custom). */
  types: ReadonlySet<string>;
  /** Other spellings → known type. */
  aliases: Readonly<Record<string, string>>;
  ratingMin: number;
  ratingMax: number;
  /** Earliest accepted timestamp (epoch ms). */
  earliest: number;
  /** Latest accepted timestamp is now + this. */
  futureToleranceMs: number;
  /** The clock, for the future check (injectable for tests). */
  now: () => number;
}

/**
 * Builds the event schema for a shop's rules: known types (aliases resolved), ratings on the scale,
 * timestamps between the shop's start and now (plus clock skew), items present where the type needs one.
 */
export function createEventInputSchema(rules: EventRules) {
  const typeField = z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'is missing' : `must be text, got ${describe(issue.input)}`,
    })
    .transform((value, ctx) => {
      const text = value.trim().toLowerCase();
      const type = rules.aliases[text] ?? text;
      if (!rules.types.has(type)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a known event type (known: ${[...rules.types].join(', ')}; declare custom types in events.weights)`,
          params: { reason: 'unknown_event_type' },
        });
        return z.NEVER;
      }
      return type;
    });

  return z
    .object({
      eventId: idField.optional(),
      userId: idField,
      itemId: idField.optional(),
      type: typeField,
      value: numberField.optional(),
      query: textField(1000).optional(),
      sessionId: idField.optional(),
      timestamp: timestampField,
      dwellMs: numberField
        .refine((value) => value === undefined || (Number.isInteger(value) && value >= 0), {
          message: 'must be a whole number of milliseconds, zero or more',
          params: { reason: 'out_of_range' },
        })
        .optional(),
    })
    .strict()
    .superRefine((event, ctx) => {
      const latest = rules.now() + rules.futureToleranceMs;
      if (event.timestamp > latest) {
        ctx.addIssue({
          code: 'custom',
          path: ['timestamp'],
          message: `${formatTimestamp(event.timestamp)} is in the future (latest accepted: ${formatTimestamp(latest)})`,
          params: { reason: 'timestamp_in_future' },
        });
      } else if (event.timestamp < rules.earliest) {
        ctx.addIssue({
          code: 'custom',
          path: ['timestamp'],
          message: `${formatTimestamp(event.timestamp)} is before the shop's start (events.earliest = ${formatTimestamp(rules.earliest)})`,
          params: { reason: 'timestamp_too_old' },
        });
      }
      if (event.type === 'search') {
        if (event.query === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['query'],
            message: 'is missing (a search event needs its query)',
            params: { reason: 'missing_field' },
          });
        }
      } else if (event.itemId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['itemId'],
          message: `is missing (a ${event.type} event needs an item)`,
          params: { reason: 'missing_field' },
        });
      }
      if (event.type === 'rating') {
        if (event.value === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: 'is missing (a rating event needs its rating)',
            params: { reason: 'missing_field' },
          });
        } else if (event.value < rules.ratingMin || event.value > rules.ratingMax) {
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: `rating ${event.value} is outside the scale ${rules.ratingMin}–${rules.ratingMax} (events.ratingMin/ratingMax)`,
            params: { reason: 'out_of_range' },
          });
        }
      }
    })
    .transform((input): Event => {
      const event: Event = { userId: input.userId, type: input.type, timestamp: input.timestamp };
      if (input.eventId !== undefined) event.eventId = input.eventId;
      if (input.itemId !== undefined) event.itemId = input.itemId;
      if (input.value !== undefined) event.value = input.value;
      if (input.query !== undefined) event.query = input.query;
      if (input.sessionId !== undefined) event.sessionId = input.sessionId;
      if (input.dwellMs !== undefined) event.dwellMs = input.dwellMs;
      return event;
    });
}

/** A past search query, from a query log. */
export const queryInputSchema = z
  .object({
    id: idField,
    text: requiredText(1000),
    userId: idField.optional(),
    timestamp: timestampField.optional(),
  })
  .strict()
  .transform((input): QueryRecord => {
    const query: QueryRecord = { id: input.id, text: input.text as string };
    if (input.userId !== undefined) query.userId = input.userId;
    if (input.timestamp !== undefined) query.timestamp = input.timestamp;
    return query;
  });
