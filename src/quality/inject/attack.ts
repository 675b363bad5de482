import type { Event } from '../../core/event.js';
import type { AttackContext } from './attack-context.js';

/** The attacks the evaluation injects. */
export const attackKinds = ['random', 'average', 'bandwagon', 'segment', 'clickfarm', 'bot'] as const;
export type AttackKind = (typeof attackKinds)[number];

/** The shilling (rating-profile) attacks among them. */
export const shillingAttackKinds = ['random', 'average', 'bandwagon', 'segment'] as const;
export type ShillingAttackKind = (typeof shillingAttackKinds)[number];

/** Promote the target items, or demote them. */
export type AttackIntent = 'push' | 'nuke';

/** Injected events with their ground truth: which accounts are fake and which items they target. */
export interface InjectedAttack {
  kind: AttackKind;
  intent: AttackIntent;
  events: Event[];
  attackers: string[];
  targets: string[];
  /** The parameters drawn (sizes, time window …), for the evaluation report. */
  details: Record<string, unknown>;
}

/**
 * Ids for `count` fake accounts that look like the data set's own: numbers after the largest numeric
 * id when the real ids are numbers, otherwise the real ids' shape with a new suffix. Detectors never
 * read ids, but an id that says "attacker" would make any review of the results meaningless.
 */
export function fakeUserIds(context: AttackContext, count: number, salt: string): string[] {
  const users = context.table.users;
  let largest = -1;
  let numeric = users.length > 0;
  for (const id of users) {
    if (!/^\d{1,15}$/.test(id)) {
      numeric = false;
      break;
    }
    largest = Math.max(largest, Number(id));
  }
  const taken = new Set(users);
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) {
    const id = numeric
      ? String(largest + 1 + n)
      : `${users[n % Math.max(1, users.length)] ?? 'u'}${salt}${n}`;
    if (!taken.has(id)) ids.push(id);
  }
  return ids;
}

/** Number of fake accounts for an attack of `size` (a share of the real users), at least one. */
export function attackerCount(context: AttackContext, size: number): number {
  return Math.max(1, Math.round(size * context.table.users.length));
}
