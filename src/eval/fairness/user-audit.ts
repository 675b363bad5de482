import type { Rng } from '../../core/rng.js';
import type { UserGrouping } from '../user-groups.js';
import { bootstrapGap } from './bootstrap.js';

/** One user grouping's audit: per group its users and mean metrics, the gap, ratio and CI. */
export interface UserGroupAudit {
  groups: Record<string, { n: number } & Record<string, number>>;
  /** max − min of the group means of the primary metric. */
  gap: number;
  /** min / max of the group means of the primary metric (1 = equal). */
  ratio: number;
  /** Bootstrap 95 % CI of the gap. */
  ci: [number, number];
}

/**
 * Every metric per group of a user grouping; the gap, ratio and bootstrap CI on `primary`
 * (e.g. `ndcg@10`). `users[n]` is the user index of row n of each metric's values.
 */
export function userGroupAudit(
  grouping: UserGrouping,
  users: Int32Array,
  perUser: Record<string, Float64Array>,
  primary: string,
  rng: Rng,
  replicates = 1000,
): UserGroupAudit {
  const rows = grouping.labels.map(() => [] as number[]);
  for (let n = 0; n < users.length; n++) {
    const group = grouping.groupOf[users[n]!] ?? -1;
    if (group >= 0) rows[group]!.push(n);
  }
  const groups: UserGroupAudit['groups'] = {};
  const primaryValues: Float64Array[] = [];
  const means: number[] = [];
  grouping.labels.forEach((label, group) => {
    const members = rows[group]!;
    if (members.length === 0) return;
    const entry: { n: number } & Record<string, number> = { n: members.length };
    for (const [name, values] of Object.entries(perUser)) {
      let sum = 0;
      for (const n of members) sum += values[n]!;
      entry[name] = round(sum / members.length);
    }
    groups[label] = entry;
    const values = Float64Array.from(members, (n) => perUser[primary]![n]!);
    primaryValues.push(values);
    means.push(values.reduce((sum, value) => sum + value, 0) / values.length);
  });
  const max = means.length > 0 ? Math.max(...means) : 0;
  const min = means.length > 0 ? Math.min(...means) : 0;
  const [low, high] = bootstrapGap(primaryValues, rng, replicates);
  return {
    groups,
    gap: round(max - min),
    ratio: round(max > 0 ? min / max : 1),
    ci: [round(low), round(high)],
  };
}

function round(value: number): number {
  return Number(value.toFixed(6));
}
