import { z } from 'zod';
import { type EventTable, rowsByItem, rowsByUser, typeCode } from '../event-table.js';
import { binomialUpperTail, excessScore, median, robustZ } from '../robust-stats.js';
import { type DetectorResult, type Finding, byScore, round } from './detector.js';
import { type RatingProfiles, ratingProfiles } from './rating-profiles.js';

/** Parameters of the shilling detector (defaults documented in docs/quality.md). */
export const shillingParamsSchema = z
  .object({
    /** Profiles with fewer ratings are not judged (too little to tell). */
    minRatings: z.number().int().min(1).default(5),
    /** Profile anomaly (robust z units) from which a profile counts as suspect when looking for targets. */
    suspectAnomaly: z.number().positive().default(3),
    /** Family-wise significance for calling an item a target (Bonferroni over items and both extremes). */
    targetAlpha: z.number().positive().max(1).default(0.001),
    /** Fewest suspect profiles on one extreme rating of an item to call it a target. */
    minGroup: z.number().int().min(2).default(5),
    /** Largest expected share of real raters among a target's group members (false discovery rate). */
    memberFdr: z.number().positive().max(1).default(0.05),
    /**
     * Most a group member's profile may differ from the group's median profile (RMS of robust z
     * differences over length, extreme share, mean deviation, popularity and tail share). Profiles of
     * one attack come from one generator and look alike; a real rater who shares the target does not.
     */
    coherence: z.number().positive().default(1.5),
    /** Profile anomaly that is suspicious without any shared target (score 0.5 there). */
    profileAnomaly: z.number().positive().default(9),
  })
  .strict();
export type ShillingParams = z.output<typeof shillingParamsSchema>;

/** A target: an item whose extreme rating is shared by far more suspect profiles than chance allows. */
interface Target {
  item: number;
  value: number;
  raters: number;
  /** User indices of the group: anomalous raters of this extreme whose profiles look alike. */
  members: number[];
  /** Median distance of the members' profile shapes from the group's median shape. */
  dispersion: number;
  pValue: number;
}

/**
 * Shilling (profile-injection) detection, unsupervised, in two stages:
 *
 * 1. **Profile anomaly** per user: robust z-scores (median/MAD over all profiles) of four features of
 *    `ratingProfiles` — low popularity of the rated items, high long-tail share, high RDMA (log) and
 *    high mean deviation — combined as A = ½(z⁺pop + z⁺tail) + ½·max(z⁺rdma, z⁺dev). Attack filler is
 *    drawn without regard to popularity and its ratings disagree with (random, segment) or merely
 *    echo (average) the crowd, so attack profiles sit far out on these axes even when they also rate
 *    popular items (bandwagon, camouflage): that dilutes popularity but not the tail share.
 * 2. **Targets**: an attack exists to move target items, so every profile of one attack gives the
 *    target the same extreme rating. For each item and extreme (r_max for push, r_min for nuke), the
 *    number of suspect raters (A ≥ `suspectAnomaly`) is tested against the base rate of suspects
 *    (binomial tail, Bonferroni-corrected). Suspect profiles that share a target score high; a real
 *    user with a niche taste is rarely part of such a group, which keeps false positives down.
 *
 * Profiles with no target score only from their anomaly, reaching 0.5 at `profileAnomaly`.
 */
