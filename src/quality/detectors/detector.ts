import type { EventTable } from '../event-table.js';

/** The behavioural detectors of the quality gate. */
export const detectorNames = ['bot', 'burst', 'lockstep', 'shilling'] as const;
export type DetectorName = (typeof detectorNames)[number];

/** One suspicious user or item, with what makes it so. */
export interface Finding {
  subject: 'user' | 'item';
  /** The user's or item's index in the table. */
  index: number;
  /** Suspicion in [0, 1]. */
  score: number;
  /** Stable reason code (docs/quality.md lists them). */
  reason: string;
  /** One sentence for an operator: what was seen, against what limit. */
  message: string;
  evidence: Record<string, unknown>;
  /** `all`: every event of the user is implicated; `listed`: only `rows`. */
  covers: 'all' | 'listed';
  /** Rows of the events it implicates most (all of them when `covers` is `listed`). */
  rows: readonly number[];
}

/** What a detector found in a table of events. */
export interface DetectorResult {
  detector: DetectorName;
  /** Suspicion per user index, in [0, 1]. */
  userScores: Float32Array;
  /** Suspicion per event row, in [0, 1]. */
  eventScores: Float32Array;
  /** Users and items scoring at least the detector's reporting floor, highest first. */
  findings: Finding[];
  /** Counts and parameters worth reporting (users scored, groups found, targets …). */
  stats: Record<string, number | string | boolean>;
}

/** A detector: a pure function of a table of events and its parameters. */
export type Detector<Params> = (table: EventTable, params: Params) => DetectorResult;

/** Sorts findings highest score first (ties by index, for stable output). */
export function byScore(a: Finding, b: Finding): number {
  return b.score - a.score || a.index - b.index;
}

/** Rounds a number for evidence and messages (4 significant digits). */
export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}
