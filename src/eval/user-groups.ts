import type { ProtectedAttributes } from '../core/entities.js';
import type { Csr } from '../matrix/csr.js';

/** A partition of users: per user index a group index (-1 = unknown), and the group labels. */
export interface UserGrouping {
  attribute: string;
  labels: string[];
  groupOf: Int32Array;
}

/**
 * Groups from protected attributes (gender, age band, region, occupation and any other), read only
 * here, for audits: they never reach a model.
 */
export function protectedGroupings(
  userIds: readonly string[],
  records: readonly ProtectedAttributes[],
): UserGrouping[] {
  const byUser = new Map(records.map((record) => [record.userId, record]));
  const attributes = new Set<string>();
  for (const record of records) {
    for (const name of ['gender', 'ageBand', 'region', 'occupation'] as const)
      if (record[name] !== undefined) attributes.add(name);
    for (const name of Object.keys(record.other)) attributes.add(name);
  }
  return [...attributes].map((attribute) => {
    const labels: string[] = [];
    const index = new Map<string, number>();
    const groupOf = new Int32Array(userIds.length).fill(-1);
    userIds.forEach((userId, u) => {
      const record = byUser.get(userId);
      const value = record
        ? ((record as unknown as Record<string, string | undefined>)[attribute] ?? record.other[attribute])
        : undefined;
      if (value === undefined) return;
      let group = index.get(value);
      if (group === undefined) {
        group = labels.length;
        index.set(value, group);
        labels.push(value);
      }
      groupOf[u] = group;
    });
    return { attribute, labels, groupOf };
  });
}

/**
 * Activity level from the training interactions (Li et al., WWW 2021): the most active `share` of
 * users (by number of items) are "active", the rest "inactive". Users without interactions are inactive.
 */
export function activityGrouping(interactions: Csr, share = 0.05): UserGrouping {
  const users = interactions.rows;
  const counts = Int32Array.from(
    { length: users },
    (_, u) => interactions.indptr[u + 1]! - interactions.indptr[u]!,
  );
  const order = Array.from({ length: users }, (_, u) => u).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const active = Math.max(1, Math.round(users * share));
  const groupOf = new Int32Array(users).fill(1);
  for (let n = 0; n < active && n < users; n++) groupOf[order[n]!] = 0;
  return { attribute: 'activity', labels: ['active', 'inactive'], groupOf };
}
