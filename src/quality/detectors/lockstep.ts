import { z } from 'zod';
import { type EventTable, rowsByUser } from '../event-table.js';
import { poissonUpperTail } from '../robust-stats.js';
import { type DetectorResult, type Finding, byScore, round } from './detector.js';

/** Parameters of the lockstep (click-farm) detector (defaults documented in docs/quality.md). */
export const lockstepParamsSchema = z
  .object({
    /** Time step; a group acts on its items within one span of two steps (spans overlap by one step). */
    windowMs: z.number().int().positive().default(3_600_000),
    /** Fewest accounts in a group (five accounts on two items happen by chance on a busy day). */
    minGroup: z.number().int().min(2).default(8),
    /** Fewest items a group must share (CopyCatch's n; one shared item is a burst, not lockstep). */
    minItems: z.number().int().min(2).default(2),
    /** Share of the group's items a member must have hit. */
    memberShare: z.number().min(0).max(1).default(0.5),
    /** Share of a member's distinct items during the campaign that must be the group's items. */
    minFocus: z.number().min(0).max(1).default(0.25),
    /** Family-wise significance of a pair of co-hit cells (Bonferroni over the pairs counted). */
    alpha: z.number().positive().max(1).default(0.001),
    /** Separate other times that other users co-hit a pair in a group, from which the pair is natural. */
    naturalRecurrences: z.number().int().min(1).default(2),
    /** Steps either side of a span whose traffic sets an item's popularity at the time. */
    contextSteps: z.number().int().min(3).default(12),
    /**
     * A user with more busy cells than this in one span adds no pairs for it: it bounds the cost of
     * heavy users (a farm account hits its targets and a little camouflage; crawlers are the bot
     * detector's).
     */
    maxCellsPerUser: z.number().int().min(2).default(100),
  })
  .strict();
export type LockstepParams = z.output<typeof lockstepParamsSchema>;

/**
 * Cells: (item, span), a span being two consecutive time steps; spans start every step, so each
 * event lies in two spans and a campaign that straddles a step boundary stays whole in one of them.
 * Cells are numbered in (span, item) order; per-span figures are arrays indexed by span.
 */
interface Cells {
  origin: number;
  itemCount: number;
  count: number;
  /** Sorted keys span · itemCount + item, one per cell (the cell id is the index). */
  keys: Float64Array;
  item: Int32Array;
  span: Int32Array;
  /** Distinct users per cell. */
  users: Int32Array;
  /** Per row: its step (it lies in spans step and step + 1), and its cell in each (−1 without an item). */
  step: Int32Array;
  cellOf: [Int32Array, Int32Array];
  /** Per span: distinct users active. */
  activeUsers: Float64Array;
  /** Per span: Σ k(k − 1) over its users, k a user's distinct items in the span (pairs a user could form). */
  pairMass: Float64Array;
  /** Per span: user–item incidences (the sum of its cells' users). */
  incidences: Float64Array;
}

/** The cell of (span, item), or −1. */
function cellId(cells: Cells, span: number, item: number): number {
  const key = span * cells.itemCount + item;
  let low = 0;
  let high = cells.count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cells.keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low < cells.count && cells.keys[low] === key ? low : -1;
}

/** A group: its items and steps, its members with the items each hit, the strongest pair's p-value. */
interface Group {
  items: number[];
  firstStep: number;
  lastStep: number;
  members: Map<number, number>;
  pValue: number;
}

