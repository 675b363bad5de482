import type { InteractionLog } from './interaction-log.js';

/**
 * The history size of the last user inside the most active `share` of the users of `log` (Li et
 * al., WWW 2021: the top 5 %, as the fairness audit groups them), counted as serving reads a
 * history: the distinct items of the user's latest `historyLimit` events (`serving.historyLimit`).
 * Serving's `user-group` counts users with at least this many history items as advantaged when
 * `activeMinInteractions = "auto"`. Counting any other way could put the threshold beyond what
 * serving ever sees, and then nobody would be advantaged. 1 for an empty log.
 */
export function activeHistorySize(
  log: InteractionLog,
  share = 0.05,
  historyLimit = Number.POSITIVE_INFINITY,
): number {
  const eventsOf = new Map<number, number[]>();
  for (let event = 0; event < log.user.length; event++) {
    const list = eventsOf.get(log.user[event]!);
    if (list) list.push(event);
    else eventsOf.set(log.user[event]!, [event]);
  }
  const sizes: number[] = [];
  for (const events of eventsOf.values()) {
    const latest =
      events.length > historyLimit
        ? events.sort((a, b) => log.timestamp[b]! - log.timestamp[a]! || b - a).slice(0, historyLimit)
        : events;
    sizes.push(new Set(latest.map((event) => log.item[event]!)).size);
  }
  if (sizes.length === 0) return 1;
  sizes.sort((a, b) => b - a);
  return Math.max(1, sizes[Math.min(sizes.length, Math.max(1, Math.round(sizes.length * share))) - 1]!);
}
