import type { InteractionLog } from '../models/data/interaction-log.js';

/**
 * The distinct (user, item) pairs of a log. Splits assign whole pairs to train or test, so an item a
 * user viewed, carted and bought never lands on both sides (that would leak the answer).
 */
export interface PairTable {
  count: number;
  user: Int32Array;
  item: Int32Array;
  /** Earliest and latest event time of the pair. */
  first: Float64Array;
  last: Float64Array;
  /** Highest event value of the pair (the rating), NaN when none. */
  maxValue: Float32Array;
  /** Per event of the log: the pair it belongs to. */
  pairOfEvent: Int32Array;
  /** Pairs of each user, as a CSR-like index: pairs userStart[u] … userStart[u+1]-1 (sorted by item). */
  userStart: Int32Array;
}

export function pairTable(log: InteractionLog): PairTable {
  const events = log.user.length;
  const users = log.userIds.length;
  const order = new Int32Array(events);
  for (let n = 0; n < events; n++) order[n] = n;
  order.sort((a, b) => log.user[a]! - log.user[b]! || log.item[a]! - log.item[b]!);
  const pairOfEvent = new Int32Array(events);
  const user: number[] = [];
  const item: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const maxValue: number[] = [];
  for (let n = 0; n < events; n++) {
    const e = order[n]!;
    const previous = n > 0 ? order[n - 1]! : -1;
    if (previous < 0 || log.user[previous] !== log.user[e] || log.item[previous] !== log.item[e]) {
      user.push(log.user[e]!);
      item.push(log.item[e]!);
      first.push(log.timestamp[e]!);
      last.push(log.timestamp[e]!);
      maxValue.push(log.value[e]!);
    } else {
      const p = user.length - 1;
      first[p] = Math.min(first[p]!, log.timestamp[e]!);
      last[p] = Math.max(last[p]!, log.timestamp[e]!);
      const value = log.value[e]!;
      if (!Number.isNaN(value) && !(value <= maxValue[p]!)) maxValue[p] = value;
    }
    pairOfEvent[e] = user.length - 1;
  }
  const userStart = new Int32Array(users + 1);
  for (const u of user) userStart[u + 1]!++;
  for (let u = 0; u < users; u++) userStart[u + 1]! += userStart[u]!;
  return {
    count: user.length,
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    first: Float64Array.from(first),
    last: Float64Array.from(last),
    maxValue: Float32Array.from(maxValue),
    pairOfEvent,
    userStart,
  };
}

/** The events of the pairs marked in `keep` (1 = keep). */
export function eventsOfPairs(pairs: PairTable, keep: Uint8Array): Int32Array {
  let count = 0;
  for (let e = 0; e < pairs.pairOfEvent.length; e++) if (keep[pairs.pairOfEvent[e]!] === 1) count++;
  const out = new Int32Array(count);
  for (let e = 0, at = 0; e < pairs.pairOfEvent.length; e++)
    if (keep[pairs.pairOfEvent[e]!] === 1) out[at++] = e;
  return out;
}