/**
 * Lockstep groups (click farms), in the spirit of CopyCatch (Beutel et al., WWW 2013): many accounts
 * touching the same items within the same short time. Events fall into cells (item, span of two time
 * steps). Two cells of one span are linked when more users touched both than chance allows. Chance
 * is long-run behaviour, not the span's own (a farm makes its hour busy and would excuse itself):
 * A·max(pᵢ·pⱼ, qᵢⱼ), with A the users active in the span, pᵢ the share of all user-spans touching item
 * i, and qᵢⱼ the share touching both items away from this span (related items co-occur naturally),
 * tested with a Poisson tail and Bonferroni over all pairs counted. Linked cells form groups; members
 * are the users who hit at least `memberShare` of a group's items within its time, and for whom those
 * items are at least `minFocus` of what they touched then (a farm account works on its targets; a
 * shopper or a new member rating fifty films at sign-up meets the same items among many others).
 *
 * Camouflage — fake accounts also clicking popular items — does not help a farm: a popular cell's
 * co-occurrence is expected under this null (as FRAUDAR's 1/log(degree) weights discount it), and
 * events outside the group's cells add no pairs. Groups report their density and FRAUDAR's
 * camouflage-resistant density g = Σ 1/log(d + 5) / |S|.
 */
export function detectLockstep(table: EventTable, params: LockstepParams): DetectorResult {
  const userScores = new Float32Array(table.users.length);
  const eventScores = new Float32Array(table.length);
  const cells = buildCells(table, params);
  const groups = findGroups(table, cells, params);
  const findings: Finding[] = [];
  const byUser = rowsByUser(table);
  let members = 0;
  for (const group of groups) {
    const groupItems = new Set(group.items);
    for (const [user, hits] of group.members) {
      members++;
      const score = Math.min(1, 0.85 + (0.15 * hits) / group.items.length);
      if (score <= userScores[user]!) continue;
      userScores[user] = score;
      const rows: number[] = [];
      for (let at = byUser.offsets[user]!; at < byUser.offsets[user + 1]!; at++) {
        const row = byUser.rows[at]!;
        const step = cells.step[row]!;
        const inGroup = groupItems.has(table.item[row]!) && step >= group.firstStep && step <= group.lastStep;
        // The synchronized events are the farm's work; the account's other events are its camouflage.
        eventScores[row] = Math.max(eventScores[row]!, inGroup ? score : 0.9 * score);
        if (inGroup) rows.push(row);
      }
      findings.push({
        subject: 'user',
        index: user,
        score,
        reason: 'lockstep_group',
        message: `acted on ${hits} of ${group.items.length} items in lockstep with ${group.members.size - 1} other accounts (p=${group.pValue.toExponential(2)})`,
        evidence: {
          groupSize: group.members.size,
          groupItems: group.items.slice(0, 50).map((item) => table.items[item]),
          itemsHit: hits,
          pValue: group.pValue,
        },
        covers: 'all',
        rows,
      });
    }
    findings.push(...groupFindings(table, group, cells, params));
  }
  findings.sort(byScore);
  return {
    detector: 'lockstep',
    userScores,
    eventScores,
    findings,
    stats: { cells: cells.count, groups: groups.length, members },
  };
}

