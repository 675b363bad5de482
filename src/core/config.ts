import { z } from 'zod';
import { defaultEventTypeAliases, defaultEventWeights } from './event.js';
import { fairnessConfigSchema } from './fairness-config.js';
import { apiKeySchema, servingSchema } from './serving-config.js';

const DAY_MS = 86_400_000;

/** Event-type names: lower-case words, as they appear in logs and APIs. */
const eventTypeName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'event type names are lower-case words');

/**
 * The whole engine configuration. Every field has a documented default, so an empty file is valid.
 * Precedence, lowest first: these defaults < config file (aisle.toml) < environment < CLI flags.
 * `aisle.example.toml` at the repository root documents each field.
 */
export const configSchema = z
  .object({
    /** Where the data lives: a SQLite file path, `sqlite:<path>`, or `postgres://…`. */
    database: z.string().min(1).default('./aisle.db'),
    server: z
      .object({
        /** Loopback by default: an engine without API keys must not be reachable from other hosts. */
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Largest accepted request body, in bytes. */
        bodyLimitBytes: z
          .number()
          .int()
          .positive()
          .default(10 * 1024 * 1024),
        /** Most records accepted in one POST batch. */
        maxBatchRecords: z.number().int().positive().default(10_000),
        /** API keys and their scopes; with none, the API is open and must stay on loopback. */
        apiKeys: z.array(apiKeySchema).default([]),
        /** Requests per second the API accepts per client address when no keys are configured. */
        openRequestsPerSecond: z.number().positive().default(10_000),
        /**
         * Shed load (503 with Retry-After) when the event loop lags more than this many milliseconds
         * on average, or is busy more than `maxEventLoopUtilization` of the time: a share of requests
         * is refused at once, so the rest are answered quickly and the node stays up.
         */
        maxEventLoopDelayMs: z.number().positive().default(100),
        maxEventLoopUtilization: z.number().min(0.1).max(1).default(0.97),
        /**
         * Worker processes behind the port (node:cluster), each a whole API server with its own copy
         * of the model: one per core serves that many times the requests (docs/operations.md).
         */
        workers: z.number().int().min(1).max(256).default(1),
      })
      .prefault({}),
    serving: servingSchema.prefault({}),
    events: z
      .object({
        /** Training weight per event type; add a key to declare a custom type. */
        weights: z
          .record(eventTypeName, z.number().min(0).max(1000))
          .default({})
          .transform((weights) => ({ ...defaultEventWeights, ...weights })),
        /** Other spellings read as a known type (e.g. pv → view). */
        aliases: z
          .record(z.string().min(1), eventTypeName)
          .default({})
          .transform((aliases) => ({ ...defaultEventTypeAliases, ...aliases })),
        /** The rating scale; ratings outside it are quarantined. */
        ratingMin: z.number().default(0),
        ratingMax: z.number().positive().default(5),
        /** Events before this instant (ISO date) are quarantined: the shop did not exist yet. */
        earliest: z.iso.datetime({ offset: true }).or(z.iso.date()).default('1990-01-01'),
        /** How far in the future (clock skew) an event may be dated, in milliseconds. */
        futureToleranceMs: z.number().int().min(0).default(DAY_MS),
      })
      .prefault({}),
    ingest: z
      .object({
        /** Records written per transaction; larger batches amortise index writes. */
        batchSize: z.number().int().min(1).max(1_000_000).default(100_000),
      })
      .prefault({}),
    /** Fairness re-ranking policies, the default and per scenario (docs/fairness.md). */
    fairness: fairnessConfigSchema.prefault({}),
  })
  .strict();

/** The validated, defaults-filled configuration. */
export type AisleConfig = z.output<typeof configSchema>;
/** What a config file or caller may give: every field optional. */
export type AisleConfigInput = z.input<typeof configSchema>;

/** The defaults alone. */
export function defaultConfig(): AisleConfig {
  return configSchema.parse({});
}
