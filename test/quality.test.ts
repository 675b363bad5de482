import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/core/config.js';
import { createRng } from '../src/core/rng.js';
import { importMovieLens } from '../src/ingest/adapters/movielens.js';
import { importObjects } from '../src/ingest/import-objects.js';
import { snapshotFromStore } from '../src/models/data/from-store.js';
import { createAttackContext } from '../src/quality/inject/attack-context.js';
import { injectShillingAttack } from '../src/quality/inject/shilling-attack.js';
import { loadEventTable } from '../src/quality/load-events.js';
import { buildQualityReport } from '../src/quality/report.js';
import { dataset } from './support/datasets.js';
import { memoryContext } from './support/ingest.js';
import { tempDir } from './support/temp.js';

const temp = tempDir('aisle-quality-');
afterAll(() => temp.cleanup());

/** ML-100K with the ratings of the first 600 users only (about 60 % of the file). */
function ml100kSlice(source: string): string {
  const dir = join(temp.dir, 'ml-100k-slice');
  mkdirSync(dir, { recursive: true });
  for (const name of ['u.item', 'u.user', 'u.genre']) copyFileSync(join(source, name), join(dir, name));
  const ratings = readFileSync(join(source, 'u.data'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && Number(line.split('\t')[0]) <= 600);
  writeFileSync(join(dir, 'u.data'), `${ratings.join('\n')}\n`);
  return dir;
}

const ml100k = dataset('ml-100k');
describe.skipIf(!ml100k.present)('quality gate on real data: an average attack injected into ML-100K', () => {
  it('is caught, its accounts kept out of training, and the report names the target and the accounts', async () => {
    const { store, context } = await memoryContext({}, 50_000);
    const imported = await importMovieLens(context, ml100kSlice(ml100k.path));
    const ratings = imported.steps.find((step) => step.kind === 'event')!;
    expect(ratings.accepted).toBeGreaterThan(50_000);
    // The clean import: checked, screened, nobody acted on.
    expect(ratings.quality?.detectors.ran).toBe(true);
    const clean = await store.listQualityFlags({ subject: 'user' });
    expect(
      clean
        .filter((flag) => flag.action !== 'flag')
        .map((flag) => [flag.detector, flag.subjectId, flag.message]),
    ).toEqual([]);

    const table = await loadEventTable(store);
    const segments = new Map<number, string>();
    for await (const page of store.scanItems()) {
      for (const item of page) {
        const index = table.itemIndex.get(item.id);
        if (index !== undefined && item.categoryPath[0]) segments.set(index, item.categoryPath[0]);
      }
    }
    const attack = injectShillingAttack(
      createAttackContext(table, segments),
      { kind: 'average', intent: 'push', size: 0.03, filler: 0.05 },
      createRng(1),
    );
    const summary = await importObjects(context, 'event', 'suspicious-ratings.jsonl', attack.events);
    expect(summary.accepted).toBe(attack.events.length);
    expect(summary.quality?.detectors.findings['shilling']?.acted).toBeGreaterThanOrEqual(
      attack.attackers.length,
    );

    const acted = (await store.listQualityFlags({ subject: 'user', limit: 10_000 })).filter(
      (flag) => flag.action !== 'flag',
    );
    const caught = acted.filter((flag) => attack.attackers.includes(flag.subjectId));
    expect(caught.length / attack.attackers.length).toBeGreaterThanOrEqual(0.95);
    expect(caught.length / acted.length).toBeGreaterThanOrEqual(0.9);

    const training = new Set<string>();
    for await (const page of store.scanTrainingEvents()) for (const event of page) training.add(event.userId);
    expect(caught.every((flag) => !training.has(flag.subjectId))).toBe(true);
    // What the models train on (the same reader `aisle train` and `aisle eval` use) leaves them out too.
    const snapshot = await snapshotFromStore(store, configSchema.parse({}));
    const trainedUsers = new Set(snapshot.log.userIds);
    expect(trainedUsers.size).toBeGreaterThan(500);
    expect(caught.filter((flag) => trainedUsers.has(flag.subjectId))).toEqual([]);

    const report = await buildQualityReport(store, { top: 50 });
    const target = report.topItems.find((item) => item.id === attack.targets[0]);
    expect(target).toMatchObject({
      detector: 'shilling',
      reason: 'shilling_target',
      evidence: { intent: 'push' },
    });
    expect(
      report.topUsers.filter((user) => attack.attackers.includes(user.id)).length,
    ).toBeGreaterThanOrEqual(17);
    expect(report.topUsers[0]?.evidence).toHaveProperty('rdma');
    // The attack batch shifted the events-per-user distribution: drift says so.
    expect(report.checks.drift.latest?.status).not.toBe('skip');
    await store.close();
  });
});
