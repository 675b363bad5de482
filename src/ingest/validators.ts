import { z } from 'zod';
import type { AisleConfig } from '../core/config.js';
import type { Item, ProtectedAttributes, User } from '../core/entities.js';
import type { Event } from '../core/event.js';
import type { QueryRecord } from '../store/store.js';
import {
  createEventInputSchema,
  itemInputSchema,
  protectedInputSchema,
  queryInputSchema,
  userInputSchema,
} from './schemas/record-schemas.js';

/** The record schemas for one shop's configuration. */
export interface RecordSchemas {
  item: z.ZodType<Item>;
  user: z.ZodType<User>;
  protected: z.ZodType<ProtectedAttributes>;
  event: z.ZodType<Event>;
  query: z.ZodType<QueryRecord>;
}

/**
 * Builds the schemas from the config; `now` is the clock for the future-timestamp check.
 * Each schema is compiled by zod into a generated parser (about 5× faster on valid records, see
 * docs/benchmarks.md); invalid records fall back to the runtime parser, which reports every issue.
 */
export function createRecordSchemas(config: AisleConfig, now: () => number = Date.now): RecordSchemas {
  return {
    item: z.compile(itemInputSchema),
    user: z.compile(userInputSchema),
    protected: z.compile(protectedInputSchema),
    event: z.compile(
      createEventInputSchema({
        types: new Set(Object.keys(config.events.weights)),
        aliases: config.events.aliases,
        ratingMin: config.events.ratingMin,
        ratingMax: config.events.ratingMax,
        earliest: Date.parse(config.events.earliest),
        futureToleranceMs: config.events.futureToleranceMs,
        now,
      }),
    ),
    query: z.compile(queryInputSchema),
  };
}