export function detectShilling(table: EventTable, params: ShillingParams): DetectorResult {
  const userScores = new Float32Array(table.users.length);
  const eventScores = new Float32Array(table.length);
  const profiles = ratingProfiles(table);
  if (!profiles) {
    return { detector: 'shilling', userScores, eventScores, findings: [], stats: { ratings: 0 } };
  }
  const judged: number[] = [];
  for (let k = 0; k < profiles.users.length; k++)
    if (profiles.ratings[k]! >= params.minRatings) judged.push(k);
  const anomaly = profileAnomaly(profiles, judged);
  const anomalyOf = new Float64Array(table.users.length).fill(Number.NaN);
  judged.forEach((k, at) => (anomalyOf[profiles.users[k]!] = anomaly[at]!));
  let suspects = 0;
  for (const value of anomaly) if (value >= params.suspectAnomaly) suspects++;
  const population = Float64Array.from(anomaly).sort();
  const shape = profileShapes(table, profiles, judged);
  const targets = findTargets(table, profiles, anomalyOf, population, shape, params);

  const rating = typeCode(table, 'rating');
  // (item, value) pairs each group member gave, to find the targets a user shares.
  const memberOf = new Map<number, Set<string>>();
  for (const target of targets) {
    for (const user of target.members) {
      let keys = memberOf.get(user);
      if (!keys) memberOf.set(user, (keys = new Set()));
      keys.add(`${target.item}:${target.value}`);
    }
  }
  const byUser = rowsByUser(table);
  const findings: Finding[] = [];
  for (let k = 0; k < profiles.users.length; k++) {
    const user = profiles.users[k]!;
    const a = anomalyOf[user]!;
    if (Number.isNaN(a)) continue;
    const shared: number[] = [];
    const targetRows: number[] = [];
    for (let at = byUser.offsets[user]!; at < byUser.offsets[user + 1]!; at++) {
      const row = byUser.rows[at]!;
      if (table.type[row] !== rating) continue;
      if (memberOf.get(user)?.has(`${table.item[row]!}:${table.value[row]!}`)) {
        shared.push(table.item[row]!);
        targetRows.push(row);
      }
    }
    // Among the most anomalous raters of a target's extreme: the attack pattern itself.
    const inGroup = shared.length > 0;
    const score = inGroup
      ? 0.85 + 0.15 * excessScore(a, params.suspectAnomaly, params.suspectAnomaly)
      : excessScore(a, params.suspectAnomaly, params.profileAnomaly - params.suspectAnomaly) *
        (a >= params.profileAnomaly ? 1 : 0.9);
    userScores[user] = score;
    if (score <= 0) continue;
    for (let at = byUser.offsets[user]!; at < byUser.offsets[user + 1]!; at++) {
      const row = byUser.rows[at]!;
      if (table.type[row] === rating) eventScores[row] = score;
    }
    // The target ratings are the harmful part of a profile: they carry the full score, filler a little less.
    for (const row of targetRows) eventScores[row] = Math.min(1, score);
    const feature = (values: Float64Array) => round(values[k]!);
    findings.push({
      subject: 'user',
      index: user,
      score,
      reason: inGroup ? 'shilling_group' : 'shilling_profile',
      message: inGroup
        ? `rating profile anomalous (A=${round(a)}) and shares the extreme rating of target item(s) ${shared.map((item) => table.items[item]).join(', ')} with a group of suspect profiles`
        : `rating profile anomalous (A=${round(a)}; suspicious from ${params.suspectAnomaly}, alone at ${params.profileAnomaly})`,
      evidence: {
        anomaly: round(a),
        ratings: profiles.ratings[k],
        rdma: feature(profiles.rdma),
        wda: feature(profiles.wda),
        wdma: feature(profiles.wdma),
        meanDeviation: feature(profiles.meanDeviation),
        popularity: feature(profiles.popularity),
        tailShare: feature(profiles.tailShare),
        extremeShare: feature(profiles.extremeShare),
        targets: shared.map((item) => table.items[item]),
      },
      covers: 'all',
      rows: targetRows,
    });
  }
  findings.push(...targets.map((target) => targetFinding(table, target, profiles, rating)));
  findings.sort(byScore);
  return {
    detector: 'shilling',
    userScores,
    eventScores,
    findings,
    stats: {
      profiles: profiles.users.length,
      judged: judged.length,
      suspects,
      targets: targets.length,
    },
  };
}

