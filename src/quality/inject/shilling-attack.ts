import type { Event } from '../../core/event.js';
import { AisleError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { type AttackContext, drawItems, drawRating, humanPacedTimes } from './attack-context.js';
import {
  type AttackIntent,
  type InjectedAttack,
  type ShillingAttackKind,
  attackerCount,
  fakeUserIds,
} from './attack.js';

export interface ShillingAttackOptions {
  kind: ShillingAttackKind;
  intent: AttackIntent;
  /** Fake profiles as a share of the real users (0.03 = 3 %). */
  size: number;
  /** Filler items per profile as a share of the catalogue (0.05 = 5 %). */
  filler: number;
  /** Target items (default 1). */
  targets?: number;
  /** Bandwagon: popular items every profile rates highest (default 3); segment: segment items (default 5). */
  selected?: number;
}

/**
 * The classic shilling attack profiles (Lam & Riedl 2004; Mobasher, Burke et al. 2007), each a set
 * of fake rating profiles with the target rated r_max (push) or r_min (nuke):
 * - random: filler ratings ~ N(global mean, global sd);
 * - average: filler ratings ~ N(item mean, item sd), so the filler agrees with the crowd;
 * - bandwagon: random filler plus a few of the most popular items rated r_max;
 * - segment: the most popular items of the target's segment rated r_max, filler at the opposite
 *   extreme of the target (push: r_min; nuke: r_max, the love/hate pattern).
 * Filler items are drawn uniformly from the catalogue. Each profile is paced like a real user
 * (timestamps from a real user's start and gaps), so time gives nothing away.
 *
 * Push targets are drawn from items with at least 5 events but no more than the median item, and a
 * mean rating below the global mean (an unloved item someone wants sold); nuke targets from items in
 * the most popular quarter with a mean above the global mean (a competitor's favourite).
 */
export function injectShillingAttack(
  context: AttackContext,
  options: ShillingAttackOptions,
  rng: Rng,
): InjectedAttack {
  if (!context.ratings) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `A ${options.kind} attack needs rating events; this data set has none (use clickfarm or bot)`,
    );
  }
  const { min, max } = context.scale;
  const high = options.intent === 'push' ? max : min;
  const items = context.table.items.length;
  const targets = chooseTargets(context, options.intent, options.targets ?? 1, rng);
  const fillerCount = Math.max(1, Math.round(options.filler * items));
  const selected = chooseSelected(context, options, targets, rng);
  const count = attackerCount(context, options.size);
  const attackers = fakeUserIds(context, count, 'x');
  const events: Event[] = [];
  for (const userId of attackers) {
    const taken = new Set<number>([...targets, ...selected]);
    const filler = drawItems(context, rng, fillerCount, taken);
    const profile: [number, number][] = [];
    for (const item of targets) profile.push([item, high]);
    for (const item of selected) profile.push([item, max]);
    for (const item of filler) profile.push([item, fillerRating(context, options, item, rng)]);
    rng.shuffle(profile);
    const times = humanPacedTimes(context, rng, profile.length);
    profile.forEach(([item, value], at) => {
      events.push({
        userId,
        itemId: context.table.items[item]!,
        type: 'rating',
        value,
        timestamp: times[at]!,
      });
    });
  }
  return {
    kind: options.kind,
    intent: options.intent,
    events,
    attackers,
    targets: targets.map((item) => context.table.items[item]!),
    details: {
      profiles: count,
      fillerItems: fillerCount,
      selectedItems: selected.map((item) => context.table.items[item]!),
      targetRating: high,
    },
  };
}

function fillerRating(
  context: AttackContext,
  options: ShillingAttackOptions,
  item: number,
  rng: Rng,
): number {
  switch (options.kind) {
    case 'average':
      return Number.isNaN(context.itemMean[item]!)
        ? drawRating(context, rng, context.globalMean, context.globalSd)
        : drawRating(context, rng, context.itemMean[item]!, context.itemSd[item]!);
    case 'segment':
      return options.intent === 'push' ? context.scale.min : context.scale.max;
    default:
      return drawRating(context, rng, context.globalMean, context.globalSd);
  }
}

function chooseTargets(context: AttackContext, intent: AttackIntent, count: number, rng: Rng): number[] {
  const counts = Array.from(context.itemCount).sort((a, b) => a - b);
  const medianCount = counts[counts.length >> 1] ?? 0;
  const upperQuartile = counts[Math.floor(counts.length * 0.75)] ?? 0;
  const candidates: number[] = [];
  for (let item = 0; item < context.itemCount.length; item++) {
    const mean = context.itemMean[item]!;
    const count = context.itemCount[item]!;
    if (Number.isNaN(mean)) continue;
    const fit =
      intent === 'push'
        ? count >= 5 && count <= Math.max(5, medianCount) && mean < context.globalMean
        : count >= upperQuartile && mean > context.globalMean;
    if (fit) candidates.push(item);
  }
  if (candidates.length < count) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `The data set has only ${candidates.length} items fit to be ${intent} targets`,
    );
  }
  return rng.shuffle(candidates).slice(0, count);
}

function chooseSelected(
  context: AttackContext,
  options: ShillingAttackOptions,
  targets: readonly number[],
  rng: Rng,
): number[] {
  const isTarget = new Set(targets);
  if (options.kind === 'bandwagon') {
    const want = options.selected ?? 3;
    // The blockbusters: drawn from the 20 most popular items.
    const pool = Array.from(context.byPopularity.subarray(0, Math.max(want, 20))).filter(
      (item) => !isTarget.has(item),
    );
    return rng.shuffle(pool).slice(0, want);
  }
  if (options.kind === 'segment') {
    const want = options.selected ?? 5;
    const segment = context.segmentOf.get(targets[0]!) ?? mostCommonSegment(context);
    const inSegment = Array.from(context.byPopularity).filter(
      (item) => !isTarget.has(item) && context.segmentOf.get(item) === segment,
    );
    // Without segments (no categories) the segment attack degrades to the most popular items.
    const pool =
      inSegment.length >= want
        ? inSegment
        : Array.from(context.byPopularity).filter((item) => !isTarget.has(item));
    return pool.slice(0, want);
  }
  return [];
}

function mostCommonSegment(context: AttackContext): string | undefined {
  const counts = new Map<string, number>();
  for (const segment of context.segmentOf.values()) counts.set(segment, (counts.get(segment) ?? 0) + 1);
  let best: string | undefined;
  for (const [segment, count] of counts) if (best === undefined || count > counts.get(best)!) best = segment;
  return best;
}
