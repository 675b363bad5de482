import { describe, expect, it } from 'vitest';
import type { Event } from '../../core/event.js';
import { createRng } from '../../core/rng.js';
import { DAY, START, syntheticBrowsing, tableOf } from '../test-support/synthetic.js';
import { botParamsSchema, detectBots } from './bot.js';

const params = botParamsSchema.parse({});

function account(userId: string, times: readonly number[], extra: Partial<Event> = {}): Event[] {
  return times.map((timestamp, n) => ({ userId, itemId: `p${n % 97}`, type: 'view', timestamp, ...extra }));
}

describe('bot detector', () => {
  const rng = createRng(7);
  const humans = syntheticBrowsing(rng, { users: 200, items: 300 });

  it('leaves human shoppers alone', () => {
    const result = detectBots(tableOf(humans), params);
    expect(result.findings).toEqual([]);
  });

  it('flags a scraper at an inhuman, sustained rate and lists its fastest events', () => {
    const scraper = account(
      'scraper',
      Array.from({ length: 600 }, (_, n) => START + n * 700),
    );
    const table = tableOf(humans, scraper);
    const result = detectBots(table, params);
    const [finding] = result.findings;
    expect(table.users[finding!.index]).toBe('scraper');
    expect(finding).toMatchObject({ reason: 'bot_multiple', covers: 'all' });
    expect(finding!.score).toBeGreaterThan(0.95);
    expect(finding!.evidence['peakPerMinute']).toBeGreaterThan(80);
    expect(finding!.rows.length).toBeGreaterThan(0);
    expect(result.findings).toHaveLength(1);
  });

  it('flags a timer job: a human pace, but machine-regular intervals', () => {
    const timer = account(
      'timer',
      Array.from({ length: 200 }, (_, n) => START + n * 60_000 + (n % 3) * 200),
    );
    const result = detectBots(tableOf(humans, timer), params);
    expect(result.findings.map((finding) => finding.reason)).toEqual(['regular_intervals']);
    expect(result.findings[0]!.evidence['intervalCv']).toBeLessThan(0.05);
  });

  it('flags views that nobody looked at (no dwell) and sleepless accounts', () => {
    const blind = account(
      'blind',
      Array.from({ length: 40 }, (_, n) => START + n * 37_000 * (1 + (n % 5))),
      { dwellMs: 30 },
    );
    // 40 hours, an event every 20–80 s, never resting: neither fast nor regular.
    const tireless: number[] = [];
    for (let t = START; t < START + (40 / 24) * DAY; t += 20_000 + ((tireless.length * 7919) % 60_000))
      tireless.push(t);
    const result = detectBots(tableOf(humans, blind, account('tireless', tireless)), params);
    const reasons = Object.fromEntries(result.findings.map((finding) => [finding.reason, finding.score]));
    expect(reasons['zero_dwell']).toBeGreaterThanOrEqual(0.6);
    expect(reasons['no_session_structure']).toBeGreaterThan(0.7);
  });

  it('keeps a one-off bulk submission for review without acting on it', () => {
    // 120 ratings posted within two seconds (an import from another site), then a normal life.
    const bulk = Array.from({ length: 120 }, (_, n) => START + Math.floor(n / 60) * 1000);
    const result = detectBots(
      tableOf(humans, account('importer', bulk, { type: 'rating', value: 4 })),
      params,
    );
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ reason: 'inhuman_burst', score: 0.6 });
  });
});
