import type { QualityPolicy } from '../policy.js';
import type { BatchProfile } from './batch-profile.js';

/** The batch checks, in the order they run and report. */
export const checkNames = ['completeness', 'uniqueness', 'validity', 'freshness', 'drift'] as const;
export type CheckName = (typeof checkNames)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One problem a check saw, with its own severity. */
export interface CheckFinding {
  code: string;
  status: 'warn' | 'fail';
  message: string;
}

/** The result of one check on one batch: a status, one line for an operator, the numbers behind it. */
export interface CheckResult {
  check: CheckName;
  status: CheckStatus;
  summary: string;
  metrics: Record<string, number>;
  findings: CheckFinding[];
}

/** What a check reads: this batch, earlier batches (newest first), thresholds, the clock. */
export interface CheckInput {
  profile: BatchProfile;
  history: readonly BatchProfile[];
  thresholds: QualityPolicy['checks'];
  now: number;
}

const SEVERITY: Record<CheckStatus, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };

/** The worse of two statuses. */
export function worst(a: CheckStatus, b: CheckStatus): CheckStatus {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** The status a value earns against warn and fail limits (at or above a limit reaches it). */
export function grade(
  value: number,
  warnAt: number,
  failAt = Number.POSITIVE_INFINITY,
): 'pass' | 'warn' | 'fail' {
  if (value >= failAt) return 'fail';
  if (value >= warnAt) return 'warn';
  return 'pass';
}

/** A result from findings: its status is the worst finding's (pass without any). */
export function resultOf(
  check: CheckName,
  findings: CheckFinding[],
  metrics: Record<string, number>,
  passSummary: string,
): CheckResult {
  const status = findings.reduce<CheckStatus>((current, finding) => worst(current, finding.status), 'pass');
  const summary = findings.length === 0 ? passSummary : findings.map((finding) => finding.message).join('; ');
  return { check, status, summary, metrics, findings };
}

/** Formats a share as a percentage for messages. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.01 && share > 0 ? 2 : 1)} %`;
}
