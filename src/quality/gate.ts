import type { QualityFlagCounts, QualityRun, Store } from '../store/store.js';
import { type Analysis, type DetectorOutcome, analyzeEvents } from './analyze.js';
import { type BatchFacts, type BatchProfile, profileBatch } from './checks/batch-profile.js';
import { type CheckResult, type CheckStatus, worst } from './checks/check.js';
import { runChecks } from './checks/run-checks.js';
import { type EventTable, eventTableOf } from './event-table.js';
import { loadCatalogue, loadEventTable } from './load-events.js';
import { type QualityPolicy, loadQualityPolicy } from './policy.js';

/** What the gate did with one batch: the short form, returned with the import summary. */
export interface QualityGateSummary {
  runId: number;
  /** The worst check status (`skip` when the gate is off). */
  status: CheckStatus;
  checks: { check: string; status: CheckStatus; summary: string }[];
  detectors: {
    ran: boolean;
    /** Why they ran or did not. */
    reason: string;
    /** Findings per detector: kept for review, and acted on (down-weighted, excluded, quarantined). */
    findings: Record<string, { reported: number; acted: number }>;
  };
  seconds: number;
}

/** What a detector pass stores in its run summary. */
export interface DetectorPass {
  ran: boolean;
  reason: string;
  scope?: { events: number; users: number; items: number; fromTs: number | null };
  outcomes?: DetectorOutcome[];
  /** The log position the pass covered (later passes count new events from here). */
  throughSeq?: number;
  flags?: QualityFlagCounts;
}

export interface GateOptions {
  /** The clock, for freshness (tests fix it). */
  now?: () => number;
}

/**
 * The quality gate on one import or API batch: profiles the events the batch stored, runs the batch
 * checks against earlier batches, and runs the behavioural detectors over the events in scope,
 * storing their findings as the policy says. Nothing is deleted; findings only mark events. The run
 * and its full results are stored (`Store.listQualityRuns`), the short form is returned.
 *
 * @example
 * const summary = await runQualityGate(store, { batchId, kind: 'event', source: 'u.data', read, accepted, duplicates, quarantined, quarantinedByReason });
 */
export async function runQualityGate(
  store: Store,
  facts: BatchFacts,
  options: GateOptions = {},
): Promise<QualityGateSummary> {
  const started = performance.now();
  const policy = await loadQualityPolicy(store);
  const runId = await store.beginQualityRun('batch', facts.batchId);
  if (!policy.enabled) {
    const summary = {
      runId,
      status: 'skip' as const,
      checks: [],
      detectors: { ran: false, reason: 'the quality gate is off (policy.enabled = false)', findings: {} },
      seconds: 0,
    };
    await store.finishQualityRun(runId, {
      batchId: facts.batchId,
      source: facts.source,
      kind: facts.kind,
      status: 'skip',
      detectors: summary.detectors,
    });
    return summary;
  }
  const batch = facts.kind === 'event' ? await loadEventTable(store, { batchId: facts.batchId }) : undefined;
  const profile = profileBatch(
    facts,
    batch ?? eventTableOf([]),
    batch ? await loadCatalogue(store, batch) : new Map(),
    policy.checks.nearDuplicateMs,
  );
  const runs = await store.listQualityRuns(Math.max(50, policy.checks.driftHistory * 5));
  const history = runs.flatMap((run) =>
    run.id !== runId && run.summary?.['profile'] ? [run.summary['profile'] as BatchProfile] : [],
  );
  const checks = runChecks({ profile, history, thresholds: policy.checks, now: (options.now ?? Date.now)() });
  const pass = await detectorPass(store, policy, runId, facts, batch, runs);
  const status = checks.reduce<CheckStatus>((current, check) => worst(current, check.status), 'pass');
  const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  await store.finishQualityRun(runId, {
    batchId: facts.batchId,
    source: facts.source,
    kind: facts.kind,
    status,
    profile,
    checks,
    detectors: pass,
    seconds,
  });
  return { runId, status, checks: checks.map(short), detectors: shortPass(pass), seconds };
}

function short(check: CheckResult) {
  return { check: check.check, status: check.status, summary: check.summary };
}

