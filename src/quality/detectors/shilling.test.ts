import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import { createRng } from '../../core/rng.js';
import { createAttackContext, drawRating } from '../inject/attack-context.js';
import { injectShillingAttack } from '../inject/shilling-attack.js';
import { syntheticRatings, tableOf } from '../test-support/synthetic.js';
import { detectShilling, shillingParamsSchema } from './shilling.js';

const params = shillingParamsSchema.parse({});
const community = syntheticRatings(createRng(3), { users: 600, items: 400 });
const segments = new Map<number, string>();
const cleanTable = tableOf(community);
cleanTable.items.forEach((id, index) => segments.set(index, `genre${Number(id.slice(1)) % 6}`));
const context = createAttackContext(cleanTable, segments);

function detected(events: readonly Event[], attackers: readonly string[]) {
  const table = tableOf(community, events);
  const result = detectShilling(table, params);
  const flagged = new Set<string>();
  result.userScores.forEach((score, user) => {
    if (score >= 0.8) flagged.add(table.users[user]!);
  });
  const truePositives = attackers.filter((user) => flagged.has(user)).length;
  return {
    result,
    table,
    recall: truePositives / attackers.length,
    falsePositives: flagged.size - truePositives,
  };
}

describe('shilling detector', () => {
  it('flags no real rater on clean data', () => {
    const result = detectShilling(cleanTable, params);
    expect([...result.userScores].filter((score) => score >= 0.8)).toEqual([]);
    expect(result.stats['targets']).toBe(0);
  });

  for (const kind of ['random', 'average', 'bandwagon', 'segment'] as const) {
    for (const intent of ['push', 'nuke'] as const) {
      it(`catches a 3 % ${kind} ${intent} attack and names its target`, () => {
        const attack = injectShillingAttack(
          context,
          { kind, intent, size: 0.03, filler: 0.05 },
          createRng(9),
        );
        const { result, table, recall, falsePositives } = detected(attack.events, attack.attackers);
        // 18 attackers among 600 raters; the synthetic catalogue is flatter than real ones (docs/quality.md).
        expect(recall).toBeGreaterThanOrEqual(0.9);
        expect(falsePositives).toBeLessThanOrEqual(1);
        const targets = result.findings
          .filter((finding) => finding.reason === 'shilling_target')
          .map((finding) => table.items[finding.index]);
        expect(targets).toContain(attack.targets[0]);
        const target = result.findings.find(
          (finding) =>
            finding.reason === 'shilling_target' && table.items[finding.index] === attack.targets[0],
        )!;
        expect(target.evidence['intent']).toBe(intent);
        const member = result.findings.find(
          (finding) => finding.subject === 'user' && finding.reason === 'shilling_group',
        )!;
        expect(member.evidence).toHaveProperty('rdma');
        expect(member.evidence).toHaveProperty('wda');
      });
    }
  }

  it('still catches attackers camouflaged with ratings of popular items at the crowd’s opinion', () => {
    const attack = injectShillingAttack(
      context,
      { kind: 'average', intent: 'push', size: 0.03, filler: 0.05 },
      createRng(4),
    );
    const rng = createRng(8);
    const popular = Array.from(context.byPopularity.subarray(0, 30));
    const camouflage: Event[] = attack.attackers.flatMap((userId, n) =>
      rng
        .shuffle([...popular])
        .slice(0, 5)
        .map((item, k) => ({
          userId,
          itemId: context.table.items[item]!,
          type: 'rating',
          value: drawRating(context, rng, context.itemMean[item]!, context.itemSd[item]!),
          timestamp: 1_735_700_000_000 + n * 3_600_000 + k * 20_000,
        })),
    );
    const plain = detected(attack.events, attack.attackers);
    const camouflaged = detected([...attack.events, ...camouflage], attack.attackers);
    expect(plain.recall).toBe(1);
    expect(camouflaged.recall).toBeGreaterThanOrEqual(0.9);
    expect(camouflaged.falsePositives).toBe(0);
  });

  it('keeps out a real rater whose niche dislikes meet a segment attack’s filler', () => {
    const attack = injectShillingAttack(
      context,
      { kind: 'segment', intent: 'push', size: 0.05, filler: 0.1 },
      createRng(9),
    );
    // Filler items five or more attack profiles gave r_min: weak re-sightings of the campaign, where
    // a real rater who also gave them r_min would otherwise join the group.
    const lows = new Map<string, number>();
    for (const event of attack.events)
      if (event.value === 1 && event.itemId !== attack.targets[0])
        lows.set(event.itemId!, (lows.get(event.itemId!) ?? 0) + 1);
    const shared = [...lows]
      .filter(([, count]) => count >= 5)
      .map(([item]) => item)
      .slice(0, 10);
    expect(shared.length).toBe(10);
    // A real user who hates obscure films (the filler among them) and loves a few popular ones.
    const rng = createRng(12);
    const obscure = Array.from(context.byPopularity.subarray(200)).map((item) => context.table.items[item]!);
    const hated = [...new Set([...shared, ...rng.shuffle(obscure).slice(0, 40)])];
    const loved = Array.from(context.byPopularity.subarray(0, 10)).map((item) => context.table.items[item]!);
    const niche: Event[] = [...hated, ...loved].map((itemId, n) => ({
      userId: 'niche',
      itemId,
      type: 'rating',
      value: n < hated.length ? 1 : 5,
      timestamp: 1_735_800_000_000 + n * 45_000,
    }));
    const { result, table, recall } = detected([...attack.events, ...niche], attack.attackers);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(result.userScores[table.userIndex.get('niche')!]).toBeLessThan(0.8);
  });

  it('does not judge profiles too short to tell', () => {
    const short: Event[] = [
      { userId: 'new', itemId: 'i399', type: 'rating', value: 1, timestamp: 1_735_700_000_000 },
      { userId: 'new', itemId: 'i398', type: 'rating', value: 5, timestamp: 1_735_700_060_000 },
    ];
    const table = tableOf(community, short);
    expect(detectShilling(table, params).userScores[table.userIndex.get('new')!]).toBe(0);
  });
});
