import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/eval/datasets.js';
import { type FairnessReport, runFairnessAudit } from '../src/eval/fairness/audit.js';
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
    const again = await runFairnessAudit(snapshot, options);
    expect({ ...again, createdAt: '' }).toEqual({ ...before, createdAt: '' });
  }, 120_000);
});
