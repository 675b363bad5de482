import { z } from 'zod';

/** The fairness re-rankers by name (src/rank/fairness/); `none` leaves the model's order alone. */
export const rerankerNames = [
  'fair-star',
  'exposure',
  'amortized-exposure',
  'user-group',
  'calibration',
  'popularity',
] as const;
export type RerankerName = (typeof rerankerNames)[number];

/**
 * What the `exposure` re-ranker aims each item group's share of exposure at: `merit`, its share of
 * the candidates' relevance (Singh & Joachims' disparate treatment); `items`, its share of the
 * catalogue's items (every group's items equally visible: what the audit's exposure Gini measures).
 */
export const exposureTargetNames = ['merit', 'items'] as const;
export type ExposureTargetName = (typeof exposureTargetNames)[number];

/** How `user-group` lifts a disadvantaged user's list: calibration (Steck 2018) or a popularity penalty. */
export const liftNames = ['calibration', 'popularity'] as const;
export type LiftName = (typeof liftNames)[number];

/**
 * The unit `amortized-exposure`'s offsets trade relevance in across lists: `shared`, every list's
 * scores over one scale (for models whose scores mean the same for every user); `list`, each list
 * scaled to [0, 1] by itself (for models that normalise scores per user, such as the blend); `auto`,
 * what the served model's scores call for.
 */
export const relevanceScaleNames = ['auto', 'shared', 'list'] as const;
export type RelevanceScaleName = (typeof relevanceScaleNames)[number];

/** How items are grouped for exposure policies and audits. */
export const itemGroupingNames = ['popularity', 'category', 'seller', 'new'] as const;
export type ItemGroupingName = (typeof itemGroupingNames)[number];

/**
 * One fairness policy: which re-ranker, how strongly, over which item groups. Strength 0 leaves
 * every list as the model ranked it; 1 is the strongest the re-ranker goes.
 */
export const fairnessPolicySchema = z
  .object({
    /** `none`, or one of the re-rankers (docs/fairness.md). */
    reranker: z.enum(['none', ...rerankerNames]).default('none'),
    /**
     * 0 = no change … 1 = strongest. For `fair-star` it is the minimum protected share p; for
     * `amortized-exposure` the share of its items' share of exposure every group is held to.
     */
    strength: z.number().min(0).max(1).default(0.5),
    /** Item groups `fair-star`, `exposure` and `amortized-exposure` act on. */
    itemGrouping: z.enum(itemGroupingNames).default('popularity'),
    /** The group `fair-star` protects (a label of the item grouping: `long-tail`, `new`, a seller …). */
    protectedGroup: z.string().min(1).default('long-tail'),
    /** Significance of FA*IR's binomial test (Zehlike et al. 2017), corrected for multiple prefixes. */
    alpha: z.number().gt(0).lt(1).default(0.1),
    /** `exposure`: aim each group's exposure share at its merit share or at its share of the items. */
    exposureTarget: z.enum(exposureTargetNames).default('merit'),
    /** Candidates the re-ranker chooses the k results from. */
    candidates: z.number().int().min(10).max(1000).default(100),
    /**
     * `user-group`: users with at least this many history items are the advantaged (active) group.
     * `auto`: the history size of the top 5 % most active users of the served model's training data
     * (as the audit groups them), counted as serving reads histories: the distinct items of the latest
     * `serving.historyLimit` events. 50 for models trained before it was recorded.
     */
    activeMinInteractions: z.union([z.literal('auto'), z.number().int().min(1)]).default('auto'),
    /**
     * `user-group`: λ of the re-ranking `liftBy` names, applied to the disadvantaged users' lists
     * while strength > 0; 0 leaves them as ranked. Choose both on validation splits
     * (`aisle fairness choose-lift` does, as bench/fairness/run.ts).
     */
    lift: z.number().min(0).max(1).default(0),
    /** `user-group`: the lift is calibration to the user's history mix, or a popularity penalty. */
    liftBy: z.enum(liftNames).default('calibration'),
    /** `amortized-exposure`: one relevance scale for all lists, each list's own, or the model's choice. */
    relevanceScale: z.enum(relevanceScaleNames).default('auto'),
  })
  .strict();

export type FairnessPolicy = z.output<typeof fairnessPolicySchema>;

/** `[fairness]`: the default policy and per-scenario policies (a scenario's policy replaces the default). */
export const fairnessConfigSchema = z
  .object({
    default: fairnessPolicySchema.prefault({}),
    scenarios: z.record(z.string(), fairnessPolicySchema).default({}),
  })
  .strict();

export type FairnessConfig = z.output<typeof fairnessConfigSchema>;

/** The policy of a scenario, with a request's overrides on top (a request may only name fields). */
export function fairnessPolicyFor(
  config: FairnessConfig,
  scenario: string,
  request?: Partial<FairnessPolicy>,
): FairnessPolicy {
  const base = config.scenarios[scenario] ?? config.default;
  return request ? fairnessPolicySchema.parse({ ...base, ...request }) : base;
}
