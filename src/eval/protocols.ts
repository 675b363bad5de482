import { AisleError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { PairTable } from './pairs.js';

/**
 * One train/test split, as masks over the pairs of a PairTable (1 = in the set). Test users are
 * scored from their `history` pairs when given (strong generalisation: users the model never saw),
 * otherwise from their train pairs.
 */
export interface Split {
  train: Uint8Array;
  test: Uint8Array;
  history?: Uint8Array;
}

/** A protocol's final split and the split its hyper-parameters are tuned on (never touching test). */
export interface ProtocolSplits {
  final: Split;
  validation: Split;
  /**
   * Every validation split the tuner averages over: `validation` first, then (for `msr`) further
   * independent 75/25 re-splits of the training part, so the choice of hyper-parameters rests less on
   * one random split. All inside `final.train`.
   */
  validationFolds: Split[];
  /** Pairs the protocol kept at all (filters such as RecBole's rating ≥ 3 and 10-core). */
  kept: Uint8Array;
}

export const protocolNames = ['msr', 'recbole', 'temporal', 'leave-last-out', 'strong'] as const;
export type ProtocolName = (typeof protocolNames)[number];

/**
 * Splits pairs by a named protocol:
 * - `msr`: Microsoft Recommenders' stratified split — per user, a seeded shuffle, the first
 *   round(0.75·n) pairs train (Python's round-half-even), the rest test; tuning splits train 75/25 again.
 * - `recbole`: RecBole's general protocol — pairs rated ≥ 3 (when ratings exist), 10-core filtered,
 *   per user a random 8:1:1 split (RecBole's split-count rule), validation = the 1 of 8:1:1.
 * - `temporal`: a global time cut — pairs first seen before the 80 % time quantile train, later ones of
 *   users with training history test; tuning cuts train the same way.
 * - `leave-last-out`: each user's latest pair tests, the one before validates.
 * - `strong`: strong generalisation — 80 % of users train; of the other users, half validate and
 *   half test, each with 80 % of their pairs as the history given at scoring time, 20 % to find.
 */
export function splitByProtocol(
  name: ProtocolName,
  pairs: PairTable,
  rng: Rng,
  options: { validationFolds?: number } = {},
): ProtocolSplits {
  const splits = splitOnce(name, pairs, rng);
  const folds = options.validationFolds ?? 1;
  if (name === 'msr')
    // Drawn after the final and first validation split, so those do not depend on the fold count.
    for (let fold = 1; fold < folds; fold++)
      splits.validationFolds.push(stratified(pairs, splits.final.train, 0.75, rng));
  return splits;
}

function splitOnce(name: ProtocolName, pairs: PairTable, rng: Rng): ProtocolSplits {
  const all = new Uint8Array(pairs.count).fill(1);
  const withFolds = (splits: Omit<ProtocolSplits, 'validationFolds'>): ProtocolSplits => ({
    ...splits,
    validationFolds: [splits.validation],
  });
  switch (name) {
    case 'msr': {
      const final = stratified(pairs, all, 0.75, rng);
      return withFolds({ final, validation: stratified(pairs, final.train, 0.75, rng), kept: all });
    }
    case 'recbole': {
      const kept = kCore(pairs, ratingAtLeast(pairs, 3), 10);
      const [train, validation, test] = ratioSplit(pairs, kept, [0.8, 0.1, 0.1], rng) as [
        Uint8Array,
        Uint8Array,
        Uint8Array,
      ];
      return withFolds({ final: { train, test }, validation: { train, test: validation }, kept });
    }
    case 'temporal': {
      const final = temporal(pairs, all, 0.8);
      return withFolds({ final, validation: temporal(pairs, final.train, 0.8), kept: all });
    }
    case 'leave-last-out': {
      const final = leaveLastOut(pairs, all);
      return withFolds({ final, validation: leaveLastOut(pairs, final.train), kept: all });
    }
    case 'strong':
      return withFolds(strongGeneralisation(pairs, rng));
  }
}

/** Python's round(): halves go to the even neighbour, as Microsoft Recommenders' splitter rounds. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (Math.abs(fraction - 0.5) > 1e-12) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

function pairsOfUser(pairs: PairTable, user: number, within: Uint8Array): number[] {
  const list: number[] = [];
  for (let p = pairs.userStart[user]!; p < pairs.userStart[user + 1]!; p++) if (within[p] === 1) list.push(p);
  return list;
}

function users(pairs: PairTable): number {
  return pairs.userStart.length - 1;
}

function stratified(pairs: PairTable, within: Uint8Array, ratio: number, rng: Rng): Split {
  const train = new Uint8Array(pairs.count);
  const test = new Uint8Array(pairs.count);
  for (let u = 0; u < users(pairs); u++) {
    const list = rng.shuffle(pairsOfUser(pairs, u, within));
    const cut = roundHalfEven(ratio * list.length);
    list.forEach((p, at) => ((at < cut ? train : test)[p] = 1));
  }
  return { train, test };
}

/** Pairs whose rating is at least `threshold`; all pairs when the data has no ratings. */
function ratingAtLeast(pairs: PairTable, threshold: number): Uint8Array {
  const keep = new Uint8Array(pairs.count);
  let rated = 0;
  for (let p = 0; p < pairs.count; p++) if (!Number.isNaN(pairs.maxValue[p]!)) rated++;
  for (let p = 0; p < pairs.count; p++) keep[p] = rated === 0 || pairs.maxValue[p]! >= threshold ? 1 : 0;
  return keep;
}

/** Repeatedly drops users and items with fewer than k kept pairs until none is left (k-core). */
export function kCore(pairs: PairTable, within: Uint8Array, k: number): Uint8Array {
  const keep = within.slice();
  let items = 0;
  for (let p = 0; p < pairs.count; p++) if (pairs.item[p]! >= items) items = pairs.item[p]! + 1;
  for (;;) {
    const userCount = new Int32Array(users(pairs));
    const itemCount = new Int32Array(items);
    for (let p = 0; p < pairs.count; p++) {
      if (keep[p] !== 1) continue;
      userCount[pairs.user[p]!]!++;
      itemCount[pairs.item[p]!]!++;
    }
    let dropped = 0;
    for (let p = 0; p < pairs.count; p++) {
      if (keep[p] === 1 && (userCount[pairs.user[p]!]! < k || itemCount[pairs.item[p]!]! < k)) {
        keep[p] = 0;
        dropped++;
      }
    }
    if (dropped === 0) return keep;
  }
}

/**
 * Per user, shuffled, split by ratios with RecBole's counting rule: the later parts get
 * ⌊ratio·n⌋ (raised to 1 when that is between 0 and 1 and the first part can spare it), the first
 * part the rest.
 */
function ratioSplit(pairs: PairTable, within: Uint8Array, ratios: readonly number[], rng: Rng): Uint8Array[] {
  const parts = ratios.map(() => new Uint8Array(pairs.count));
  for (let u = 0; u < users(pairs); u++) {
    const list = rng.shuffle(pairsOfUser(pairs, u, within));
    const total = list.length;
    if (total === 0) continue;
    const counts = ratios.map((ratio) => Math.floor(ratio * total));
    counts[0] = total - counts.slice(1).reduce((a, b) => a + b, 0);
    for (let i = 1; i < ratios.length; i++) {
      if (counts[0]! <= 1) break;
      const share = ratios[ratios.length - i]! * total;
      if (share > 0 && share < 1) {
        counts[ratios.length - i]!++;
        counts[0]!--;
      }
    }
    let at = 0;
    counts.forEach((count, part) => {
      for (let n = 0; n < count; n++) parts[part]![list[at++]!] = 1;
    });
  }
  return parts;
}

function temporal(pairs: PairTable, within: Uint8Array, ratio: number): Split {
  const times: number[] = [];
  for (let p = 0; p < pairs.count; p++) if (within[p] === 1) times.push(pairs.first[p]!);
  if (times.length === 0) throw new AisleError('INVALID_ARGUMENT', 'No interactions to split');
  times.sort((a, b) => a - b);
  const cutoff = times[Math.min(times.length - 1, Math.floor(ratio * times.length))]!;
  const train = new Uint8Array(pairs.count);
  const test = new Uint8Array(pairs.count);
  const known = new Uint8Array(users(pairs));
  for (let p = 0; p < pairs.count; p++) {
    if (within[p] === 1 && pairs.first[p]! < cutoff) {
      train[p] = 1;
      known[pairs.user[p]!] = 1;
    }
  }
  for (let p = 0; p < pairs.count; p++)
    if (within[p] === 1 && train[p] === 0 && known[pairs.user[p]!] === 1) test[p] = 1;
  return { train, test };
}

function leaveLastOut(pairs: PairTable, within: Uint8Array): Split {
  const train = within.slice();
  const test = new Uint8Array(pairs.count);
  for (let u = 0; u < users(pairs); u++) {
    const list = pairsOfUser(pairs, u, within);
    if (list.length < 2) continue;
    // Latest by last event time; ties go to the higher pair index (later item id), deterministically.
    let latest = list[0]!;
    for (const p of list)
      if (pairs.last[p]! > pairs.last[latest]! || (pairs.last[p] === pairs.last[latest] && p > latest))
        latest = p;
    train[latest] = 0;
    test[latest] = 1;
  }
  return { train, test };
}

function strongGeneralisation(pairs: PairTable, rng: Rng): Omit<ProtocolSplits, 'validationFolds'> {
  const order = rng.shuffle(Array.from({ length: users(pairs) }, (_, u) => u));
  const trainUsers = Math.round(order.length * 0.8);
  const validationUsers = Math.round(order.length * 0.1);
  const role = new Uint8Array(users(pairs)); // 0 train, 1 validation, 2 test
  order.forEach((u, at) => (role[u] = at < trainUsers ? 0 : at < trainUsers + validationUsers ? 1 : 2));
  const all = new Uint8Array(pairs.count).fill(1);
  const split = (group: number): Split => {
    const train = new Uint8Array(pairs.count);
    const history = new Uint8Array(pairs.count);
    const test = new Uint8Array(pairs.count);
    for (let u = 0; u < users(pairs); u++) {
      const list = pairsOfUser(pairs, u, all);
      if (role[u] === 0) for (const p of list) train[p] = 1;
      else if (role[u] === group) {
        rng.shuffle(list);
        const cut = Math.round(list.length * 0.8);
        list.forEach((p, at) => ((at < cut ? history : test)[p] = 1));
      }
    }
    return { train, test, history };
  };
  return { final: split(2), validation: split(1), kept: all };
}