function profileAnomaly(profiles: RatingProfiles, judged: readonly number[]): Float64Array {
  const pick = (values: Float64Array, transform: (value: number) => number = (value) => value) =>
    Float64Array.from(judged, (k) => transform(values[k]!));
  const logLength = Float64Array.from(judged, (k) => Math.log(profiles.ratings[k]!));
  // A long profile reaches into the long tail by necessity: popularity, tail share and RDMA are
  // judged against profiles of the same length. Floors on the scale keep a near-constant feature
  // (tail share 0 for most users) from exploding.
  const popularity = robustZ(lengthResiduals(pick(profiles.popularity), logLength), 0.05);
  const tail = robustZ(lengthResiduals(pick(profiles.tailShare), logLength), 0.02);
  const rdma = robustZ(
    lengthResiduals(
      pick(profiles.rdma, (value) => Math.log(value + 1e-9)),
      logLength,
    ),
    0.1,
  );
  const deviation = robustZ(pick(profiles.meanDeviation), 0.05);
  const length = robustZ(logLength, 0.1);
  const anomaly = new Float64Array(judged.length);
  for (let at = 0; at < judged.length; at++) {
    anomaly[at] =
      (Math.max(0, -popularity[at]!) + Math.max(0, tail[at]!)) / 2 +
      0.5 * Math.max(0, rdma[at]!, deviation[at]!) +
      0.5 * Math.max(0, length[at]!);
  }
  return anomaly;
}

/**
 * A feature minus what profiles of the same length show: a line y = a + b·x through the medians of
 * ten quantile bins of x (log length), fitted by least squares. Medians of bins keep a concentrated
 * group (an attack with one profile length) from pulling the line.
 */
function lengthResiduals(values: Float64Array, x: Float64Array): Float64Array {
  const n = values.length;
  const order = Int32Array.from({ length: n }, (_, at) => at).sort((a, b) => x[a]! - x[b]!);
  const bins = Math.min(10, Math.floor(n / 20));
  if (bins < 3) return values;
  const centers: [number, number][] = [];
  for (let bin = 0; bin < bins; bin++) {
    const members = order.subarray(Math.floor((bin * n) / bins), Math.floor(((bin + 1) * n) / bins));
    centers.push([
      median(Float64Array.from(members, (at) => x[at]!)),
      median(Float64Array.from(members, (at) => values[at]!)),
    ]);
  }
  const meanX = centers.reduce((sum, [cx]) => sum + cx, 0) / bins;
  const meanY = centers.reduce((sum, [, cy]) => sum + cy, 0) / bins;
  let covariance = 0;
  let variance = 0;
  for (const [cx, cy] of centers) {
    covariance += (cx - meanX) * (cy - meanY);
    variance += (cx - meanX) ** 2;
  }
  const slope = variance > 0 ? covariance / variance : 0;
  return Float64Array.from(values, (value, at) => value - (meanY + slope * (x[at]! - meanX)));
}

function findTargets(
  table: EventTable,
  profiles: RatingProfiles,
  anomalyOf: Float64Array,
  population: Float64Array,
  shape: ProfileShapes,
  params: ShillingParams,
): Target[] {
  if (population.length === 0) return [];
  const rating = typeCode(table, 'rating');
  const byItem = rowsByItem(table);
  const { min, max } = profiles.scale;
  const tests = 2 * table.items.length;
  const targets: Target[] = [];
  const suspects: number[] = [];
  for (let item = 0; item < table.items.length; item++) {
    for (const value of min === max ? [max] : [max, min]) {
      let raters = 0;
      suspects.length = 0;
      for (let at = byItem.offsets[item]!; at < byItem.offsets[item + 1]!; at++) {
        const row = byItem.rows[at]!;
        if (table.type[row] !== rating || table.value[row] !== value) continue;
        const a = anomalyOf[table.user[row]!]!;
        if (Number.isNaN(a)) continue;
        raters++;
        if (a >= params.suspectAnomaly) suspects.push(table.user[row]!);
      }
      if (suspects.length < params.minGroup) continue;
      suspects.sort((x, y) => anomalyOf[y]! - anomalyOf[x]!);
      const raterAnomaly = suspects.map((user) => anomalyOf[user]!);
      const target = testTarget(raterAnomaly, raters, population, params);
      if (!target || target.pValue * tests * raterAnomaly.length >= params.targetAlpha) continue;
      const members = coherentCore(suspects.slice(0, target.suspects), shape, params.coherence);
      if (members.length < params.minGroup) continue;
      targets.push({ item, value, raters, members, pValue: target.pValue, dispersion: members.dispersion });
    }
  }
  return consolidateCampaigns(targets, params.minGroup);
}

