import { compareDistributions } from '../robust-stats.js';
import type { BatchProfile } from './batch-profile.js';
import { type CheckFinding, type CheckInput, type CheckResult, resultOf } from './check.js';

/** The distributions compared with earlier batches. */
const DISTRIBUTIONS = {
  types: 'event-type mix',
  categories: 'category share',
  eventsPerUser: 'events per user',
} as const;

/**
 * Distribution drift against earlier batches (up to `driftHistory` event batches of at least
 * `driftMinEvents` events, pooled): the event-type mix, the share per top-level category and the
 * events-per-user histogram. Each is compared with a chi-square goodness-of-fit test and the
 * Kullback–Leibler divergence KL(batch ‖ earlier); a shift needs both — p below `driftPValue` (large
 * batches make any shift significant) and KL at least `klWarn` to warn, `klFail` to fail.
 */
export function checkDrift({ profile, history, thresholds }: CheckInput): CheckResult {
  const earlier = history
    .filter((batch) => batch.kind === 'event' && batch.events >= thresholds.driftMinEvents)
    .slice(0, thresholds.driftHistory);
  if (profile.kind !== 'event' || profile.events < thresholds.driftMinEvents || earlier.length === 0) {
    const why =
      profile.kind !== 'event' || profile.events < thresholds.driftMinEvents
        ? `fewer than ${thresholds.driftMinEvents} events`
        : 'no earlier batch to compare with';
    return { check: 'drift', status: 'skip', summary: why, metrics: {}, findings: [] };
  }
  const findings: CheckFinding[] = [];
  const metrics: Record<string, number> = { comparedBatches: earlier.length };
  for (const [key, label] of Object.entries(DISTRIBUTIONS) as [keyof typeof DISTRIBUTIONS, string][]) {
    const [observed, reference] = aligned(profile, earlier, key);
    const { kl, pValue } = compareDistributions(observed, reference);
    metrics[`${key}.kl`] = kl;
    metrics[`${key}.pValue`] = pValue;
    if (pValue >= thresholds.driftPValue) continue;
    const status = kl >= thresholds.klFail ? 'fail' : kl >= thresholds.klWarn ? 'warn' : undefined;
    if (status) {
      findings.push({
        code: `drift_${key}`,
        status,
        message: `${label} shifted (KL ${kl.toFixed(3)} nats, p=${pValue.toExponential(1)})`,
      });
    }
  }
  return resultOf('drift', findings, metrics, `in line with the last ${earlier.length} batch(es)`);
}

/** The batch's and the pooled earlier counts over the union of their categories. */
function aligned(
  profile: BatchProfile,
  earlier: readonly BatchProfile[],
  key: keyof typeof DISTRIBUTIONS,
): [number[], number[]] {
  const toRecord = (batch: BatchProfile): Record<string, number> =>
    key === 'eventsPerUser'
      ? Object.fromEntries(batch.eventsPerUser.map((count, bin) => [String(bin), count]))
      : batch[key];
  const pooled: Record<string, number> = {};
  for (const batch of earlier) {
    for (const [name, count] of Object.entries(toRecord(batch))) pooled[name] = (pooled[name] ?? 0) + count;
  }
  const current = toRecord(profile);
  const names = [...new Set([...Object.keys(current), ...Object.keys(pooled)])].sort();
  return [names.map((name) => current[name] ?? 0), names.map((name) => pooled[name] ?? 0)];
}
