import { formatTimestamp } from '../../core/time.js';
import { type CheckInput, type CheckResult, resultOf } from './check.js';

/**
 * Freshness: how old the batch's newest event is when it arrives. Older than `freshnessWarnMs`
 * warns — a stalled feed, or a historical import (then the warning is expected). Batches without
 * events are skipped.
 */
export function checkFreshness({ profile, thresholds, now }: CheckInput): CheckResult {
  if (profile.kind !== 'event' || profile.maxTs === null || profile.minTs === null) {
    return {
      check: 'freshness',
      status: 'skip',
      summary: 'no events in this batch',
      metrics: {},
      findings: [],
    };
  }
  const lagMs = Math.max(0, now - profile.maxTs);
  const metrics = {
    lagMs,
    newest: profile.maxTs,
    oldest: profile.minTs,
    spanMs: profile.maxTs - profile.minTs,
  };
  const days = (lagMs / 86_400_000).toFixed(1);
  const findings =
    lagMs > thresholds.freshnessWarnMs
      ? [
          {
            code: 'stale',
            status: 'warn' as const,
            message: `newest event is ${days} days old (${formatTimestamp(profile.maxTs)})`,
          },
        ]
      : [];
  return resultOf('freshness', findings, metrics, `newest event ${days} days old`);
}
