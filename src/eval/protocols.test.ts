import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { interactionLogFromEvents } from '../models/data/interaction-log.js';
import type { Event } from '../core/event.js';
import { defaultEventWeights } from '../core/event.js';
import { pairTable } from './pairs.js';
import { type Split, kCore, protocolNames, roundHalfEven, splitByProtocol } from './protocols.js';

/** 60 users × up to 50 items, ratings 1–5, one event per pair plus a few repeated views. */
function syntheticLog(seed: number) {
  const rng = createRng(seed);
  const events: Event[] = [];
  for (let u = 0; u < 60; u++) {
    const count = 3 + rng.int(40);
    for (let n = 0; n < count; n++) {
      const item = rng.int(50);
      const timestamp = 1_000_000 + u * 1000 + n * 10 + rng.int(5);
      events.push({ userId: `u${u}`, itemId: `i${item}`, type: 'rating', value: 1 + rng.int(5), timestamp });
      if (rng.next() < 0.2)
        events.push({ userId: `u${u}`, itemId: `i${item}`, type: 'view', timestamp: timestamp + 1 });
    }
  }
  return interactionLogFromEvents(events, { weights: defaultEventWeights, ratingMax: 5 });
}

function count(mask: Uint8Array): number {
  return mask.reduce((sum, value) => sum + value, 0);
}

function expectDisjoint(split: Split): void {
  for (let p = 0; p < split.train.length; p++) {
    expect(split.train[p]! + split.test[p]! + (split.history?.[p] ?? 0)).toBeLessThanOrEqual(1);
  }
}

