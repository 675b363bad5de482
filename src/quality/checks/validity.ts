import { type CheckFinding, type CheckInput, type CheckResult, grade, percent, resultOf } from './check.js';

/** Quarantine reasons by what they say is wrong (docs/ingestion.md lists the reasons). */
const REASON_CLASSES: Record<string, string> = {
  invalid_type: 'types',
  out_of_range: 'ranges',
  too_long: 'ranges',
  invalid_value: 'enumerations',
  unknown_event_type: 'enumerations',
  unknown_field: 'enumerations',
  invalid_timestamp: 'time',
  timestamp_in_future: 'time',
  timestamp_too_old: 'time',
  unknown_reference: 'references',
  invalid_utf8: 'format',
  invalid_csv: 'format',
  invalid_json: 'format',
  wrong_column_count: 'format',
  truncated_record: 'format',
  invalid_record: 'format',
};

/**
 * Validity: records rejected as invalid (types, ranges, enumerations, time — in the future or before
 * the shop existed —, references, format), as a share of those read: warn at `invalidWarn`, fail at
 * `invalidFail`. Referential integrity of the stored events: events naming an item the catalogue does
 * not hold (warn at `unknownItemWarn`, fail at `unknownItemFail`). Time sanity beyond the record
 * checks: events dated before their item was created (warn at `invalidWarn`).
 */
export function checkValidity({ profile, thresholds }: CheckInput): CheckResult {
  const findings: CheckFinding[] = [];
  const byClass: Record<string, number> = {};
  let invalid = 0;
  for (const [reason, count] of Object.entries(profile.quarantinedByReason)) {
    if (reason === 'missing_field') continue;
    const kind = REASON_CLASSES[reason] ?? 'other';
    byClass[kind] = (byClass[kind] ?? 0) + count;
    invalid += count;
  }
  const invalidShare = profile.read > 0 ? invalid / profile.read : 0;
  const metrics: Record<string, number> = { invalidShare };
  for (const [kind, count] of Object.entries(byClass)) metrics[`invalid.${kind}`] = count;
  const invalidStatus = grade(invalidShare, thresholds.invalidWarn, thresholds.invalidFail);
  if (invalidStatus !== 'pass') {
    const detail = Object.entries(byClass)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    findings.push({
      code: 'invalid_records',
      status: invalidStatus,
      message: `${invalid} records (${percent(invalidShare)}) invalid: ${detail}`,
    });
  }
  if (profile.kind === 'event' && profile.events > 0) {
    const unknownShare = profile.unknownItems / profile.events;
    const earlyShare = profile.beforeItemCreated / profile.events;
    metrics['unknownItemShare'] = unknownShare;
    metrics['beforeItemCreatedShare'] = earlyShare;
    const unknownStatus = grade(unknownShare, thresholds.unknownItemWarn, thresholds.unknownItemFail);
    if (unknownStatus !== 'pass') {
      findings.push({
        code: 'unknown_items',
        status: unknownStatus,
        message: `${profile.unknownItems} events (${percent(unknownShare)}) name items not in the catalogue`,
      });
    }
    if (grade(earlyShare, thresholds.invalidWarn) !== 'pass') {
      findings.push({
        code: 'before_item_created',
        status: 'warn',
        message: `${profile.beforeItemCreated} events (${percent(earlyShare)}) are dated before their item was created`,
      });
    }
  }
  return resultOf(
    'validity',
    findings,
    metrics,
    `${percent(1 - invalidShare)} of records valid; references and times sound`,
  );
}
