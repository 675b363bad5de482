import type { Rng } from '../../core/rng.js';
import { type EventTable, rowsByUser, typeCode } from '../event-table.js';

/**
 * What an attack injector knows about the data it attacks: the catalogue as seen in the events, the
 * rating scale, item popularity and rating statistics, item segments and how real users pace their
 * events. Everything an attacker could observe from the public site.
 */
export interface AttackContext {
  table: EventTable;
  /** The event type attacks use: `rating` where the data has ratings, else the most common type. */
  eventType: string;
  ratings: boolean;
  scale: { min: number; max: number; step: number };
  globalMean: number;
  globalSd: number;
  /** Per item index: events on it, and its rating mean and standard deviation (NaN without ratings). */
  itemCount: Int32Array;
  itemMean: Float64Array;
  itemSd: Float64Array;
  /** Item indices, most events first. */
  byPopularity: Int32Array;
  /** Item index → segment (top-level category); items without one are in no segment. */
  segmentOf: ReadonlyMap<number, string>;
  /** Real users' gaps between consecutive events (ms), per user index, for pacing fake accounts. */
  userGaps: readonly Float64Array[];
  userStart: Float64Array;
  /** Events per real user, for sizing camouflage. */
  userEvents: Int32Array;
  minTs: number;
  maxTs: number;
}

/**
 * Computes the attack context of a clean data set.
 *
 * @example
 * const context = createAttackContext(table, new Map([[table.itemIndex.get('50')!, 'Drama']]));
 */
export function createAttackContext(
  table: EventTable,
  segments: ReadonlyMap<number, string> = new Map(),
): AttackContext {
  const ratingType = typeCode(table, 'rating');
  const ratings = ratingType >= 0;
  const typeCounts = new Int32Array(table.types.length);
  for (let row = 0; row < table.length; row++) typeCounts[table.type[row]!]!++;
  let dominant = 0;
  for (let type = 1; type < typeCounts.length; type++)
    if (typeCounts[type]! > typeCounts[dominant]!) dominant = type;
  const items = table.items.length;
  const itemCount = new Int32Array(items);
  const sum = new Float64Array(items);
  const squares = new Float64Array(items);
  const rated = new Int32Array(items);
  let total = 0;
  let totalSquares = 0;
  let ratingCount = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let halfSteps = false;
  let minTs = Number.POSITIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < table.length; row++) {
    const ts = table.ts[row]!;
    if (ts < minTs) minTs = ts;
    if (ts > maxTs) maxTs = ts;
    const item = table.item[row]!;
    if (item < 0) continue;
    itemCount[item]!++;
    if (table.type[row] !== ratingType) continue;
    const value = table.value[row]!;
    if (Number.isNaN(value)) continue;
    sum[item]! += value;
    squares[item]! += value * value;
    rated[item]!++;
    total += value;
    totalSquares += value * value;
    ratingCount++;
    if (value < min) min = value;
    if (value > max) max = value;
    if (value !== Math.round(value)) halfSteps = true;
  }
  const globalMean = ratingCount > 0 ? total / ratingCount : Number.NaN;
  const globalSd = ratingCount > 1 ? Math.sqrt(Math.max(0, totalSquares / ratingCount - globalMean ** 2)) : 0;
  const itemMean = new Float64Array(items);
  const itemSd = new Float64Array(items);
  for (let item = 0; item < items; item++) {
    const n = rated[item]!;
    itemMean[item] = n > 0 ? sum[item]! / n : Number.NaN;
    itemSd[item] = n > 1 ? Math.sqrt(Math.max(0, squares[item]! / n - itemMean[item]! ** 2)) : Number.NaN;
  }
  const byPopularity = Int32Array.from({ length: items }, (_, item) => item).sort(
    (a, b) => itemCount[b]! - itemCount[a]! || a - b,
  );
  const grouping = rowsByUser(table);
  const users = table.users.length;
  const userGaps: Float64Array[] = [];
  const userStart = new Float64Array(users);
  const userEvents = new Int32Array(users);
  for (let user = 0; user < users; user++) {
    const start = grouping.offsets[user]!;
    const end = grouping.offsets[user + 1]!;
    userEvents[user] = end - start;
    userStart[user] = end > start ? table.ts[grouping.rows[start]!]! : minTs;
    const gaps = new Float64Array(Math.max(0, end - start - 1));
    for (let at = start + 1; at < end; at++)
      gaps[at - start - 1] = table.ts[grouping.rows[at]!]! - table.ts[grouping.rows[at - 1]!]!;
    userGaps.push(gaps);
  }
  return {
    table,
    eventType: ratings ? 'rating' : (table.types[dominant] ?? 'view'),
    ratings,
    scale: ratings ? { min, max, step: halfSteps ? 0.5 : 1 } : { min: 0, max: 0, step: 1 },
    globalMean,
    globalSd,
    itemCount,
    itemMean,
    itemSd,
    byPopularity,
    segmentOf: segments,
    userGaps,
    userStart,
    userEvents,
    minTs,
    maxTs,
  };
}

