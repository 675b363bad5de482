import type { InteractionLog } from './interaction-log.js';

/**
 * The history size of the last user inside the most active `share` of the users of `log` (Li et
 * al., WWW 2021: the top 5 %, as the fairness audit groups them), counted as serving reads a
 * history: the distinct items of the user's latest `historyLimit` events (`serving.historyLimit`).
 * Serving's `user-group` counts users with at least this many history items as advantaged when
 * `activeMinInteractions = "auto"`. Counting any other way could put the threshold beyond what
 * serving ever sees, and then nobody would be advantaged. 1 for an empty log.
 *
 * Typed arrays only (a counting sort of the events by user, one item stamp array): it runs on every
 * training, and logs reach 10⁸ events.
 */
export function activeHistorySize(
  log: InteractionLog,
  share = 0.05,
  historyLimit = Number.POSITIVE_INFINITY,
): number {
  const events = log.user.length;
  if (events === 0) return 1;
  let users = 0;
  let items = 0;
  for (let event = 0; event < events; event++) {
    users = Math.max(users, log.user[event]! + 1);
    items = Math.max(items, log.item[event]! + 1);
  }
  const offsets = new Int32Array(users + 1);
  for (let event = 0; event < events; event++) offsets[log.user[event]! + 1]!++;
  for (let user = 0; user < users; user++) offsets[user + 1]! += offsets[user]!;
  const cursor = offsets.slice(0, users);
  const byUser = new Int32Array(events);
  for (let event = 0; event < events; event++) byUser[cursor[log.user[event]!]!++] = event;

  // stamp[item] = 1 + the last user that counted it, so each user's distinct items count once.
  const stamp = new Int32Array(items);
  const sizes: number[] = [];
  for (let user = 0; user < users; user++) {
    let mine = byUser.subarray(offsets[user]!, offsets[user + 1]!);
    if (mine.length === 0) continue;
    if (mine.length > historyLimit)
      mine = Int32Array.from(mine)
        .sort((a, b) => log.timestamp[b]! - log.timestamp[a]! || b - a)
        .subarray(0, historyLimit);
    let distinct = 0;
    for (const event of mine) {
      const item = log.item[event]!;
      if (stamp[item] !== user + 1) {
        stamp[item] = user + 1;
        distinct++;
      }
    }
    sizes.push(distinct);
  }
  sizes.sort((a, b) => b - a);
  return Math.max(1, sizes[Math.min(sizes.length, Math.max(1, Math.round(sizes.length * share))) - 1]!);
}
