import { type CheckFinding, type CheckInput, type CheckResult, percent, resultOf } from './check.js';

/**
 * Uniqueness: events are stored once by event id or natural key (time, user, type, item), so a
 * re-sent event is counted, not stored. A batch whose every valid record was already stored is a
 * complete re-import (idempotency at work: pass); otherwise re-sent records above `duplicateWarn` of
 * those read warn (a client retrying, an export overlapping the last one). Near-duplicates — the same
 * user, item and type again within `nearDuplicateMs` under another timestamp, which no key catches
 * (double submits, client clocks) — warn above `nearDuplicateWarn` of the events.
 */
export function checkUniqueness({ profile, thresholds }: CheckInput): CheckResult {
  const findings: CheckFinding[] = [];
  const valid = profile.read - profile.quarantined;
  const duplicateShare = profile.read > 0 ? profile.duplicates / profile.read : 0;
  const nearShare = profile.events > 0 ? profile.nearDuplicates / profile.events : 0;
  const reimport = valid > 0 && profile.duplicates === valid;
  if (!reimport && duplicateShare >= thresholds.duplicateWarn) {
    findings.push({
      code: 'duplicates',
      status: 'warn',
      message: `${profile.duplicates} of ${profile.read} records (${percent(duplicateShare)}) were already stored`,
    });
  }
  if (nearShare >= thresholds.nearDuplicateWarn) {
    findings.push({
      code: 'near_duplicates',
      status: 'warn',
      message: `${profile.nearDuplicates} events (${percent(nearShare)}) repeat the user's previous event within ${thresholds.nearDuplicateMs} ms`,
    });
  }
  const summary = reimport
    ? `all ${valid} valid records were already stored (a re-import: nothing changed)`
    : `${percent(duplicateShare)} re-sent, ${percent(nearShare)} near-duplicates`;
  return resultOf(
    'uniqueness',
    findings,
    { duplicateShare, nearDuplicateShare: nearShare, reimport: reimport ? 1 : 0 },
    summary,
  );
}