/**
 * One attack shows up as several targets: its real target, and filler items that a handful of its
 * profiles happened to share (a segment attack's filler is all r_min, so five of its profiles often
 * meet on one obscure film). Those weak sightings recruit real raters with the same niche taste — and
 * profile shape does not tell them apart (on ML-100K they lie within `coherence` of the campaign's
 * median shape, as its own profiles do). So targets are taken strongest first, and a target whose members
 * are mostly users an earlier target already holds is a re-sighting of that campaign: it keeps those
 * members and adds no new ones. A target mostly of new users starts a campaign of its own.
 */
function consolidateCampaigns(targets: Target[], minGroup: number): Target[] {
  const claimed = new Set<number>();
  const kept: Target[] = [];
  for (const target of [...targets].sort((a, b) => a.pValue - b.pValue)) {
    const known = target.members.filter((user) => claimed.has(user));
    if (known.length * 2 < target.members.length) {
      for (const user of target.members) claimed.add(user);
      kept.push(target);
    } else if (known.length >= minGroup) kept.push({ ...target, members: known });
  }
  return kept;
}

/** Robust-z coordinates of each profile's shape, by user index (NaN rows for users not judged). */
export interface ProfileShapes {
  readonly dimensions: number;
  /** User index × dimension. */
  readonly coordinates: Float64Array;
  /**
   * Per user index: how much noisier than a typical profile its shares and means are, √(n̄ / n)
   * (at least 1), n̄ the median profile length. A short profile's features scatter more.
   */
  readonly noise: Float64Array;
}

function profileShapes(
  table: EventTable,
  profiles: RatingProfiles,
  judged: readonly number[],
): ProfileShapes {
  const columns = [
    Float64Array.from(judged, (k) => Math.log(profiles.ratings[k]!)),
    Float64Array.from(judged, (k) => profiles.extremeShare[k]!),
    Float64Array.from(judged, (k) => profiles.meanDeviation[k]!),
    Float64Array.from(judged, (k) => profiles.popularity[k]!),
    Float64Array.from(judged, (k) => profiles.tailShare[k]!),
  ];
  const floors = [0.1, 0.02, 0.05, 0.05, 0.02];
  const dimensions = columns.length;
  const coordinates = new Float64Array(table.users.length * dimensions).fill(Number.NaN);
  columns.forEach((column, d) => {
    const z = robustZ(column, floors[d]!);
    judged.forEach((k, at) => (coordinates[profiles.users[k]! * dimensions + d] = z[at]!));
  });
  const typical = median(Float64Array.from(judged, (k) => profiles.ratings[k]!));
  const noise = new Float64Array(table.users.length).fill(1);
  for (const k of judged) noise[profiles.users[k]!] = Math.sqrt(Math.max(1, typical / profiles.ratings[k]!));
  return { dimensions, coordinates, noise };
}

/**
 * The members whose profile shape lies within `limit` (RMS over dimensions) of the group's median
 * shape, with the median distance of those kept as the group's dispersion.
 */
function coherentCore(
  members: readonly number[],
  shape: ProfileShapes,
  limit: number,
): number[] & { dispersion: number } {
  const center = medianShape(members, shape);
  const distance = members.map((user) => shapeDistance(user, center, shape));
  const kept = members.filter((_, at) => distance[at]! <= limit);
  return Object.assign(kept, { dispersion: median(distance.filter((value) => value <= limit)) });
}