function shortPass(pass: DetectorPass): QualityGateSummary['detectors'] {
  const findings: Record<string, { reported: number; acted: number }> = {};
  for (const outcome of pass.outcomes ?? []) {
    if (!outcome.ran) continue;
    findings[outcome.detector] = {
      reported: outcome.reported.users + outcome.reported.items,
      acted: outcome.acted.users + outcome.acted.items,
    };
  }
  return { ran: pass.ran, reason: pass.reason, findings };
}

/**
 * Decides whether the detectors run for this batch and runs them. File imports always run them; API
 * batches once `scope.minNewEvents` events arrived since the last pass (an API batch of ten events
 * should not re-read the store).
 */
async function detectorPass(
  store: Store,
  policy: QualityPolicy,
  runId: number,
  facts: BatchFacts,
  batch: EventTable | undefined,
  runs: readonly QualityRun[],
): Promise<DetectorPass> {
  if (!batch || batch.length === 0) return { ran: false, reason: 'no new events' };
  let batchMaxSeq = 0;
  let batchMinTs = Number.POSITIVE_INFINITY;
  for (let row = 0; row < batch.length; row++) {
    batchMaxSeq = Math.max(batchMaxSeq, batch.seq[row]!);
    batchMinTs = Math.min(batchMinTs, batch.ts[row]!);
  }
  if (facts.source.startsWith('api:')) {
    const last = runs.find((run) => (run.summary?.['detectors'] as DetectorPass | undefined)?.ran);
    const through = (last?.summary?.['detectors'] as DetectorPass | undefined)?.throughSeq ?? 0;
    const pending = batchMaxSeq - through;
    if (pending < policy.scope.minNewEvents) {
      return {
        ran: false,
        reason: `${pending} events since the last detector pass; API batches run the detectors from ${policy.scope.minNewEvents} (scope.minNewEvents) or on \`aisle quality scan\``,
        throughSeq: through,
      };
    }
  }
  const total = (await store.stats()).events;
  let scope: EventTable;
  let fromTs: number | null = null;
  if (total <= policy.scope.fullScanMaxEvents) {
    scope = batch.length === total ? batch : await loadEventTable(store);
  } else {
    fromTs = batchMinTs - policy.scope.lookbackMs;
    scope = await loadEventTable(store, { fromTs });
  }
  const analysis = analyzeEvents(scope, policy);
  const flags = await store.saveQualityFlags(runId, analysis.flags);
  return {
    ran: true,
    reason:
      fromTs === null
        ? `all ${scope.length} stored events analysed`
        : `${scope.length} events from ${new Date(fromTs).toISOString()} analysed`,
    scope: { events: scope.length, users: scope.users.length, items: scope.items.length, fromTs },
    outcomes: analysis.outcomes,
    throughSeq: maxSeq(scope),
    flags,
  };
}

/**
 * A full scan: the detectors over every stored event (e.g. after changing the policy, or to cover
 * API traffic between passes). Open findings this scan no longer raises are marked `cleared`.
 */
export async function runQualityScan(
  store: Store,
): Promise<{ runId: number; pass: DetectorPass; cleared: number; analysis: Analysis }> {
  const policy = await loadQualityPolicy(store);
  const runId = await store.beginQualityRun('scan', null);
  const started = performance.now();
  const scope = await loadEventTable(store);
  const analysis = analyzeEvents(scope, policy);
  const flags = await store.saveQualityFlags(runId, analysis.flags);
  const ran = analysis.outcomes.filter((outcome) => outcome.ran).map((outcome) => outcome.detector);
  const cleared = await store.clearStaleQualityFlags(runId, ran);
  const pass: DetectorPass = {
    ran: true,
    reason: `full scan of ${scope.length} stored events`,
    scope: { events: scope.length, users: scope.users.length, items: scope.items.length, fromTs: null },
    outcomes: analysis.outcomes,
    throughSeq: maxSeq(scope),
    flags,
  };
  await store.finishQualityRun(runId, {
    kind: 'scan',
    detectors: pass,
    cleared,
    seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  });
  return { runId, pass, cleared, analysis };
}

function maxSeq(table: EventTable): number {
  let max = 0;
  for (let row = 0; row < table.length; row++) max = Math.max(max, table.seq[row]!);
  return max;
}