function buildCells(table: EventTable, params: LockstepParams): Cells {
  const n = table.length;
  let origin = Number.POSITIVE_INFINITY;
  for (let row = 0; row < n; row++) origin = Math.min(origin, table.ts[row]!);
  const itemCount = table.items.length;
  const step = new Int32Array(n);
  let spanCount = 1;
  let withItem = 0;
  for (let row = 0; row < n; row++) {
    const s = Math.floor((table.ts[row]! - origin) / params.windowMs);
    step[row] = s;
    spanCount = Math.max(spanCount, s + 2);
    if (table.item[row]! >= 0) withItem++;
  }
  // Every (span, item) an event lies in, sorted and made unique: the cells.
  const all = new Float64Array(2 * withItem);
  for (let row = 0, at = 0; row < n; row++) {
    const item = table.item[row]!;
    if (item < 0) continue;
    all[at++] = step[row]! * itemCount + item;
    all[at++] = (step[row]! + 1) * itemCount + item;
  }
  all.sort();
  let count = 0;
  for (let at = 0; at < all.length; at++) if (at === 0 || all[at] !== all[at - 1]) all[count++] = all[at]!;
  const keys = all.slice(0, count);
  const cells: Cells = {
    origin,
    itemCount,
    count,
    keys,
    item: Int32Array.from(keys, (key) => key % itemCount),
    span: Int32Array.from(keys, (key) => Math.floor(key / itemCount)),
    users: new Int32Array(count),
    step,
    cellOf: [new Int32Array(n).fill(-1), new Int32Array(n).fill(-1)],
    activeUsers: new Float64Array(spanCount),
    pairMass: new Float64Array(spanCount),
    incidences: new Float64Array(spanCount),
  };
  for (let row = 0; row < n; row++) {
    const item = table.item[row]!;
    if (item < 0) continue;
    cells.cellOf[0][row] = cellId(cells, step[row]!, item);
    cells.cellOf[1][row] = cellId(cells, step[row]! + 1, item);
  }
  const lastUser = new Int32Array(count).fill(-1);
  const lastActive = new Int32Array(spanCount).fill(-1);
  const itemsInSpan = new Float64Array(spanCount);
  const touchedSpans: number[] = [];
  const byUser = rowsByUser(table);
  for (let user = 0; user < table.users.length; user++) {
    touchedSpans.length = 0;
    for (let at = byUser.offsets[user]!; at < byUser.offsets[user + 1]!; at++) {
      const row = byUser.rows[at]!;
      for (let which = 0; which < 2; which++) {
        const span = step[row]! + which;
        if (lastActive[span] !== user) {
          lastActive[span] = user;
          cells.activeUsers[span]!++;
          touchedSpans.push(span);
        }
        const cell = cells.cellOf[which as 0 | 1][row]!;
        if (cell < 0 || lastUser[cell] === user) continue;
        lastUser[cell] = user;
        cells.users[cell]!++;
        itemsInSpan[span]!++;
        cells.incidences[span]!++;
      }
    }
    for (const span of touchedSpans) {
      const k = itemsInSpan[span]!;
      cells.pairMass[span]! += k * (k - 1);
      itemsInSpan[span] = 0;
    }
  }
  return cells;
}

