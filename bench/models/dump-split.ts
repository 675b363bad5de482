import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../src/core/rng.js';
import { loadDataset } from '../../src/eval/datasets.js';
import { pairTable } from '../../src/eval/pairs.js';
import { splitByProtocol } from '../../src/eval/protocols.js';

/**
 * Writes the ML-100K `msr` split of one seed as `user item train test` lines, so an outside
 * implementation (bench/models/numpy_ease_accuracy.py) can be scored on exactly the split Aisle
 * evaluates on.
 *
 * Usage: node --import tsx bench/models/dump-split.ts --seed 1 --out /tmp/split1.txt
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const datasets = process.env['AISLE_DATASETS'] ?? join(process.cwd(), '..', 'shared', 'datasets');
const snapshot = await loadDataset(join(datasets, 'ml-100k'), 'movielens');
const pairs = pairTable(snapshot.log);
const splits = splitByProtocol('msr', pairs, createRng(Number(argument('seed') ?? 1)));
const lines: string[] = [];
for (let p = 0; p < pairs.count; p++)
  lines.push(`${pairs.user[p]} ${pairs.item[p]} ${splits.final.train[p]} ${splits.final.test[p]}`);
writeFileSync(argument('out') ?? 'split.txt', `${lines.join('\n')}\n`);