/** A rating drawn from N(mean, sd), rounded to the scale's step and clipped to it. */
export function drawRating(context: AttackContext, rng: Rng, mean: number, sd: number): number {
  const { min, max, step } = context.scale;
  const raw = mean + (Number.isFinite(sd) ? sd : context.globalSd) * rng.normal();
  return Math.min(max, Math.max(min, Math.round(raw / step) * step));
}

/**
 * Timestamps for `count` events of one fake account, paced like a real user: it starts where a
 * randomly chosen real user started (or at `start` when given) and steps by gaps drawn from that
 * user's own gaps, so timing alone does not give the account away.
 */
export function humanPacedTimes(context: AttackContext, rng: Rng, count: number, start?: number): number[] {
  let user = rng.int(context.userGaps.length);
  // Prefer a real user with gaps to copy (several events).
  for (let tries = 0; tries < 20 && context.userGaps[user]!.length === 0; tries++) {
    user = rng.int(context.userGaps.length);
  }
  const gaps = context.userGaps[user]!;
  const times: number[] = [];
  let t = start ?? context.userStart[user]!;
  for (let n = 0; n < count; n++) {
    times.push(t);
    t += gaps.length > 0 ? gaps[rng.int(gaps.length)]! : 60_000 * (1 + rng.int(30));
  }
  // Keep the account inside the data's time span: shift it back if it runs past the end, and
  // compress it if it is longer than the span (a real log has no events after its last day).
  const first = times[0] ?? context.minTs;
  const last = times[times.length - 1] ?? context.minTs;
  const span = Math.max(1, context.maxTs - context.minTs);
  const scale = last - first > span ? span / (last - first) : 1;
  const shift = Math.min(0, context.maxTs - (first + (last - first) * scale));
  return times.map((time) => Math.round(Math.max(context.minTs, first + (time - first) * scale + shift)));
}

/** `count` distinct items drawn uniformly from those not in `taken` (which it extends). */
export function drawItems(context: AttackContext, rng: Rng, count: number, taken: Set<number>): number[] {
  const items = context.table.items.length;
  const chosen: number[] = [];
  const want = Math.min(count, items - taken.size);
  while (chosen.length < want) {
    const item = rng.int(items);
    if (taken.has(item)) continue;
    taken.add(item);
    chosen.push(item);
  }
  return chosen;
}

/** `count` distinct items drawn in proportion to their popularity (events), from those not in `taken`. */
export function drawPopularItems(
  context: AttackContext,
  rng: Rng,
  count: number,
  taken: Set<number>,
): number[] {
  const cumulative = new Float64Array(context.itemCount.length);
  let total = 0;
  for (let item = 0; item < cumulative.length; item++) cumulative[item] = total += context.itemCount[item]!;
  const chosen: number[] = [];
  const want = Math.min(count, cumulative.length - taken.size);
  for (let tries = 0; chosen.length < want && tries < want * 100; tries++) {
    const x = rng.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > x) high = mid;
      else low = mid + 1;
    }
    if (taken.has(low)) continue;
    taken.add(low);
    chosen.push(low);
  }
  return chosen;
}
