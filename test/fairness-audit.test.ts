import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/eval/datasets.js';
import { createRng } from '../src/core/rng.js';
import {
  type FairnessReport,
  type PreparedAudit,
  auditLists,
  auditPrepared,
  prepareAudit,
  runFairnessAudit,
} from '../src/eval/fairness/audit.js';
import { catalogueStats } from '../src/eval/evaluate.js';
import { fairnessCurve } from '../src/eval/fairness/curve.js';
import { activeHistorySize } from '../src/models/data/activity.js';
import {
  chooseLift,
  liftCandidates,
  liftGains,
  prepareValidationFolds,
} from '../src/eval/fairness/lift-choice.js';
import { itemGroupingsOf } from '../src/eval/fairness/item-groupings.js';
import { pairTable } from '../src/eval/pairs.js';
import { activityGrouping } from '../src/eval/user-groups.js';
import { fairStarMinimums } from '../src/rank/fairness/fair-star.js';
import { splitByProtocol } from '../src/eval/protocols.js';
import type { StoreSnapshot } from '../src/models/data/from-store.js';
import { dataset } from './support/datasets.js';
import { tempDir } from './support/temp.js';

const ml100k = dataset('ml-100k');

/**
 * The audit end to end on a slice of ML-100K (the ratings of the first 300 users, every movie and
 * user file): real ingestion, a real model, real protected attributes from u.user.
 */
