import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/eval/datasets.js';
import { protocolNames } from '../src/eval/protocols.js';
import { runEvaluation } from '../src/eval/run-evaluation.js';
import { cliPath, dataset } from './support/datasets.js';
import { tempDir } from './support/temp.js';

/** `aisle eval` end to end on a slice of the real MovieLens 100K (the first 300 users). */
const temp = tempDir('aisle-eval-');
afterAll(() => temp.cleanup());
const ml100k = dataset('ml-100k');

function slice(): string {
  const dir = join(temp.dir, 'ml-100k-slice');
  mkdirSync(dir, { recursive: true });
  for (const file of ['u.item', 'u.user', 'u.genre']) copyFileSync(join(ml100k.path, file), join(dir, file));
  const ratings = readFileSync(join(ml100k.path, 'u.data'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && Number(line.split('\t')[0]) <= 300);
  writeFileSync(join(dir, 'u.data'), `${ratings.join('\n')}\n`);
  return dir;
}

describe.skipIf(!ml100k.present)('aisle eval on a slice of ML-100K', () => {
  const dir = ml100k.present ? slice() : '';

  it('prints the contract JSON, with group metrics, and the same seed gives the same metrics', () => {
    const run = () =>
      spawnSync(
        process.execPath,
        [
          cliPath,
          'eval',
          '--data',
          dir,
          '--format',
          'movielens',
          '--protocol',
          'msr',
          '--model',
          'ease',
          '--config',
          '{"lambda":200}',
          '--k',
          '10',
          '--seed',
          '1',
          '--json',
        ],
        {
          encoding: 'utf8',
        },
      );
    const first = run();
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout) as Record<string, unknown> & {
      metrics: Record<string, number>;
      groups: Record<string, { gap: Record<string, number> }>;
    };
    expect(report).toMatchObject({ model: 'ease', protocol: 'msr', config: { lambda: 200 } });
    expect(Object.keys(report.metrics)).toEqual(
      expect.arrayContaining([
        'ndcg@10',
        'recall@10',
        'precision@10',
        'hr@10',
        'map@10',
        'mrr@10',
        'coverage@10',
        'ild@10',
        'novelty@10',
        'arp@10',
        'aplt@10',
        'gini@10',
      ]),
    );
    expect(report.metrics['ndcg@10']).toBeGreaterThan(0.25);
    expect(Object.keys(report.groups)).toEqual(
      expect.arrayContaining(['activity', 'gender', 'ageBand', 'occupation', 'region']),
    );
    expect(report.groups['gender']!.gap['ndcg@10']).toBeGreaterThanOrEqual(0);
    expect(typeof report['trainSeconds']).toBe('number');
    expect(JSON.parse(run().stdout).metrics).toEqual(report.metrics);
  });

  it('rejects an unknown model or protocol with a clear message', () => {
    const bad = spawnSync(process.execPath, [cliPath, 'eval', '--data', dir, '--model', 'magic'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown model "magic"/);
    const protocol = spawnSync(process.execPath, [cliPath, 'eval', '--data', dir, '--protocol', 'random'], {
      encoding: 'utf8',
    });
    expect(protocol.stderr).toMatch(/--protocol must be one of/);
  });

  it('runs every protocol and model, and tuning picks a config on the validation split', async () => {
    const snapshot = await loadDataset(dir, 'movielens');
    const popularity = await runEvaluation(snapshot, {
      protocol: 'msr',
      model: 'popularity',
      k: 10,
      seed: 1,
    });
    for (const protocol of protocolNames) {
      const report = await runEvaluation(snapshot, { protocol, model: 'itemknn', k: 10, seed: 2 });
      expect(report.users).toBeGreaterThan(0);
      expect(report.metrics['ndcg@10']).toBeGreaterThan(0);
    }
    const tuned = await runEvaluation(snapshot, {
      protocol: 'msr',
      model: 'ease',
      k: 10,
      seed: 1,
      tune: true,
      // Three folds, not the default five: the same search at 3/5 of the CI time.
      validationFolds: 3,
    });
    expect(tuned.tuning?.trials).toBeGreaterThan(5);
    expect(tuned.metrics['ndcg@10']).toBeGreaterThan(popularity.metrics['ndcg@10']!);
  }, 180_000);
});
