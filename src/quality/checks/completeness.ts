import { type BatchProfile, type ProfiledField, profiledFields } from './batch-profile.js';
import { type CheckFinding, type CheckInput, type CheckResult, grade, percent, resultOf } from './check.js';

/**
 * Completeness: records rejected for a missing required field (a share of those read: warn at
 * `missingWarn`, fail at `missingFail`), and per optional event field the share of events carrying it
 * — a field that earlier batches usually carried (in at least 20 % of their events) and this batch
 * carries at less than `presenceDrop` of that share warns (a broken exporter drops a column).
 */
export function checkCompleteness({ profile, history, thresholds }: CheckInput): CheckResult {
  const findings: CheckFinding[] = [];
  const missing = profile.quarantinedByReason['missing_field'] ?? 0;
  const missingShare = profile.read > 0 ? missing / profile.read : 0;
  const metrics: Record<string, number> = { missingFieldShare: missingShare };
  const status = grade(missingShare, thresholds.missingWarn, thresholds.missingFail);
  if (status !== 'pass') {
    findings.push({
      code: 'missing_field',
      status,
      message: `${missing} records (${percent(missingShare)}) lack a required field`,
    });
  }
  if (profile.kind === 'event' && profile.events > 0) {
    const earlier = history.filter((batch) => batch.kind === 'event' && batch.events > 0);
    for (const field of profiledFields) {
      const share = profile.present[field] / profile.events;
      metrics[`present.${field}`] = share;
      const usual = usualShare(earlier, field);
      if (usual >= 0.2 && share < thresholds.presenceDrop * usual) {
        findings.push({
          code: 'field_dropped',
          status: 'warn',
          message: `${field} present in ${percent(share)} of events, usually ${percent(usual)}`,
        });
      }
    }
  }
  return resultOf('completeness', findings, metrics, `${percent(1 - missingShare)} of records complete`);
}

function usualShare(batches: readonly BatchProfile[], field: ProfiledField): number {
  let present = 0;
  let events = 0;
  for (const batch of batches) {
    present += batch.present[field] ?? 0;
    events += batch.events;
  }
  return events > 0 ? present / events : 0;
}