describe('evaluation protocols', () => {
  const log = syntheticLog(1);
  const pairs = pairTable(log);

  it('groups events into distinct (user, item) pairs', () => {
    const seen = new Set<string>();
    for (let p = 0; p < pairs.count; p++) seen.add(`${pairs.user[p]}:${pairs.item[p]}`);
    expect(seen.size).toBe(pairs.count);
    for (let e = 0; e < log.user.length; e++) {
      const p = pairs.pairOfEvent[e]!;
      expect([pairs.user[p], pairs.item[p]]).toEqual([log.user[e], log.item[e]]);
    }
  });

  it.each(protocolNames)(
    '%s: train, test and validation never share a pair, and the seed reproduces the split',
    (name) => {
      const a = splitByProtocol(name, pairs, createRng(7));
      const b = splitByProtocol(name, pairs, createRng(7));
      expectDisjoint(a.final);
      expectDisjoint(a.validation);
      expect(a.final).toEqual(b.final);
      expect(count(a.final.test)).toBeGreaterThan(0);
      // Tuning never sees the test pairs.
      for (let p = 0; p < pairs.count; p++) {
        if (a.final.test[p] === 1) {
          expect(a.validation.train[p]).toBe(0);
          expect(a.validation.test[p]).toBe(0);
        }
      }
    },
  );

  it('msr: extra validation folds are independent re-splits of the training part and leave the final split as it was', () => {
    const one = splitByProtocol('msr', pairs, createRng(5));
    const three = splitByProtocol('msr', pairs, createRng(5), { validationFolds: 3 });
    expect(three.final).toEqual(one.final);
    expect(three.validation).toEqual(one.validation);
    expect(one.validationFolds).toHaveLength(1);
    expect(three.validationFolds).toHaveLength(3);
    expect(three.validationFolds[0]).toBe(three.validation);
    for (const fold of three.validationFolds) {
      expectDisjoint(fold);
      for (let p = 0; p < pairs.count; p++) {
        // Every fold splits exactly the final training pairs; none sees a test pair.
        expect(fold.train[p]! + fold.test[p]!).toBe(three.final.train[p]);
      }
    }
    expect(three.validationFolds[1]!.test).not.toEqual(three.validationFolds[2]!.test);
  });

  it.each(['recbole', 'temporal', 'leave-last-out', 'strong'] as const)(
    '%s: keeps its one validation split whatever fold count is asked for',
    (name) => {
      const splits = splitByProtocol(name, pairs, createRng(5), { validationFolds: 3 });
      expect(splits.validationFolds).toEqual([splits.validation]);
    },
  );

  it('msr: per user the first round(0.75·n) pairs (half to even) train', () => {
    const split = splitByProtocol('msr', pairs, createRng(3)).final;
    for (let u = 0; u < log.userIds.length; u++) {
      let total = 0;
      let train = 0;
      for (let p = pairs.userStart[u]!; p < pairs.userStart[u + 1]!; p++) {
        total++;
        train += split.train[p]!;
      }
      expect(train).toBe(roundHalfEven(0.75 * total));
    }
    expect([
      roundHalfEven(1.5),
      roundHalfEven(2.5),
      roundHalfEven(4.5),
      roundHalfEven(7.5),
      roundHalfEven(7.4),
    ]).toEqual([2, 2, 4, 8, 7]);
  });

  it('recbole: only pairs rated ≥ 3 in a 10-core, split 8:1:1 per user', () => {
    const splits = splitByProtocol('recbole', pairs, createRng(3));
    expect(count(splits.kept)).toBeGreaterThan(100);
    for (let p = 0; p < pairs.count; p++)
      if (splits.kept[p] === 1) expect(pairs.maxValue[p]).toBeGreaterThanOrEqual(3);
    const kept = splits.kept;
    const userCounts = new Map<number, number>();
    const itemCounts = new Map<number, number>();
    for (let p = 0; p < pairs.count; p++) {
      if (kept[p] !== 1) continue;
      userCounts.set(pairs.user[p]!, (userCounts.get(pairs.user[p]!) ?? 0) + 1);
      itemCounts.set(pairs.item[p]!, (itemCounts.get(pairs.item[p]!) ?? 0) + 1);
    }
    for (const n of [...userCounts.values(), ...itemCounts.values()]) expect(n).toBeGreaterThanOrEqual(10);
    for (const [user, total] of userCounts) {
      let test = 0;
      for (let p = pairs.userStart[user]!; p < pairs.userStart[user + 1]!; p++) test += splits.final.test[p]!;
      expect(test).toBe(Math.max(Math.floor(0.1 * total), total * 0.1 > 0 && total * 0.1 < 1 ? 1 : 0));
    }
  });

  it('kCore removes until every user and item has k pairs', () => {
    const all = new Uint8Array(pairs.count).fill(1);
    const core = kCore(pairs, all, 12);
    expect(count(core)).toBeLessThan(pairs.count);
    expect(count(core)).toBeGreaterThan(0);
  });

  it('temporal: every training pair is older than every test pair', () => {
    const split = splitByProtocol('temporal', pairs, createRng(1)).final;
    let newestTrain = 0;
    let oldestTest = Number.POSITIVE_INFINITY;
    for (let p = 0; p < pairs.count; p++) {
      if (split.train[p]) newestTrain = Math.max(newestTrain, pairs.first[p]!);
      if (split.test[p]) oldestTest = Math.min(oldestTest, pairs.first[p]!);
    }
    expect(newestTrain).toBeLessThan(oldestTest);
  });

  it("leave-last-out: each user's latest pair is the test pair", () => {
    const split = splitByProtocol('leave-last-out', pairs, createRng(1)).final;
    for (let u = 0; u < log.userIds.length; u++) {
      const own = Array.from(
        { length: pairs.userStart[u + 1]! - pairs.userStart[u]! },
        (_, n) => pairs.userStart[u]! + n,
      );
      const tests = own.filter((p) => split.test[p] === 1);
      expect(tests).toHaveLength(own.length >= 2 ? 1 : 0);
      for (const p of own)
        if (split.train[p]) expect(pairs.last[p]!).toBeLessThanOrEqual(pairs.last[tests[0]!]!);
    }
  });

  it('strong: test users are absent from training and scored from their own history', () => {
    const split = splitByProtocol('strong', pairs, createRng(1)).final;
    const trainUsers = new Set<number>();
    for (let p = 0; p < pairs.count; p++) if (split.train[p]) trainUsers.add(pairs.user[p]!);
    for (let p = 0; p < pairs.count; p++) {
      if (split.test[p] || split.history![p]) expect(trainUsers.has(pairs.user[p]!)).toBe(false);
    }
    expect(count(split.history!)).toBeGreaterThan(count(split.test));
  });
});
