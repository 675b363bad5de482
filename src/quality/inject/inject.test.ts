import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { syntheticBrowsing, syntheticRatings, tableOf } from '../test-support/synthetic.js';
import { createAttackContext } from './attack-context.js';
import { injectAttack } from './inject.js';

describe('attack injection', () => {
  const ratings = createAttackContext(tableOf(syntheticRatings(createRng(1), { users: 500, items: 400 })));
  const browsing = createAttackContext(tableOf(syntheticBrowsing(createRng(1), { users: 500, items: 400 })));
  const options = { intent: 'push' as const, size: 0.03, filler: 0.05 };

  it('builds shilling profiles: size, filler, the target at the extreme, inside the data’s time span', () => {
    const attack = injectAttack(ratings, { ...options, kind: 'segment' }, createRng(2));
    expect(attack.attackers).toHaveLength(15);
    const perProfile = attack.events.filter((event) => event.userId === attack.attackers[0]);
    // 5 % of 400 filler, 5 segment items, 1 target
    expect(perProfile).toHaveLength(26);
    expect(perProfile.find((event) => event.itemId === attack.targets[0])?.value).toBe(5);
    expect(perProfile.filter((event) => event.value === 1)).toHaveLength(20);
    expect(
      attack.events.every((event) => event.timestamp >= ratings.minTs && event.timestamp <= ratings.maxTs),
    ).toBe(true);
    const nuke = injectAttack(ratings, { ...options, kind: 'average', intent: 'nuke' }, createRng(2));
    expect(
      nuke.events.filter((event) => event.itemId === nuke.targets[0]).every((event) => event.value === 1),
    ).toBe(true);
  });

  it('is reproducible from its seed', () => {
    const first = injectAttack(ratings, { ...options, kind: 'random' }, createRng(5));
    const second = injectAttack(ratings, { ...options, kind: 'random' }, createRng(5));
    expect(second).toEqual(first);
  });

  it('builds click farms: every account hits every target within the campaign, plus camouflage', () => {
    const attack = injectAttack(
      browsing,
      { ...options, kind: 'clickfarm', accounts: 20, targets: 4 },
      createRng(3),
    );
    expect(attack.attackers).toHaveLength(20);
    const hits = attack.events.filter((event) => attack.targets.includes(event.itemId!));
    expect(hits).toHaveLength(80);
    const times = hits.map((event) => event.timestamp);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(2 * 3_600_000);
    expect(attack.events.length).toBeGreaterThan(80);
    expect(() =>
      injectAttack(browsing, { ...options, kind: 'clickfarm', intent: 'nuke' }, createRng(3)),
    ).toThrow(/push/);
  });

  it('builds bots of three kinds and refuses shilling on data without ratings', () => {
    const attack = injectAttack(browsing, { ...options, kind: 'bot' }, createRng(4));
    expect(attack.details['kinds']).toEqual({ scraper: 5, timer: 5, crawler: 5 });
    expect(() => injectAttack(browsing, { ...options, kind: 'average' }, createRng(4))).toThrow(
      /needs rating events/,
    );
    expect(() => injectAttack(browsing, { ...options, kind: 'bot', size: 2 }, createRng(4))).toThrow(
      /--size/,
    );
  });
});
