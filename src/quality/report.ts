import type { QualityFlag, QualityRun, Store } from '../store/store.js';
import { type CheckName, type CheckResult, type CheckStatus, checkNames } from './checks/check.js';
import type { DetectorPass } from './gate.js';
import { type QualityPolicy, loadQualityPolicy } from './policy.js';

/** One point of a check's trend: its status and numbers on one batch. */
export interface CheckTrendPoint {
  runId: number;
  batchId: number | null;
  source: string | null;
  at: string;
  status: CheckStatus;
  summary: string;
  metrics: Record<string, number>;
}

/** A suspicious user or item as the report lists it. */
export interface ReportedFinding {
  flagId: number;
  subject: 'user' | 'item';
  id: string;
  detector: string;
  score: number;
  action: string;
  status: string;
  reason: string;
  message: string;
  evidence: Record<string, unknown>;
  listedEvents: number;
}

/**
 * The quality report (`aisle quality report`, `GET /quality/report`): each check's latest result and
 * its trend over recent batches, the detectors' last pass, the findings by detector and status, and
 * the most suspicious users and items with their evidence. Plain JSON for the dashboard.
 */
export interface QualityReport {
  generatedAt: string;
  enabled: boolean;
  latest: {
    runId: number;
    batchId: number | null;
    source: string | null;
    status: CheckStatus;
    at: string;
  } | null;
  checks: Record<CheckName, { latest: Omit<CheckTrendPoint, 'metrics'> | null; trend: CheckTrendPoint[] }>;
  detectors: { lastPass: (DetectorPass & { runId: number; at: string }) | null };
  findings: {
    total: number;
    byDetector: Record<string, Record<string, number>>;
    openActed: number;
    awaitingReview: number;
  };
  topUsers: ReportedFinding[];
  topItems: ReportedFinding[];
}

export interface QualityReportOptions {
  /** Batches in each check's trend (default 20). */
  runs?: number;
  /** Users and items listed (default 20 each). */
  top?: number;
}

/**
 * Builds the quality report from the stored runs and findings.
 *
 * @example
 * const report = await buildQualityReport(store, { runs: 10, top: 5 });
 */
export async function buildQualityReport(
  store: Store,
  options: QualityReportOptions = {},
): Promise<QualityReport> {
  const runsWanted = options.runs ?? 20;
  const top = options.top ?? 20;
  const policy: QualityPolicy = await loadQualityPolicy(store);
  const runs = await store.listQualityRuns(Math.max(runsWanted * 3, 50));
  const batchRuns = runs
    .filter((run) => run.kind === 'batch' && run.summary?.['checks'])
    .slice(0, runsWanted);
  const checks = Object.fromEntries(
    checkNames.map((name) => {
      const trend = batchRuns.flatMap((run) => {
        const result = (run.summary!['checks'] as CheckResult[]).find((check) => check.check === name);
        return result ? [point(run, result)] : [];
      });
      const latest = trend[0];
      return [name, { latest: latest ? withoutMetrics(latest) : null, trend: trend.reverse() }];
    }),
  ) as QualityReport['checks'];
  const newest = batchRuns[0];
  const passRun = runs.find((run) => (run.summary?.['detectors'] as DetectorPass | undefined)?.ran);
  const counts = await store.countQualityFlags();
  const byDetector: Record<string, Record<string, number>> = {};
  let total = 0;
  let openActed = 0;
  let awaitingReview = 0;
  for (const row of counts) {
    const entry = (byDetector[row.detector] ??= {});
    entry[row.status] = (entry[row.status] ?? 0) + row.count;
    total += row.count;
    if (row.status === 'open' && row.action !== 'flag') openActed += row.count;
    if (row.status === 'open') awaitingReview += row.count;
  }
  const applied = async (subject: 'user' | 'item') => {
    const [open, confirmed] = await Promise.all([
      store.listQualityFlags({ subject, status: 'open', limit: top }),
      store.listQualityFlags({ subject, status: 'confirmed', limit: top }),
    ]);
    return [...open, ...confirmed]
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, top)
      .map(reported);
  };
  return {
    generatedAt: new Date().toISOString(),
    enabled: policy.enabled,
    latest: newest
      ? {
          runId: newest.id,
          batchId: newest.batchId,
          source: (newest.summary?.['source'] as string | undefined) ?? null,
          status: (newest.summary?.['status'] as CheckStatus | undefined) ?? 'skip',
          at: new Date(newest.startedAt).toISOString(),
        }
      : null,
    checks,
    detectors: {
      lastPass: passRun
        ? {
            ...(passRun.summary!['detectors'] as DetectorPass),
            runId: passRun.id,
            at: new Date(passRun.startedAt).toISOString(),
          }
        : null,
    },
    findings: { total, byDetector, openActed, awaitingReview },
    topUsers: await applied('user'),
    topItems: await applied('item'),
  };
}

