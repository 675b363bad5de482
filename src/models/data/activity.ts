import type { Csr } from '../../matrix/csr.js';

/**
 * The history size (distinct items) of the last user inside the most active `share` of the users
 * (rows) of `interactions`: Li et al.'s (WWW 2021) top 5 % by default, as the fairness audit groups
 * them. Serving's `user-group` counts users with at least this many history items as advantaged when
 * `activeMinInteractions = "auto"`. 1 for an empty matrix.
 */
export function activeHistorySize(interactions: Csr, share = 0.05): number {
  const users = interactions.rows;
  if (users === 0) return 1;
  const sizes = Int32Array.from(
    { length: users },
    (_, u) => interactions.indptr[u + 1]! - interactions.indptr[u]!,
  );
  sizes.sort();
  const active = Math.min(users, Math.max(1, Math.round(users * share)));
  return Math.max(1, sizes[users - active]!);
}
