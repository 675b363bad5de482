import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { analyzeEvents } from './analyze.js';
import { createAttackContext } from './inject/attack-context.js';
import { injectBots } from './inject/bot-attack.js';
import { parseQualityPolicy } from './policy.js';
import { START, syntheticRatings, tableOf } from './test-support/synthetic.js';

describe('analyzeEvents', () => {
  const community = syntheticRatings(createRng(3), { users: 300, items: 300 });
  const context = createAttackContext(tableOf(community));
  const bots = injectBots(context, { size: 0.02 }, createRng(2));
  const table = tableOf(community, bots.events);

  it('applies each detector’s action above actAt and keeps weaker findings as flags', () => {
    const { flags, outcomes, userAction } = analyzeEvents(table, parseQualityPolicy({}));
    const botFlags = flags.filter((flag) => flag.detector === 'bot' && flag.subject === 'user');
    expect(new Set(botFlags.map((flag) => flag.subjectId))).toEqual(new Set(bots.attackers));
    expect(
      botFlags.every((flag) => flag.action === 'quarantine' && flag.weight === 0 && flag.covers === 'all'),
    ).toBe(true);
    expect(outcomes.map((outcome) => outcome.detector)).toEqual(['bot', 'burst', 'lockstep', 'shilling']);
    expect(outcomes[0]).toMatchObject({ ran: true, acted: { users: bots.attackers.length } });
    expect(userAction[table.userIndex.get(bots.attackers[0]!)!]).toBe(4);
    // Listed events carry their seq and score.
    const listed = botFlags.find((flag) => flag.events.length > 0)!;
    expect(listed.events[0]!.seq).toBeGreaterThan(community.length);
  });

  it('keeps bot accounts out of the other detectors’ input', () => {
    const { flags } = analyzeEvents(table, parseQualityPolicy({}));
    const others = flags.filter((flag) => flag.detector !== 'bot' && flag.subject === 'user');
    expect(others.filter((flag) => bots.attackers.includes(flag.subjectId))).toEqual([]);
  });

  it('follows the policy: a detector can be switched off or only flag', () => {
    const flagOnly = analyzeEvents(table, parseQualityPolicy({ detectors: { bot: { action: 'flag' } } }));
    expect(
      flagOnly.flags
        .filter((flag) => flag.detector === 'bot')
        .every((flag) => flag.action === 'flag' && flag.weight === 1),
    ).toBe(true);
    const off = analyzeEvents(table, parseQualityPolicy({ detectors: { bot: { enabled: false } } }));
    expect(off.outcomes[0]).toMatchObject({ detector: 'bot', ran: false });
    expect(off.flags.filter((flag) => flag.detector === 'bot')).toEqual([]);
  });

  it('analyses an empty table without findings', () => {
    const { flags } = analyzeEvents(
      tableOf([{ userId: 'a', itemId: 'b', type: 'view', timestamp: START }]),
      parseQualityPolicy({}),
    );
    expect(flags).toEqual([]);
  });
});
