import { z } from 'zod';
import { AisleError } from '../core/errors.js';
import type { QualityAction, Store } from '../store/store.js';
import { botParamsSchema } from './detectors/bot.js';
import { burstParamsSchema } from './detectors/burst.js';
import type { DetectorName } from './detectors/detector.js';
import { lockstepParamsSchema } from './detectors/lockstep.js';
import { shillingParamsSchema } from './detectors/shilling.js';

/** The actions, mildest first. */
export const qualityActions = [
  'flag',
  'down-weight',
  'exclude',
  'quarantine',
] as const satisfies readonly QualityAction[];

const DAY_MS = 86_400_000;

function detectorPolicy<Params extends z.ZodType>(
  params: Params,
  defaults: { action: QualityAction; actAt: number; reportAt: number },
) {
  return z
    .object({
      enabled: z.boolean().default(true),
      /** What happens to the events of a finding scoring at least `actAt`. */
      action: z.enum(qualityActions).default(defaults.action),
      /** Findings at or above this score get the action. */
      actAt: z.number().min(0).max(1).default(defaults.actAt),
      /** Findings at or above this score (and below `actAt`) are kept as `flag`, for review only. */
      reportAt: z.number().min(0).max(1).default(defaults.reportAt),
      /** Training weight of down-weighted events. */
      weight: z.number().min(0).max(1).default(0.25),
      params,
    })
    .strict()
    .refine((policy) => policy.reportAt <= policy.actAt, { message: 'reportAt must not exceed actAt' })
    .prefault({} as never);
}

/**
 * The quality policy of a shop: which detectors run, what each does with what it finds, and the
 * thresholds of the batch checks. Stored in the database (`aisle quality policy set`, admin API);
 * every field has a documented default (docs/quality.md), so an empty object is the default policy.
 */
export const qualityPolicySchema = z
  .object({
    /** Off: batches are neither checked nor screened (nothing is flagged). */
    enabled: z.boolean().default(true),
    detectors: z
      .object({
        bot: detectorPolicy(botParamsSchema.prefault({}), {
          action: 'quarantine',
          actAt: 0.8,
          reportAt: 0.6,
        }),
        burst: detectorPolicy(burstParamsSchema.prefault({}), { action: 'flag', actAt: 0.75, reportAt: 0.5 }),
        lockstep: detectorPolicy(lockstepParamsSchema.prefault({}), {
          action: 'exclude',
          actAt: 0.8,
          reportAt: 0.6,
        }),
        shilling: detectorPolicy(shillingParamsSchema.prefault({}), {
          action: 'exclude',
          actAt: 0.8,
          reportAt: 0.5,
        }),
      })
      .strict()
      .prefault({}),
    checks: z
      .object({
        /** Share of a batch's records quarantined for a missing field: warn, fail. */
        missingWarn: z.number().min(0).max(1).default(0.01),
        missingFail: z.number().min(0).max(1).default(0.1),
        /** A field present in earlier batches whose presence falls below this share of its usual. */
        presenceDrop: z.number().min(0).max(1).default(0.5),
        /** Share of re-sent events (outside a complete re-import) that warns. */
        duplicateWarn: z.number().min(0).max(1).default(0.05),
        /** Same user, item and type again within this many ms (a double submit the key cannot catch). */
        nearDuplicateMs: z.number().int().min(0).default(1000),
        nearDuplicateWarn: z.number().min(0).max(1).default(0.01),
        /** Share of records quarantined as invalid (types, ranges, enumerations, times): warn, fail. */
        invalidWarn: z.number().min(0).max(1).default(0.01),
        invalidFail: z.number().min(0).max(1).default(0.1),
        /** Share of events naming an item not in the catalogue: warn, fail. */
        unknownItemWarn: z.number().min(0).max(1).default(0.01),
        unknownItemFail: z.number().min(0).max(1).default(0.2),
        /** Newest event of a batch older than this warns (stale feed). */
        freshnessWarnMs: z
          .number()
          .int()
          .min(0)
          .default(2 * DAY_MS),
        /** Drift: compare with up to this many earlier batches of at least `driftMinEvents` events. */
        driftHistory: z.number().int().min(1).default(10),
        driftMinEvents: z.number().int().min(1).default(100),
        /** Kullback–Leibler divergence (nats) from the earlier batches: warn, fail. */
        klWarn: z.number().min(0).default(0.05),
        klFail: z.number().min(0).default(0.5),
        /** A drift also needs a chi-square p-value below this (large batches make tiny shifts significant). */
        driftPValue: z.number().min(0).max(1).default(0.001),
      })
      .strict()
      .prefault({}),
    scope: z
      .object({
        /**
         * API batches run the detectors once this many events arrived since their last run (file
         * imports always run them); smaller batches are checked and wait for the next run.
         */
        minNewEvents: z.number().int().min(0).default(10_000),
        /** A store of at most this many events is analysed whole; a larger one from `lookbackMs` before the new events. */
        fullScanMaxEvents: z.number().int().min(1).default(2_000_000),
        lookbackMs: z
          .number()
          .int()
          .min(0)
          .default(30 * DAY_MS),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type QualityPolicy = z.output<typeof qualityPolicySchema>;
export type QualityPolicyInput = z.input<typeof qualityPolicySchema>;
export type DetectorPolicy = QualityPolicy['detectors'][DetectorName];

/** The default policy. */
export function defaultQualityPolicy(): QualityPolicy {
  return qualityPolicySchema.parse({});
}

/** Validates a policy (e.g. from a file or an API body); says which field is wrong. */
export function parseQualityPolicy(input: unknown): QualityPolicy {
  const result = qualityPolicySchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(policy)'}: ${issue.message}`,
  );
  throw new AisleError('VALIDATION_FAILED', `Invalid quality policy: ${issues.join('; ')}`, { issues });
}

/** The shop's policy: the stored one (validated), or the defaults. */
export async function loadQualityPolicy(store: Store): Promise<QualityPolicy> {
  const stored = await store.loadQualityPolicy();
  if (stored === undefined) return defaultQualityPolicy();
  try {
    return parseQualityPolicy(stored);
  } catch (error) {
    throw new AisleError(
      'CONFIG_INVALID',
      `The stored quality policy is invalid (${error instanceof Error ? error.message : String(error)}); set a valid one with \`aisle quality policy set\``,
      {},
      { cause: error },
    );
  }
}

/** Validates and stores a policy; returns it with defaults filled in. */
export async function saveQualityPolicy(store: Store, input: unknown): Promise<QualityPolicy> {
  const policy = parseQualityPolicy(input);
  await store.saveQualityPolicy(input as Record<string, unknown>);
  return policy;
}

/** The training weight an action gives the events it covers. */
export function actionWeight(action: QualityAction, policy: DetectorPolicy): number {
  if (action === 'flag') return 1;
  if (action === 'down-weight') return policy.weight;
  return 0;
}
