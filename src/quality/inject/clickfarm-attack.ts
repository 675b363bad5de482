import type { Event } from '../../core/event.js';
import { AisleError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { type AttackContext, drawPopularItems, drawRating, humanPacedTimes } from './attack-context.js';
import { type InjectedAttack, attackerCount, fakeUserIds } from './attack.js';

export interface ClickFarmOptions {
  /** Accounts as a share of the real users; ignored when `accounts` is given. */
  size: number;
  /** Number of accounts (10–200 in the evaluation). */
  accounts?: number;
  /** Target items (default 5). */
  targets?: number;
  /** The window in which every account hits every target (default 2 hours). */
  campaignMs?: number;
  /** Camouflage events per account (default: a median real user's activity, 5 to 50). */
  camouflage?: number;
}

/**
 * A click farm: a group of accounts that all hit the same target items within one short campaign
 * window (a paid task: "view, click or rate these items today"). Each account also does camouflage —
 * events on items drawn in proportion to their popularity, paced like a real user over the three days
 * around the campaign — so that by volume and taste it looks ordinary. Targets are little-known items
 * (at most the median popularity), which is what farms are paid to promote. On rating data the farm
 * rates its targets r_max and its camouflage like the crowd does; elsewhere it uses the data's most
 * common event type.
 */
export function injectClickFarm(context: AttackContext, options: ClickFarmOptions, rng: Rng): InjectedAttack {
  const count = options.accounts ?? attackerCount(context, options.size);
  const targetCount = options.targets ?? 5;
  const campaignMs = options.campaignMs ?? 2 * 3_600_000;
  const counts = Array.from(context.itemCount).sort((a, b) => a - b);
  const medianCount = counts[counts.length >> 1] ?? 0;
  const candidates: number[] = [];
  for (let item = 0; item < context.itemCount.length; item++) {
    if (context.itemCount[item]! >= 1 && context.itemCount[item]! <= Math.max(1, medianCount))
      candidates.push(item);
  }
  if (candidates.length < targetCount) {
    throw new AisleError(
      'INVALID_ARGUMENT',
      `Only ${candidates.length} items are fit to be click-farm targets`,
    );
  }
  const targets = rng.shuffle(candidates).slice(0, targetCount);
  const span = Math.max(0, context.maxTs - context.minTs - campaignMs);
  const start = context.minTs + rng.next() * span;
  const activity = Array.from(context.userEvents).sort((a, b) => a - b);
  const camouflage = options.camouflage ?? Math.min(50, Math.max(5, activity[activity.length >> 1] ?? 5));
  const attackers = fakeUserIds(context, count, 'f');
  const events: Event[] = [];
  const base = (userId: string, item: number, timestamp: number, value?: number): Event => {
    const event: Event = {
      userId,
      itemId: context.table.items[item]!,
      type: context.eventType,
      timestamp: Math.round(timestamp),
    };
    if (context.ratings) event.value = value ?? context.scale.max;
    return event;
  };
  for (const userId of attackers) {
    for (const item of targets)
      events.push(base(userId, item, start + rng.next() * campaignMs, context.scale.max));
    const taken = new Set(targets);
    const cover = drawPopularItems(context, rng, camouflage, taken);
    const times = humanPacedTimes(context, rng, cover.length, start - 3 * 86_400_000 * rng.next());
    cover.forEach((item, at) => {
      const value = context.ratings
        ? drawRating(context, rng, context.itemMean[item]!, context.itemSd[item]!)
        : undefined;
      events.push(base(userId, item, times[at]!, value));
    });
  }
  return {
    kind: 'clickfarm',
    intent: 'push',
    events,
    attackers,
    targets: targets.map((item) => context.table.items[item]!),
    details: {
      accounts: count,
      targets: targetCount,
      campaignStart: new Date(start).toISOString(),
      campaignMinutes: campaignMs / 60_000,
      camouflagePerAccount: camouflage,
    },
  };
}
