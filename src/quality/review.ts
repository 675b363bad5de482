import { AisleError } from '../core/errors.js';
import type { QualityFlag, QualityFlagFilter, Store, StoredEvent } from '../store/store.js';

/** An operator's decision on a finding. */
export const reviewDecisions = ['confirm', 'readmit', 'reopen'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

const STATUS = { confirm: 'confirmed', readmit: 'readmitted', reopen: 'open' } as const;

/**
 * Records an operator's decision on a finding: `confirm` (the action stays, later scans cannot clear
 * it), `readmit` (the events count fully again; later runs keep it so) or `reopen` (back to open).
 * Nothing is deleted either way.
 *
 * @example
 * await reviewFinding(store, 42, 'readmit', 'a power user, not a bot');
 */
export async function reviewFinding(
  store: Store,
  id: number,
  decision: ReviewDecision,
  note?: string,
): Promise<QualityFlag> {
  if (!reviewDecisions.includes(decision)) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `A review decision is one of ${reviewDecisions.join(', ')}, got "${String(decision)}"`,
    );
  }
  const flag = await store.getQualityFlag(id);
  if (!flag) throw new AisleError('NOT_FOUND', `No quality finding with id ${id}`, { id });
  return store.reviewQualityFlag(
    id,
    note === undefined ? { status: STATUS[decision] } : { status: STATUS[decision], note },
  );
}

/** A finding with what it covers: the events it lists (with their scores) and, for a user, their latest events. */
export interface FindingDetail {
  flag: QualityFlag;
  listedEvents: { seq: number; score: number }[];
  recentEvents: StoredEvent[];
}

/** One finding with its events, for review. */
export async function findingDetail(store: Store, id: number, limit = 50): Promise<FindingDetail> {
  const flag = await store.getQualityFlag(id);
  if (!flag) throw new AisleError('NOT_FOUND', `No quality finding with id ${id}`, { id });
  return {
    flag,
    listedEvents: await store.qualityFlagEvents(id, limit),
    recentEvents: flag.subject === 'user' ? await store.userEvents(flag.subjectId, limit) : [],
  };
}

/** Findings for review, highest score first (open ones by default). */
export async function listFindings(store: Store, filter: QualityFlagFilter = {}): Promise<QualityFlag[]> {
  return store.listQualityFlags({ status: 'open', ...filter });
}

/** One line per finding: id, subject, detector, score, action, status, why. */
export function formatFindings(flags: readonly QualityFlag[]): string {
  if (flags.length === 0) return 'No findings.';
  return flags
    .map(
      (flag) =>
        `#${flag.id} ${flag.subject} ${flag.subjectId} [${flag.detector} ${flag.score.toFixed(2)} ${flag.action}, ${flag.status}] ${flag.reason}: ${flag.message}`,
    )
    .join('\n');
}
