import { z } from 'zod';
import { type EventTable, rowsByItem, rowsByUser } from '../event-table.js';
import { MAD_TO_SD } from '../robust-stats.js';
import { type DetectorResult, type Finding, byScore, round } from './detector.js';

/** Parameters of the burst detector (defaults documented in docs/quality.md). */
export const burstParamsSchema = z
  .object({
    /** Window length; windows start on two grids half a window apart, so no burst is cut in two. */
    windowMs: z.number().int().positive().default(3_600_000),
    /** Robust z-score from which a window is a burst. */
    minZ: z.number().positive().default(8),
    /** Fewest events in a burst window. */
    minEvents: z.number().int().min(1).default(20),
    /** Fewest distinct users in a burst window (one user's storm is the bot detector's business). */
    minUsers: z.number().int().min(1).default(5),
  })
  .strict();
export type BurstParams = z.output<typeof burstParamsSchema>;

interface Burst {
  start: number;
  events: number;
  expected: number;
  z: number;
  rows: number[];
}

/**
 * Bursts: an item's events in a window far above its own baseline. The baseline is the item's share
 * of all traffic per window, so a site-wide rush (a holiday, a newsletter) lifts every item's
 * expectation alike. For item i and window w with c events out of T_w in total:
 *
 *   z = (c − m·T_w) / max(1.4826·MAD·T_w, √(m·T_w), 1)
 *
 * where MAD is the median absolute deviation of the item's share c/T over all windows with traffic
 * (zeros included) and m its median — or, for an item quiet in most windows (median 0), its share of
 * all traffic outside the window. A robust z-score: one earlier burst does not raise the baseline.
 * The Poisson floor √(m·T_w) keeps a quiet item's scale honest. A window is a burst at
 * z ≥ `minZ` with at least `minEvents` events from `minUsers` users; its events score
 * 0.5 + 0.5·(1 − minZ/z) and it lists the users involved.
 */