function findGroups(table: EventTable, cells: Cells, params: LockstepParams): Group[] {
  const itemCount = table.items.length;
  const byUser = rowsByUser(table);
  // Pairs of busy cells of one span co-hit by one user, keyed by dense ids of the busy cells.
  const busyId = new Int32Array(cells.count).fill(-1);
  const busyCells: number[] = [];
  for (let cell = 0; cell < cells.count; cell++) {
    if (cells.users[cell]! >= params.minGroup) {
      busyId[cell] = busyCells.length;
      busyCells.push(cell);
    }
  }
  const busy = busyCells.length;
  const overlap = new Map<number, number>();
  const seenBy = new Int32Array(busy).fill(-1);
  let userCells = new Int32Array(64);
  for (let user = 0; user < table.users.length; user++) {
    let size = 0;
    for (let at = byUser.offsets[user]!; at < byUser.offsets[user + 1]!; at++) {
      const row = byUser.rows[at]!;
      for (let which = 0; which < 2; which++) {
        const cell = cells.cellOf[which as 0 | 1][row]!;
        if (cell < 0) continue;
        const id = busyId[cell]!;
        if (id < 0 || seenBy[id] === user) continue;
        seenBy[id] = user;
        if (size === userCells.length) {
          const grown = new Int32Array(size * 2);
          grown.set(userCells);
          userCells = grown;
        }
        userCells[size++] = id;
      }
    }
    if (size < 2) continue;
    // Busy ids follow cell order, which is (span, item) order: sorting groups them by span.
    const sorted = userCells.subarray(0, size).sort();
    for (let from = 0; from < size;) {
      const span = cells.span[busyCells[sorted[from]!]!]!;
      let to = from + 1;
      while (to < size && cells.span[busyCells[sorted[to]!]!] === span) to++;
      if (to - from >= 2 && to - from <= params.maxCellsPerUser) {
        for (let x = from; x < to; x++) {
          const base = sorted[x]! * busy;
          for (let y = x + 1; y < to; y++) {
            const key = base + sorted[y]!;
            overlap.set(key, (overlap.get(key) ?? 0) + 1);
          }
        }
      }
      from = to;
    }
  }
  const tests = Math.max(1, overlap.size);
  const candidates: { span: number; i: number; j: number; together: number }[] = [];
  for (const [key, together] of overlap) {
    if (together < params.minGroup) continue;
    const first = busyCells[Math.floor(key / busy)]!;
    const second = busyCells[key % busy]!;
    const [i, j] = [cells.item[first]!, cells.item[second]!].sort((x, y) => x - y) as [number, number];
    candidates.push({ span: cells.span[first]!, i, j, together });
  }
  const userSpans = cells.activeUsers.reduce((sum, active) => sum + active, 0);
  const totalIncidences = cells.incidences.reduce((sum, count) => sum + count, 0);
  const itemShare = new Float64Array(itemCount);
  for (let cell = 0; cell < cells.count; cell++)
    itemShare[cells.item[cell]!]! += cells.users[cell]! / totalIncidences;
  const bySpan = usualCooccurrence(table, cells, candidates);
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(node, root);
    return root;
  };
  const pOfRoot = new Map<string, number>();
  const linked: { span: number; i: number; j: number; pValue: number }[] = [];
  for (const { span, i, j, together } of candidates) {
    const active = cells.activeUsers[span] ?? 0;
    const { usual, recurrences } = elsewhere(
      bySpan.get(`${i}:${j}`),
      span,
      Math.max(params.minGroup, Math.ceil(together / 4)),
    );
    // Other users co-hitting this pair in groups at other times too: a feature of the site (a daily
    // deal, a bundle page), not a campaign. (A farm that repeats itself repeats with its own accounts.)
    if (recurrences >= params.naturalRecurrences) continue;
    // Configuration model on the span's users, weighted by how many items each touched, with each
    // item at its popularity around this time (a hit of the day co-occurs with everything that day).
    const model =
      localShare(cells, i, span, itemShare[i]!, params) *
      localShare(cells, j, span, itemShare[j]!, params) *
      (cells.pairMass[span] ?? 0);
    const expected = Math.max(model, (active * usual) / userSpans);
    const pValue = poissonUpperTail(together, expected);
    if (pValue * tests >= params.alpha) continue;
    linked.push({ span, i, j, pValue });
    const [a, b] = [find(`${span}:${i}`), find(`${span}:${j}`)];
    if (a !== b) parent.set(a, b);
  }
  const cellsOfRoot = new Map<string, Set<string>>();
  for (const { span, i, j, pValue } of linked) {
    const root = find(`${span}:${i}`);
    pOfRoot.set(root, Math.min(pOfRoot.get(root) ?? 1, pValue));
    const set = cellsOfRoot.get(root) ?? new Set<string>();
    set.add(`${span}:${i}`).add(`${span}:${j}`);
    cellsOfRoot.set(root, set);
  }
  const raw: Omit<Group, 'members'>[] = [];
  for (const [root, nodes] of cellsOfRoot) {
    const parsed = [...nodes].map((node) => node.split(':').map(Number) as [number, number]);
    raw.push({
      items: [...new Set(parsed.map(([, item]) => item))],
      // The campaign: its linked spans and a step either side (a member's hit may fall in a quieter
      // step that linked no pair).
      firstStep: Math.min(...parsed.map(([span]) => span)) - 2,
      lastStep: Math.max(...parsed.map(([span]) => span)) + 1,
      pValue: pOfRoot.get(root) ?? 1,
    });
  }
  const groups: Group[] = [];
  for (const campaign of mergeCampaigns(raw)) {
    if (campaign.items.length < params.minItems) continue;
    const itemSet = new Set(campaign.items);
    const hitsOf = new Map<number, Set<number>>();
    const activeOn = new Map<number, Set<number>>();
    for (let row = 0; row < table.length; row++) {
      const step = cells.step[row]!;
      const item = table.item[row]!;
      if (step < campaign.firstStep || step > campaign.lastStep || item < 0) continue;
      const user = table.user[row]!;
      const active = activeOn.get(user) ?? new Set<number>();
      active.add(item);
      activeOn.set(user, active);
      if (!itemSet.has(item)) continue;
      const hit = hitsOf.get(user) ?? new Set<number>();
      hit.add(item);
      hitsOf.set(user, hit);
    }
    const needed = Math.max(params.minItems, Math.ceil(params.memberShare * campaign.items.length));
    const members = new Map<number, number>();
    for (const [user, hit] of hitsOf) {
      // Focus: a farm account spends the campaign on its targets; a shopper (or a new member rating
      // fifty films at sign-up) touches the same items among many others.
      if (hit.size >= needed && hit.size / activeOn.get(user)!.size >= params.minFocus)
        members.set(user, hit.size);
    }
    if (members.size >= params.minGroup) groups.push({ ...campaign, members });
  }
  return groups;
}