function point(run: QualityRun, result: CheckResult): CheckTrendPoint {
  return {
    runId: run.id,
    batchId: run.batchId,
    source: (run.summary?.['source'] as string | undefined) ?? null,
    at: new Date(run.startedAt).toISOString(),
    status: result.status,
    summary: result.summary,
    metrics: result.metrics,
  };
}

function withoutMetrics(trendPoint: CheckTrendPoint): Omit<CheckTrendPoint, 'metrics'> {
  const { metrics: _metrics, ...rest } = trendPoint;
  return rest;
}

/** A stored finding in the report's shape. */
export function reported(flag: QualityFlag): ReportedFinding {
  return {
    flagId: flag.id,
    subject: flag.subject,
    id: flag.subjectId,
    detector: flag.detector,
    score: flag.score,
    action: flag.action,
    status: flag.status,
    reason: flag.reason,
    message: flag.message,
    evidence: flag.evidence,
    listedEvents: flag.listedEvents,
  };
}

/** The report as text for a terminal: checks with their latest status, then the top findings. */
export function formatQualityReport(report: QualityReport): string {
  const lines: string[] = [];
  lines.push(`Quality report (${report.generatedAt})${report.enabled ? '' : ' — the gate is OFF'}`);
  if (report.latest) {
    lines.push(
      `Latest batch #${report.latest.batchId ?? '-'} (${report.latest.source ?? 'scan'}): ${report.latest.status}`,
    );
  } else lines.push('No batch checked yet.');
  for (const name of checkNames) {
    const { latest, trend } = report.checks[name];
    const history = trend.map((entry) => entry.status[0]).join('');
    lines.push(
      `  ${name.padEnd(13)} ${(latest?.status ?? '-').padEnd(5)} ${latest?.summary ?? ''}${history ? `  [trend ${history}]` : ''}`,
    );
  }
  const pass = report.detectors.lastPass;
  lines.push(pass ? `Detectors: last pass ${pass.at}: ${pass.reason}` : 'Detectors: no pass yet.');
  lines.push(
    `Findings: ${report.findings.total} (${report.findings.openActed} acted on and open, ${report.findings.awaitingReview} awaiting review)`,
  );
  for (const [detector, statuses] of Object.entries(report.findings.byDetector)) {
    lines.push(
      `  ${detector.padEnd(9)} ${Object.entries(statuses)
        .map(([status, count]) => `${status} ${count}`)
        .join(', ')}`,
    );
  }
  const list = (title: string, findings: ReportedFinding[]) => {
    if (findings.length === 0) return;
    lines.push(title);
    for (const finding of findings) {
      lines.push(
        `  #${finding.flagId} ${finding.id} [${finding.detector} ${finding.score.toFixed(2)} ${finding.action}, ${finding.status}] ${finding.message}`,
      );
    }
  };
  list('Most suspicious users:', report.topUsers);
  list('Most suspicious items:', report.topItems);
  return lines.join('\n');
}
