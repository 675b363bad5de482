import type { QualityFlagInput } from '../store/store.js';
import { detectBots } from './detectors/bot.js';
import { detectBursts } from './detectors/burst.js';
import type { DetectorName, DetectorResult, Finding } from './detectors/detector.js';
import { detectLockstep } from './detectors/lockstep.js';
import { detectShilling } from './detectors/shilling.js';
import { type EventTable, filterRows } from './event-table.js';
import { type DetectorPolicy, type QualityPolicy, actionWeight } from './policy.js';

/** What one detector did in an analysis, for run summaries and reports. */
export interface DetectorOutcome {
  detector: DetectorName;
  ran: boolean;
  seconds: number;
  stats: DetectorResult['stats'];
  /** Findings kept (at or above `reportAt`), and of those the ones that got the action (`actAt`). */
  reported: { users: number; items: number };
  acted: { users: number; items: number };
}

/** The detectors' results over one table, with the policy applied. */
export interface Analysis {
  results: DetectorResult[];
  outcomes: DetectorOutcome[];
  /** The findings to store, as the policy decides (`flag` below `actAt`, the detector's action above). */
  flags: QualityFlagInput[];
  /** Per user index: the strongest action a finding applies (0 none, 1 flag … 4 quarantine). */
  userAction: Uint8Array;
}

const ACTION_RANK = { flag: 1, 'down-weight': 2, exclude: 3, quarantine: 4 } as const;

/**
 * Runs the enabled detectors over a table of events and applies the policy. The bot detector runs
 * first; accounts it acts on are left out of the other detectors' input, because machine traffic
 * distorts the statistics they compare against (item means, co-occurrence, baselines).
 *
 * @example
 * const { flags } = analyzeEvents(table, await loadQualityPolicy(store));
 */
export function analyzeEvents(table: EventTable, policy: QualityPolicy): Analysis {
  const results: DetectorResult[] = [];
  const outcomes: DetectorOutcome[] = [];
  const flags: QualityFlagInput[] = [];
  const userAction = new Uint8Array(table.users.length);
  const run = (name: DetectorName, rowMap: Int32Array | undefined, detect: () => DetectorResult) => {
    const detectorPolicy = policy.detectors[name];
    if (!detectorPolicy.enabled) {
      outcomes.push({
        detector: name,
        ran: false,
        seconds: 0,
        stats: {},
        reported: { users: 0, items: 0 },
        acted: { users: 0, items: 0 },
      });
      return undefined;
    }
    const started = performance.now();
    const raw = detect();
    const result = rowMap ? mapRows(raw, rowMap, table.length) : raw;
    results.push(result);
    const outcome: DetectorOutcome = {
      detector: name,
      ran: true,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      stats: result.stats,
      reported: { users: 0, items: 0 },
      acted: { users: 0, items: 0 },
    };
    for (const finding of result.findings) {
      const flag = toFlag(table, result, finding, detectorPolicy);
      if (!flag) continue;
      flags.push(flag);
      const subject = finding.subject === 'user' ? 'users' : 'items';
      outcome.reported[subject]++;
      if (flag.action !== 'flag') outcome.acted[subject]++;
      if (finding.subject === 'user') {
        userAction[finding.index] = Math.max(userAction[finding.index]!, ACTION_RANK[flag.action]);
      }
    }
    outcomes.push(outcome);
    return result;
  };

  const bots = run('bot', undefined, () => detectBots(table, policy.detectors.bot.params));
  let rest: { table: EventTable; rowMap: Int32Array | undefined } = { table, rowMap: undefined };
  if (bots) {
    const keep = new Uint8Array(table.length);
    let dropped = 0;
    for (let row = 0; row < table.length; row++) {
      const acted =
        bots.userScores[table.user[row]!]! >= policy.detectors.bot.actAt &&
        policy.detectors.bot.action !== 'flag';
      keep[row] = acted ? 0 : 1;
      if (acted) dropped++;
    }
    if (dropped > 0) rest = filterRows(table, keep);
  }
  run('burst', rest.rowMap, () => detectBursts(rest.table, policy.detectors.burst.params));
  run('lockstep', rest.rowMap, () => detectLockstep(rest.table, policy.detectors.lockstep.params));
  run('shilling', rest.rowMap, () => detectShilling(rest.table, policy.detectors.shilling.params));
  return { results, outcomes, flags, userAction };
}

/** Maps a result over a filtered table back to the rows of the full table. */
function mapRows(result: DetectorResult, rowMap: Int32Array, length: number): DetectorResult {
  const eventScores = new Float32Array(length);
  for (let at = 0; at < rowMap.length; at++) eventScores[rowMap[at]!] = result.eventScores[at]!;
  return {
    ...result,
    eventScores,
    findings: result.findings.map((finding) => ({
      ...finding,
      rows: finding.rows.map((row) => rowMap[row]!),
    })),
  };
}

function toFlag(
  table: EventTable,
  result: DetectorResult,
  finding: Finding,
  policy: DetectorPolicy,
): QualityFlagInput | undefined {
  if (finding.score < policy.reportAt) return undefined;
  const action = finding.score >= policy.actAt ? policy.action : 'flag';
  return {
    subject: finding.subject,
    subjectId: finding.subject === 'user' ? table.users[finding.index]! : table.items[finding.index]!,
    detector: result.detector,
    score: Number(Math.min(1, finding.score).toFixed(4)),
    action,
    weight: actionWeight(action, policy),
    reason: finding.reason,
    message: finding.message,
    evidence: finding.evidence,
    covers: finding.covers,
    events: finding.rows.map((row) => ({
      seq: table.seq[row]!,
      score: Number(Math.min(1, result.eventScores[row]! || finding.score).toFixed(4)),
    })),
  };
}