describe.skipIf(!ml100k.present)('fairness audit on an ML-100K slice', () => {
  const temp = tempDir('aisle-fairness-');
  let snapshot: StoreSnapshot;
  let before: FairnessReport;
  /** The same model and split, prepared once for the re-ranking tests. */
  let prepared: PreparedAudit;

  beforeAll(async () => {
    for (const name of ['u.item', 'u.user', 'u.genre', 'u.occupation'])
      copyFileSync(join(ml100k.path, name), join(temp.dir, name));
    const ratings = readFileSync(join(ml100k.path, 'u.data'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && Number(line.split('\t')[0]) <= 300);
    temp.file('u.data', `${ratings.join('\n')}\n`);
    snapshot = await loadDataset(temp.dir, 'movielens');
    before = await runFairnessAudit(snapshot, {
      protocol: 'msr',
      model: 'itemknn',
      k: 10,
      seed: 1,
      replicates: 200,
    });
    prepared = await prepareAudit(snapshot, {
      protocol: 'msr',
      model: 'itemknn',
      k: 10,
      seed: 1,
      replicates: 50,
    });
  }, 120_000);

  afterAll(() => temp.cleanup());

  it('reports NDCG@10 per group of every protected attribute and of activity, with gap and CI', () => {
    expect(before['ndcg@10']).toBeGreaterThan(0.1);
    expect(Object.keys(before.userGroups).sort()).toEqual([
      'activity',
      'ageBand',
      'gender',
      'occupation',
      'region',
    ]);
    const gender = before.userGroups['gender']!;
    const groups = Object.entries(gender).filter(([name]) => !['gap', 'ratio', 'ci'].includes(name));
    expect(groups.map(([name]) => name).sort()).toEqual(['female', 'male']);
    const users = groups.reduce((sum, [, group]) => sum + (group as Record<string, number>)['n']!, 0);
    expect(users).toBe(before.users);
    const means = groups.map(([, group]) => (group as Record<string, number>)['ndcg@10']!);
    expect(gender['gap']).toBeCloseTo(Math.max(...means) - Math.min(...means), 5);
    const [low, high] = gender['ci'] as [number, number];
    expect(low).toBeLessThanOrEqual(high);
    // The most active 5 % are served better than everyone else (Li et al. 2021's finding).
    const activity = before.userGroups['activity']!;
    expect((activity['active'] as Record<string, number>)['ndcg@10']).toBeGreaterThan(
      (activity['inactive'] as Record<string, number>)['ndcg@10']!,
    );
  });

  it('reports exposure per item group: popularity, genre and release date', () => {
    expect(Object.keys(before.exposure).sort()).toEqual(['category', 'new', 'popularity']);
    const popularity = before.exposure['popularity']!;
    expect(popularity.byGroup['popular']!.exposureShare).toBeGreaterThan(
      popularity.byGroup['long-tail']!.exposureShare,
    );
    expect(popularity.gini).toBeGreaterThan(0);
    expect(popularity.gini).toBeLessThanOrEqual(0.5);
  });

  it('gives the long tail more exposure with FA*IR and the same seed the same numbers', async () => {
    const options = { protocol: 'msr' as const, model: 'itemknn', k: 10, seed: 1, replicates: 200 };
    const after = await runFairnessAudit(snapshot, {
      ...options,
      rerank: { name: 'fair-star', strength: 0.5 },
    });
    const share = (report: FairnessReport) => report.exposure['popularity']!.byGroup['long-tail']!.slotShare;
    expect(share(after)).toBeGreaterThan(share(before));
    expect(after.exposure['popularity']!.gini).toBeLessThan(before.exposure['popularity']!.gini);
    expect(after.rerankMsPerList).toBeGreaterThan(0);
    // Per prefix the long tail's mean share meets FA*IR's table as far as each list's long-tail
    // candidates go: mean over lists of min(table(i), long-tail candidates) / i.
    const table = fairStarMinimums({ k: 10, proportion: 0.5, alpha: 0.1 });
    expect(table[9]).toBeGreaterThan(0);
    const popularity = itemGroupingsOf(prepared.snapshot, catalogueStats(prepared.data))['popularity']!;
    const longTail = popularity.labels.indexOf('long-tail');
    const available = prepared.candidates.indices.map(
      (indices) => indices.filter((item) => popularity.groupOf[item] === longTail).length,
    );
    const shares = (report: FairnessReport) =>
      report.exposure['popularity']!.byGroup['long-tail']!.prefixShares;
    const fair = shares(auditPrepared(prepared, { name: 'fair-star', strength: 0.5 }));
    const unranked = shares(auditPrepared(prepared));
    expect(fair).toHaveLength(10);
    table.forEach((minimum, i) => {
      const floor = available.reduce((sum, count) => sum + Math.min(minimum, count), 0) / available.length;
      expect(fair[i]!).toBeGreaterThanOrEqual(floor / (i + 1) - 1e-6);
      expect(fair[i]!).toBeGreaterThanOrEqual(unranked[i]! - 1e-6);
    });
    expect(fair[9]!).toBeGreaterThan(unranked[9]!);
    const again = await runFairnessAudit(snapshot, options);
    expect({ ...again, createdAt: '' }).toEqual({ ...before, createdAt: '' });
  }, 120_000);

  it('audits the validation split inside the training data, never touching the test split', async () => {
    const options = { protocol: 'msr' as const, model: 'itemknn', k: 10, seed: 1, replicates: 50 };
    const validation = await prepareAudit(snapshot, { ...options, split: 'validation' });
    const pairs = pairTable(snapshot.log);
    const final = splitByProtocol('msr', pairs, createRng(1)).final;
    const finalTest = new Set<string>();
    for (let p = 0; p < pairs.count; p++)
      if (final.test[p] === 1) finalTest.add(`${pairs.user[p]}:${pairs.item[p]}`);
    let held = 0;
    for (const [user, items] of validation.relevant)
      for (const item of items) {
        expect(finalTest.has(`${user}:${item}`)).toBe(false);
        held++;
      }
    expect(held).toBeGreaterThan(0);
    // The model saw none of the final test pairs either: its training data is the validation train.
    for (let u = 0; u < validation.data.interactions.rows; u++)
      for (
        let p = validation.data.interactions.indptr[u]!;
        p < validation.data.interactions.indptr[u + 1]!;
        p++
      )
        expect(finalTest.has(`${u}:${validation.data.interactions.indices[p]}`)).toBe(false);
    expect(auditPrepared(validation)['ndcg@10']).not.toBe(before['ndcg@10']);
  }, 120_000);

  it('narrows the activity gap with user-group, and spreads exposure towards the long tail with an items target', () => {
    const gap = (report: FairnessReport) => Number(report.userGroups['activity']!['gap']);
    const levelled = auditPrepared(prepared, { name: 'user-group', strength: 0.5, lift: 0.05 });
    expect(gap(levelled)).toBeLessThan(gap(before));
    const equal = auditPrepared(prepared, {
      name: 'exposure',
      strength: 0.3,
      itemGrouping: 'popularity',
      exposureTarget: 'items',
    });
    expect(equal.exposure['popularity']!.gini).toBeLessThan(before.exposure['popularity']!.gini);
    const merit = auditPrepared(prepared, { name: 'exposure', strength: 0.3, itemGrouping: 'popularity' });
    const longTail = (report: FairnessReport) =>
      report.exposure['popularity']!.byGroup['long-tail']!.slotShare;
    expect(longTail(equal)).toBeGreaterThan(longTail(merit));
  }, 120_000);

  it('draws a re-ranker’s curve: strengths ascending, the model’s audit at 0, the gap closing as it grows', () => {
    const curve = fairnessCurve(prepared, { name: 'user-group' }, [0.6, 0, 0.3]);
    expect(curve.map((point) => point['strength'])).toEqual([0, 0.3, 0.6]);
    const unranked = auditPrepared(prepared);
    expect(curve[0]!['ndcg@10']).toBe(unranked['ndcg@10']);
    expect(curve[0]!['gap:activity']).toBe(unranked.userGroups['activity']!['gap']);
    expect(curve[0]!['gini:popularity']).toBe(unranked.exposure['popularity']!.gini);
    expect(curve[2]!['gap:activity']!).toBeLessThan(curve[0]!['gap:activity']!);
    expect(curve[2]!['ndcg@10']!).toBeLessThan(curve[0]!['ndcg@10']!);
    for (const point of curve) expect(Object.keys(point)).toEqual(Object.keys(curve[0]!));
  });

  it('lifts only the inactive users’ lists, by the popularity penalty when liftBy says so', () => {
    const activity = activityGrouping(prepared.data.interactions, 0.05);
    const levelled = auditLists(prepared, { name: 'user-group', strength: 0.5 }).lists;
    const byPopularity = auditLists(prepared, {
      name: 'user-group',
      strength: 0.5,
      liftBy: 'popularity',
      lift: 0.3,
    }).lists;
    const byCalibration = auditLists(prepared, { name: 'user-group', strength: 0.5, lift: 0.3 }).lists;
    const popularity = catalogueStats(prepared.data).popularity;
    const totalPopularity = (list: Int32Array) => list.reduce((sum, item) => sum + popularity[item]!, 0);
    let changed = 0;
    prepared.users.forEach((user, n) => {
      if (activity.groupOf[user] === 0) expect([...byPopularity[n]!]).toEqual([...levelled[n]!]);
      else {
        // The penalty never raises the popularity of the top k (popularity-bias.ts).
        expect(totalPopularity(byPopularity[n]!)).toBeLessThanOrEqual(totalPopularity(levelled[n]!));
        if (byPopularity[n]!.some((item, at) => item !== levelled[n]![at])) changed++;
      }
    });
    expect(changed).toBeGreaterThan(prepared.users.length / 4);
    expect(byPopularity.some((list, n) => list.some((item, at) => item !== byCalibration[n]![at]))).toBe(
      true,
    );
  });

  it('evens genre exposure over the traffic with amortized-exposure, the same seed the same lists', () => {
    const setting = { name: 'amortized-exposure' as const, strength: 0.6, itemGrouping: 'category' as const };
    const amortized = auditPrepared(prepared, setting);
    expect(amortized.exposure['category']!.gini).toBeLessThan(before.exposure['category']!.gini * 0.9);
    expect(amortized['ndcg@10']!).toBeGreaterThan(before['ndcg@10']! * 0.9);
    // A cold controller (one pass of the traffic) has moved less than a warmed-up one.
    const cold = auditPrepared(prepared, { ...setting, passes: 1 });
    expect(cold.exposure['category']!.gini).toBeGreaterThan(amortized.exposure['category']!.gini);
    expect(amortized.rerankMsPerList).toBeGreaterThan(0);
    const again = auditPrepared(prepared, setting);
    expect({ ...again, createdAt: '', rerankMsPerList: 0 }).toEqual({
      ...amortized,
      createdAt: '',
      rerankMsPerList: 0,
    });
    const none = auditPrepared(prepared, { ...setting, strength: 0 });
    expect(none.exposure).toEqual(before.exposure);
    // item-kNN's scores are not normalised per user, so `auto` is the one shared relevance scale;
    // each list scaled by itself ranks differently.
    const shared = auditPrepared(prepared, { ...setting, relevanceScale: 'shared' });
    expect([shared.metrics, shared.exposure, shared.userGroups]).toEqual([
      amortized.metrics,
      amortized.exposure,
      amortized.userGroups,
    ]);
    const perList = auditPrepared(prepared, { ...setting, relevanceScale: 'list' });
    expect(perList['ndcg@10']).not.toBe(amortized['ndcg@10']);
    expect(perList.exposure['category']!.gini).toBeLessThan(before.exposure['category']!.gini * 0.9);
  }, 120_000);

  it('chooses the lift on validation splits: per lift the inactive users’ gain with its CI, the pick above 0', async () => {
    const folds = await prepareValidationFolds(
      snapshot,
      { protocol: 'msr', model: 'itemknn', k: 10, seed: 1 },
      2,
    );
    expect(folds.map((fold) => fold.options.split)).toEqual(['validation', 'validation']);
    // The validation users' relevant items are training pairs of the final split, never its test pairs.
    const splits = splitByProtocol('msr', pairTable(snapshot.log), createRng(1), { validationFolds: 1 });
    const testPairs = new Set<string>();
    const pairs = pairTable(snapshot.log);
    for (let p = 0; p < pairs.count; p++)
      if (splits.final.test[p] === 1) testPairs.add(`${pairs.user[p]}:${pairs.item[p]}`);
    expect(testPairs.size).toBeGreaterThan(0);
    for (const [user, items] of folds[0]!.relevant)
      for (const item of items) expect(testPairs.has(`${user}:${item}`)).toBe(false);

    const gains = liftGains(folds, liftCandidates, 200);
    expect(gains.map((entry) => entry.lift)).toEqual([...liftCandidates]);
    for (const { users, gain, ci } of gains) {
      expect(users).toBeGreaterThan(0);
      expect(users).toBeLessThanOrEqual(300);
      expect(ci[0]).toBeLessThanOrEqual(gain + 1e-12);
      expect(ci[1]).toBeGreaterThanOrEqual(gain - 1e-12);
    }
    const chosen = chooseLift(gains);
    if (chosen) {
      const pick = gains.find((entry) => entry.lift === chosen)!;
      expect(pick.ci[0]).toBeGreaterThan(0);
      for (const entry of gains) if (entry.ci[0] > 0) expect(entry.gain).toBeLessThanOrEqual(pick.gain);
    } else for (const entry of gains) expect(entry.ci[0]).toBeLessThanOrEqual(0);
    // Serving's advantaged threshold marks the audit's top 5 % by whole history (ties join them).
    const threshold = activeHistorySize(snapshot.log, 0.05);
    const sizes = Array.from(
      { length: pairs.userStart.length - 1 },
      (_, u) => pairs.userStart[u + 1]! - pairs.userStart[u]!,
    ).filter((size) => size > 0);
    const top = Math.round(sizes.length * 0.05);
    expect(sizes.filter((size) => size >= threshold).length).toBeGreaterThanOrEqual(top);
    expect(sizes.filter((size) => size > threshold).length).toBeLessThan(top);
    // Serving sees only the latest serving.historyLimit events: every ML-100K user rated 20 films or more.
    expect(activeHistorySize(snapshot.log, 0.05, 20)).toBe(20);
  }, 120_000);
});