/** The per-dimension median of the members' shapes. */
function medianShape(members: readonly number[], shape: ProfileShapes): Float64Array {
  const { dimensions, coordinates } = shape;
  const center = new Float64Array(dimensions);
  const column = new Float64Array(members.length);
  for (let d = 0; d < dimensions; d++) {
    members.forEach((user, at) => (column[at] = coordinates[user * dimensions + d]!));
    center[d] = median(column);
  }
  return center;
}

/** RMS distance of a user's shape from `center`, in units of the user's own noise. */
function shapeDistance(user: number, center: Float64Array, shape: ProfileShapes): number {
  const { dimensions, coordinates } = shape;
  let sum = 0;
  for (let d = 0; d < dimensions; d++) sum += (coordinates[user * dimensions + d]! - center[d]!) ** 2;
  return Math.sqrt(sum / dimensions) / shape.noise[user]!;
}

/**
 * Tests one item's extreme rating for a group. The null is the anomaly distribution of the profiles
 * that did not give it (so an attack does not hide behind its own members). Significance: the
 * smallest binomial tail over cuts at the raters' anomalies (the j most anomalous raters against the
 * null share at least as anomalous). Membership: the largest j whose expected number of real raters
 * above the cut is at most `memberFdr`·j (Benjamini–Hochberg style), so a real rater with a niche
 * taste joins only where the group leaves room for chance.
 */
function testTarget(
  raterAnomaly: readonly number[],
  raters: number,
  population: Float64Array,
  params: ShillingParams,
): { suspects: number; cut: number; pValue: number } | undefined {
  const others = population.length - raters;
  if (others <= 0) return undefined;
  let pValue = 1;
  let members = 0;
  for (let j = params.minGroup; j <= raterAnomaly.length; j++) {
    const cut = raterAnomaly[j - 1]!;
    if (j < raterAnomaly.length && raterAnomaly[j] === cut) continue;
    // Profiles at or above the cut that did not rate this extreme: all of them minus the j raters.
    const nullShare = Math.max(0.5, atOrAbove(population, cut) - j) / others;
    pValue = Math.min(pValue, binomialUpperTail(j, raters, nullShare));
    if (raters * nullShare <= params.memberFdr * j) members = j;
  }
  if (members < params.minGroup) return undefined;
  return { suspects: members, cut: raterAnomaly[members - 1]!, pValue };
}

/** How many of the (ascending) population are at or above `value`. */
function atOrAbove(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return sorted.length - low;
}

function targetFinding(table: EventTable, target: Target, profiles: RatingProfiles, rating: number): Finding {
  const byItem = rowsByItem(table);
  const members = new Set(target.members);
  const rows: number[] = [];
  for (let at = byItem.offsets[target.item]!; at < byItem.offsets[target.item + 1]!; at++) {
    const row = byItem.rows[at]!;
    if (table.type[row] === rating && table.value[row] === target.value && members.has(table.user[row]!))
      rows.push(row);
  }
  const intent = target.value === profiles.scale.max ? 'push' : 'nuke';
  return {
    subject: 'item',
    index: target.item,
    score: Math.min(1, 0.9 + 0.1 * Math.min(1, -Math.log10(target.pValue + 1e-300) / 30)),
    reason: 'shilling_target',
    message: `${target.members.length} of ${target.raters} ratings of ${target.value} come from anomalous, alike profiles (${intent} attack; p=${target.pValue.toExponential(2)})`,
    evidence: {
      intent,
      value: target.value,
      raters: target.raters,
      groupRaters: target.members.length,
      dispersion: round(target.dispersion),
      pValue: target.pValue,
      itemMean: round(profiles.itemMean[target.item]!),
      users: target.members.slice(0, 200).map((user) => table.users[user]),
    },
    covers: 'listed',
    rows,
  };
}
