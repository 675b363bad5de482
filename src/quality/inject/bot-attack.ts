import type { Event } from '../../core/event.js';
import type { Rng } from '../../core/rng.js';
import type { AttackContext } from './attack-context.js';
import { type InjectedAttack, attackerCount, fakeUserIds } from './attack.js';

export interface BotAttackOptions {
  /** Bot accounts as a share of the real users (at least one). */
  size: number;
}

/** The three kinds of automated traffic the evaluation injects, in turn. */
const botKinds = ['scraper', 'timer', 'crawler'] as const;

/**
 * Bot traffic of three kinds, one after the other:
 * - **scraper**: 300–1,500 events of random catalogue items, 0.3–1.5 s apart (40–200 a minute);
 * - **timer**: a scheduled job hitting a few popular items every 20–120 s (±1 % jitter) for a day or
 *   two (at most 2,000 events) — a human pace, but machine-regular;
 * - **crawler**: random items 20–60 s apart, without pause for 40–50 hours — neither fast nor regular,
 *   but tireless.
 * Views carry a dwell of 0–200 ms when the data reports dwell at all; on rating data the bots post
 * ratings drawn uniformly from the scale.
 */
export function injectBots(context: AttackContext, options: BotAttackOptions, rng: Rng): InjectedAttack {
  const count = attackerCount(context, options.size);
  const attackers = fakeUserIds(context, count, 'b');
  const reportsDwell = context.table.dwell.some((dwell) => !Number.isNaN(dwell));
  const items = context.table.items.length;
  const events: Event[] = [];
  const kinds: Record<string, number> = {};
  attackers.forEach((userId, n) => {
    const kind = botKinds[n % botKinds.length]!;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const plan = planBot(kind, rng);
    const start = context.minTs + rng.next() * Math.max(0, context.maxTs - context.minTs - plan.durationMs);
    const favourites = Array.from(context.byPopularity.subarray(0, 20));
    let t = start;
    for (let k = 0; k < plan.events; k++) {
      const item = kind === 'timer' ? favourites[k % Math.min(3, favourites.length)]! : rng.int(items);
      const event: Event = {
        userId,
        itemId: context.table.items[item]!,
        type: context.eventType,
        timestamp: Math.round(t),
      };
      if (context.ratings) {
        const steps = Math.round((context.scale.max - context.scale.min) / context.scale.step);
        event.value = context.scale.min + rng.int(steps + 1) * context.scale.step;
      }
      if (reportsDwell && event.type === 'view') event.dwellMs = rng.int(200);
      events.push(event);
      t += plan.gap(rng);
    }
  });
  return { kind: 'bot', intent: 'push', events, attackers, targets: [], details: { bots: count, kinds } };
}

function planBot(
  kind: (typeof botKinds)[number],
  rng: Rng,
): { events: number; durationMs: number; gap: (rng: Rng) => number } {
  if (kind === 'scraper') {
    const events = 300 + rng.int(1201);
    return { events, durationMs: events * 1500, gap: (r) => 300 + r.next() * 1200 };
  }
  if (kind === 'timer') {
    const period = 20_000 + rng.next() * 100_000;
    const durationMs = (24 + rng.next() * 24) * 3_600_000;
    return {
      events: Math.min(2000, Math.floor(durationMs / period)),
      durationMs,
      gap: (r) => period * (1 + 0.02 * (r.next() - 0.5)),
    };
  }
  const durationMs = (40 + rng.next() * 10) * 3_600_000;
  return { events: Math.floor(durationMs / 40_000), durationMs, gap: (r) => 20_000 + r.next() * 40_000 };
}