export function detectBursts(table: EventTable, params: BurstParams): DetectorResult {
  const userScores = new Float32Array(table.users.length);
  const eventScores = new Float32Array(table.length);
  const findings: Finding[] = [];
  if (table.length === 0)
    return { detector: 'burst', userScores, eventScores, findings, stats: { bursts: 0 } };
  let origin = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < table.length; row++) {
    origin = Math.min(origin, table.ts[row]!);
    end = Math.max(end, table.ts[row]!);
  }
  const byItem = rowsByItem(table);
  const burstsOf = new Map<number, Burst[]>();
  for (const offset of [0, params.windowMs / 2]) {
    const first = origin - offset;
    const windows = Math.floor((end - first) / params.windowMs) + 1;
    const totals = new Float64Array(windows);
    for (let row = 0; row < table.length; row++)
      totals[Math.floor((table.ts[row]! - first) / params.windowMs)]!++;
    let active = 0;
    for (let w = 0; w < windows; w++) if (totals[w]! > 0) active++;
    for (let item = 0; item < table.items.length; item++) {
      const from = byItem.offsets[item]!;
      const to = byItem.offsets[item + 1]!;
      if (to - from < params.minEvents) continue;
      const counts = windowCounts(table, byItem.rows, from, to, first, params.windowMs);
      const itemTotal = to - from;
      const shares = Float64Array.from(counts.windows, (w, at) => counts.counts[at]! / totals[w]!).sort();
      const center = medianWithZeros(shares, active);
      const deviations = Float64Array.from(shares, (share) => Math.abs(share - center)).sort();
      const spread = MAD_TO_SD * medianWithZeros(deviations, active, center);
      counts.windows.forEach((w, at) => {
        const c = counts.counts[at]!;
        if (c < params.minEvents) return;
        // The item's share: the robust median, or for an item quiet in most windows (median 0) its
        // share of all traffic outside this window — so a site-wide rush raises every expectation.
        const elsewhere = (itemTotal - c) / Math.max(1, table.length - totals[w]!);
        const expected = Math.max(center, elsewhere) * totals[w]!;
        const scale = Math.max(spread * totals[w]!, Math.sqrt(expected), 1);
        const zScore = (c - expected) / scale;
        if (zScore < params.minZ) return;
        const rows = Array.from(byItem.rows.subarray(counts.starts[at]!, counts.starts[at]! + c));
        if (new Set(rows.map((row) => table.user[row]!)).size < params.minUsers) return;
        const bursts = burstsOf.get(item) ?? [];
        // The two grids overlap: keep the stronger of two windows sharing events.
        const overlapping = bursts.findIndex(
          (b) => Math.abs(b.start - (first + w * params.windowMs)) < params.windowMs,
        );
        const burst = { start: first + w * params.windowMs, events: c, expected, z: zScore, rows };
        if (overlapping < 0) bursts.push(burst);
        else if (bursts[overlapping]!.z < zScore) bursts[overlapping] = burst;
        burstsOf.set(item, bursts);
      });
    }
  }

  let burstCount = 0;
  for (const [item, bursts] of burstsOf) {
    bursts.sort((a, b) => b.z - a.z);
    burstCount += bursts.length;
    const rows: number[] = [];
    for (const burst of bursts) {
      const score = 0.5 + 0.5 * (1 - params.minZ / burst.z);
      for (const row of burst.rows) {
        if (eventScores[row]! < score) eventScores[row] = score;
        rows.push(row);
      }
    }
    const top = bursts[0]!;
    findings.push({
      subject: 'item',
      index: item,
      score: 0.5 + 0.5 * (1 - params.minZ / top.z),
      reason: 'burst',
      message: `${top.events} events in ${round(params.windowMs / 60_000)} min from ${new Date(top.start).toISOString()} where about ${round(top.expected)} were expected (robust z ${round(top.z)}); ${bursts.length} burst window(s)`,
      evidence: {
        windows: bursts.slice(0, 10).map((burst) => ({
          start: new Date(burst.start).toISOString(),
          events: burst.events,
          expected: round(burst.expected),
          z: round(burst.z),
          users: usersInvolved(table, burst.rows),
        })),
      },
      covers: 'listed',
      rows,
    });
  }
  // A user's burst suspicion: the share of their events that fell in bursts, times the bursts' strength.
  const byUser = rowsByUser(table);
  for (let user = 0; user < table.users.length; user++) {
    const from = byUser.offsets[user]!;
    const to = byUser.offsets[user + 1]!;
    let inBursts = 0;
    let strongest = 0;
    for (let at = from; at < to; at++) {
      const score = eventScores[byUser.rows[at]!]!;
      if (score > 0) {
        inBursts++;
        strongest = Math.max(strongest, score);
      }
    }
    if (inBursts > 0) userScores[user] = (strongest * inBursts) / (to - from);
  }
  findings.sort(byScore);
  return {
    detector: 'burst',
    userScores,
    eventScores,
    findings,
    stats: { bursts: burstCount, items: burstsOf.size },
  };
}

/** The item's non-empty windows on one grid, with their event counts and where their rows start. */
function windowCounts(
  table: EventTable,
  rows: Int32Array,
  from: number,
  to: number,
  first: number,
  windowMs: number,
): { windows: number[]; counts: number[]; starts: number[] } {
  const windows: number[] = [];
  const counts: number[] = [];
  const starts: number[] = [];
  for (let at = from; at < to; at++) {
    const w = Math.floor((table.ts[rows[at]!]! - first) / windowMs);
    if (windows.length > 0 && windows[windows.length - 1] === w) counts[counts.length - 1]!++;
    else {
      windows.push(w);
      counts.push(1);
      starts.push(at);
    }
  }
  return { windows, counts, starts };
}

/**
 * The median of `sorted` together with (total − sorted.length) further values equal to `fill`
 * (the windows without events: share 0, or deviation `fill` from the median), without building them.
 */
function medianWithZeros(sorted: Float64Array, total: number, fill = 0): number {
  const fills = Math.max(0, total - sorted.length);
  const at = (index: number): number => {
    // The combined list is sorted values with `fills` copies of `fill` merged in order.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]! < fill) low = mid + 1;
      else high = mid;
    }
    if (index < low) return sorted[index]!;
    if (index < low + fills) return fill;
    return sorted[index - fills]!;
  };
  const n = sorted.length + fills;
  if (n === 0) return 0;
  return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

function usersInvolved(table: EventTable, rows: readonly number[]): { user: string; events: number }[] {
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(table.user[row]!, (counts.get(table.user[row]!) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 50)
    .map(([user, events]) => ({ user: table.users[user]!, events }));
}
