import type { LiftName } from '../../core/fairness-config.js';
import { createRng } from '../../core/rng.js';
import type { StoreSnapshot } from '../../models/data/from-store.js';
import { userMetrics } from '../metrics/index.js';
import { activityGrouping } from '../user-groups.js';
import { type FairnessAuditOptions, type PreparedAudit, auditLists, prepareAudit } from './audit.js';
import { bootstrapMean } from './bootstrap.js';

/** One lift of the disadvantaged users' lists under `user-group`: its kind and strength. */
export interface Lift {
  liftBy: LiftName;
  lift: number;
}

/** The lifts chosen from: calibration at 8 strengths, the popularity penalty at 9. */
export const liftCandidates: readonly Lift[] = [
  ...[0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2].map((lift) => ({ liftBy: 'calibration' as const, lift })),
  ...[0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3].map((lift) => ({
    liftBy: 'popularity' as const,
    lift,
  })),
];

/** A lift's effect on the disadvantaged (inactive) users: their mean NDCG@k gain and its 95 % CI. */
export interface LiftGain {
  lift: Lift;
  /** Inactive users the gain is averaged over. */
  users: number;
  gain: number;
  ci: readonly [number, number];
}

/**
 * The protocol's validation splits inside its training part, each fitted and ranked: `folds` of them
 * for msr (independent 75/25 re-splits), the one validation split for other protocols. The test
 * split is never read.
 */
export async function prepareValidationFolds(
  snapshot: StoreSnapshot,
  options: FairnessAuditOptions,
  folds: number,
): Promise<PreparedAudit[]> {
  const prepared: PreparedAudit[] = [];
  for (let fold = 0; fold < (options.protocol === 'msr' ? folds : 1); fold++)
    prepared.push(await prepareAudit(snapshot, { ...options, split: 'validation', validationFold: fold }));
  return prepared;
}

/**
 * Per lift, the inactive users' mean NDCG@k gain over their unchanged lists — each user's gain
 * averaged over the folds that evaluated them as inactive — and its bootstrap 95 % CI (resampling
 * users, seeded). The advantaged users' strength does not touch these lists, so `user-group` runs at
 * any strength > 0.
 */
export function liftGains(
  folds: readonly PreparedAudit[],
  lifts: readonly Lift[] = liftCandidates,
  replicates = 1000,
): LiftGain[] {
  const ndcg = userMetrics.find((metric) => metric.name === 'ndcg')!;
  const activities = folds.map(({ data, options }) =>
    activityGrouping(data.interactions, options.activeShare ?? 0.05),
  );
  const inactiveNdcg = (at: number, lift: Lift) => {
    const fold = folds[at]!;
    const { users, relevant, options } = fold;
    const { lists } = auditLists(fold, { name: 'user-group', strength: 0.5, ...lift });
    const byUser = new Map<number, number>();
    users.forEach((user, n) => {
      if (activities[at]!.groupOf[user] === 1)
        byUser.set(user, ndcg.compute(lists[n]!, relevant.get(user)!, options.k));
    });
    return byUser;
  };
  const unchanged = folds.map((_, at) => inactiveNdcg(at, { liftBy: 'calibration', lift: 0 }));
  return lifts.map((lift) => {
    const sums = new Map<number, { gain: number; folds: number }>();
    folds.forEach((_, at) => {
      for (const [user, value] of inactiveNdcg(at, lift)) {
        const entry = sums.get(user) ?? { gain: 0, folds: 0 };
        entry.gain += value - unchanged[at]!.get(user)!;
        entry.folds++;
        sums.set(user, entry);
      }
    });
    const gains = Float64Array.from(sums.values(), (entry) => entry.gain / entry.folds);
    if (gains.length === 0) return { lift, users: 0, gain: 0, ci: [0, 0] as const };
    const gain = gains.reduce((sum, value) => sum + value, 0) / gains.length;
    return { lift, users: gains.length, gain, ci: bootstrapMean(gains, createRng(1), replicates) };
  });
}

/**
 * The lift to use: the largest mean gain among those whose CI lies above 0; none such, no lift
 * (undefined). Taking the best of many makes a chance pick likelier than testing one, so report
 * the pick's gain on data it was not chosen on where there is some.
 */
export function chooseLift(gains: readonly LiftGain[]): Lift | undefined {
  let best: Lift | undefined;
  let bestGain = 0;
  for (const { lift, gain, ci } of gains)
    if (ci[0] > 0 && gain > bestGain) {
      bestGain = gain;
      best = lift;
    }
  return best;
}