/**
 * An item's share of the incidences in the spans around `span` (within `contextSteps`, leaving out
 * the span and two either side, where a campaign itself would be), or its overall share when that is
 * larger or the surroundings are too quiet to tell.
 */
function localShare(
  cells: Cells,
  item: number,
  span: number,
  overall: number,
  params: LockstepParams,
): number {
  let mine = 0;
  let all = 0;
  const from = Math.max(0, span - params.contextSteps);
  const to = Math.min(cells.incidences.length - 1, span + params.contextSteps);
  for (let other = from; other <= to; other++) {
    if (Math.abs(other - span) <= 2) continue;
    all += cells.incidences[other]!;
    const cell = cellId(cells, other, item);
    if (cell >= 0) mine += cells.users[cell]!;
  }
  return all >= 100 ? Math.max(overall, mine / all) : overall;
}

/** Merges groups found in overlapping spans that share an item: one campaign seen from two spans. */
function mergeCampaigns(groups: Omit<Group, 'members'>[]): Omit<Group, 'members'>[] {
  const merged: Omit<Group, 'members'>[] = [];
  for (const group of [...groups].sort((a, b) => a.firstStep - b.firstStep)) {
    const into = merged.find(
      (other) =>
        group.firstStep <= other.lastStep + 1 && group.items.some((item) => other.items.includes(item)),
    );
    if (!into) {
      merged.push({ ...group, items: [...group.items] });
      continue;
    }
    for (const item of group.items) if (!into.items.includes(item)) into.items.push(item);
    into.lastStep = Math.max(into.lastStep, group.lastStep);
    into.pValue = Math.min(into.pValue, group.pValue);
  }
  return merged;
}

/**
 * For each candidate item pair, the users touching both items, span by span — over every user and
 * span, not only the busy cells, so naturally related items (or a sign-up page that has everyone
 * rate the same films) show their usual co-occurrence.
 */
function usualCooccurrence(
  table: EventTable,
  cells: Cells,
  candidates: readonly { i: number; j: number }[],
): Map<string, Map<number, number[]>> {
  const bySpan = new Map<string, Map<number, number[]>>();
  const partners = new Map<number, Set<number>>();
  for (const { i, j } of candidates) {
    bySpan.set(`${i}:${j}`, new Map());
    if (!partners.has(i)) partners.set(i, new Set());
    if (!partners.has(j)) partners.set(j, new Set());
    partners.get(i)!.add(j);
  }
  if (candidates.length === 0) return bySpan;
  const byUser = rowsByUser(table);
  // (span, item) of the user's events on items of candidate pairs, in time order.
  const touched: [number, number][] = [];
  for (let user = 0; user < table.users.length; user++) {
    touched.length = 0;
    for (let at = byUser.offsets[user]!; at < byUser.offsets[user + 1]!; at++) {
      const row = byUser.rows[at]!;
      const item = table.item[row]!;
      if (!partners.has(item)) continue;
      touched.push([cells.step[row]!, item], [cells.step[row]! + 1, item]);
    }
    if (touched.length < 2) continue;
    touched.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (let from = 0; from < touched.length;) {
      let to = from + 1;
      while (to < touched.length && touched[to]![0] === touched[from]![0]) to++;
      const span = touched[from]![0];
      const items = new Set(touched.slice(from, to).map(([, item]) => item));
      for (const i of items) {
        for (const j of partners.get(i)!) {
          if (!items.has(j)) continue;
          const users = bySpan.get(`${i}:${j}`)!;
          const list = users.get(span) ?? [];
          list.push(user);
          users.set(span, list);
        }
      }
      from = to;
    }
  }
  return bySpan;
}

