import { z } from 'zod';

/** The scopes an API key can hold. */
export const apiScopes = ['ingest', 'recommend', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

/**
 * An API key: clients send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Store the
 * key itself or, better, `sha256:<hex digest>` of it, so the config file does not hold the secret.
 */
export const apiKeySchema = z
  .object({
    name: z.string().min(1),
    key: z.string().refine((key) => /^sha256:[0-9a-f]{64}$/.test(key) || key.length >= 16, {
      message: 'must be at least 16 characters, or sha256:<64 hex digits>',
    }),
    scopes: z.array(z.enum(apiScopes)).min(1),
    /** Requests per second this key may make (per API node); more get 429 with Retry-After. */
    requestsPerSecond: z.number().positive().default(200),
  })
  .strict();

export type ApiKeyConfig = z.output<typeof apiKeySchema>;

/** Business rules of one recommendation scenario (home feed, item page, cart …). */
export const scenarioSchema = z
  .object({
    /** Results returned when the request does not say. */
    k: z.number().int().min(1).max(200).default(10),
    /** Leave out items the user already bought. */
    excludePurchased: z.boolean().default(true),
    /** Leave out items the user has interacted with in any way (viewed, carted …). */
    excludeSeen: z.boolean().default(false),
    /** Only items marked available. */
    inStockOnly: z.boolean().default(true),
    /** Category diversity (MMR): 0 = pure relevance, 1 = strongest spread over categories. */
    diversity: z.number().min(0).max(1).default(0),
    /** Items always shown first (in this order), when they pass the filters. */
    pinned: z.array(z.string()).default([]),
    /** Items never shown in this scenario. */
    blocked: z.array(z.string()).default([]),
  })
  .strict();

export type ScenarioConfig = z.output<typeof scenarioSchema>;

/** Serving: which model, how it is refreshed, how requests read history. */
export const servingSchema = z
  .object({
    /** The model trained when the store has events but no trained model yet. */
    defaultModel: z.string().default('blend'),
    /** Train the default model at start when none is stored (else serve popularity until one is). */
    trainIfMissing: z.boolean().default(true),
    /**
     * Retrain the default model in a background thread every this many minutes (0 = never; run
     * `aisle train` from a scheduler instead). The new version is swapped in without a pause.
     */
    retrainEveryMinutes: z.number().min(0).default(0),
    /** Seed of the models trained by the server. */
    seed: z.number().int().default(1),
    /** How often an API node looks for a newer model version in the store, in seconds. */
    modelRefreshSeconds: z.number().positive().default(5),
    /** Most recent events read per user at request time. */
    historyLimit: z.number().int().min(1).max(100_000).default(500),
    /**
     * How long a user's history may be reused from memory, in seconds, while the store reports no
     * new event of theirs (each request checks; src/serve/user-history.ts). 0 reads it every time.
     */
    historyCacheSeconds: z.number().min(0).default(60),
    /**
     * How often the `amortized-exposure` controllers are saved to the store, in seconds (only when
     * they learned something since), and once more at shutdown; the next start resumes from them.
     * 0 keeps them in memory only: a restarted process starts cold.
     */
    exposureStateSeconds: z.number().min(0).default(60),
    /** Per-scenario business rules; unknown scenario names use `home`'s. */
    scenarios: z.record(z.string(), scenarioSchema).default({}),
  })
  .strict();

export type ServingConfig = z.output<typeof servingSchema>;