/**
 * A pair's co-occurrence away from `span` (two spans either side left out) by users not in its group
 * there: in total, and how many separate times a group of at least `groupSize` such users formed
 * (overlapping spans count once).
 */
function elsewhere(
  bySpan: ReadonlyMap<number, number[]> | undefined,
  span: number,
  groupSize: number,
): { usual: number; recurrences: number } {
  if (!bySpan) return { usual: 0, recurrences: 0 };
  const group = new Set(bySpan.get(span) ?? []);
  const far = [...bySpan.keys()].filter((other) => Math.abs(other - span) > 2).sort((a, b) => a - b);
  let usual = 0;
  let recurrences = 0;
  let last = Number.NEGATIVE_INFINITY;
  let largest = 0;
  for (const other of far) {
    const others = bySpan.get(other)!.filter((user) => !group.has(user)).length;
    usual += others;
    if (other > last + 1) {
      if (largest >= groupSize) recurrences++;
      largest = 0;
    }
    largest = Math.max(largest, others);
    last = other;
  }
  if (largest >= groupSize) recurrences++;
  return { usual, recurrences };
}

/** One finding per item of the group: the item was the object of the lockstep. */
function groupFindings(table: EventTable, group: Group, cells: Cells, params: LockstepParams): Finding[] {
  const itemSet = new Set(group.items);
  const rowsOf = new Map<number, number[]>();
  const usersOf = new Map<number, Set<number>>();
  for (let row = 0; row < table.length; row++) {
    const step = cells.step[row]!;
    const item = table.item[row]!;
    if (!itemSet.has(item) || step < group.firstStep || step > group.lastStep) continue;
    const users = usersOf.get(item) ?? new Set<number>();
    users.add(table.user[row]!);
    usersOf.set(item, users);
    if (!group.members.has(table.user[row]!)) continue;
    const rows = rowsOf.get(item) ?? [];
    rows.push(row);
    rowsOf.set(item, rows);
  }
  let weighted = 0;
  for (const [item, rows] of rowsOf) weighted += rows.length / Math.log((usersOf.get(item)?.size ?? 0) + 5);
  const edges = [...group.members.values()].reduce((sum, hits) => sum + hits, 0);
  const density = edges / (group.members.size * group.items.length);
  const evidence = {
    items: group.items.slice(0, 50).map((index) => table.items[index]),
    accounts: group.members.size,
    density: round(density),
    fraudarDensity: round(weighted / (group.members.size + group.items.length)),
    from: new Date(cells.origin + group.firstStep * params.windowMs).toISOString(),
    to: new Date(cells.origin + (group.lastStep + 1) * params.windowMs).toISOString(),
    users: [...group.members.keys()].slice(0, 200).map((user) => table.users[user]),
    pValue: group.pValue,
  };
  return group.items.map((item) => ({
    subject: 'item' as const,
    index: item,
    score: Math.min(1, 0.9 + 0.1 * Math.min(1, -Math.log10(group.pValue + 1e-300) / 30)),
    reason: 'lockstep_target',
    message: `${rowsOf.get(item)?.length ?? 0} events from a group of ${group.members.size} accounts that acted on this and ${group.items.length - 1} other items between ${evidence.from} and ${evidence.to} (density ${round(density)}, p=${group.pValue.toExponential(2)})`,
    evidence,
    covers: 'listed' as const,
    rows: rowsOf.get(item) ?? [],
  }));
}
