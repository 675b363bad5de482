import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../src/core/rng.js';
import { loadDataset } from '../../src/eval/datasets.js';
import { measureExplanationFidelity } from '../../src/explain/fidelity.js';
import { buildTrainingData } from '../../src/models/data/training-data.js';
import { getModel } from '../../src/models/registry.js';

/**
 * Explanation fidelity by the removal test (src/explain/fidelity.ts) on the real MovieLens sets:
 * each model is fitted on all the data (as served), and for sampled users the top-10 results'
 * top reasons are removed from the history one at a time. One JSON line per (data set, model).
 *
 * Usage: node --import tsx bench/explain/fidelity.ts [--users 500] [--models blend,ease] [--datasets ml-100k]
 *   [--configs '{"blend": {...}}']   model configs (defaults fill the rest; e.g. the tuned ones)
 */
const datasets = process.env['AISLE_DATASETS'] ?? join(process.cwd(), '..', 'shared', 'datasets');
const users = Number(argument('users') ?? 500);
const models = (argument('models') ?? 'blend,ease,ials,itemknn,rp3beta').split(',');
const configs = JSON.parse(argument('configs') ?? '{}') as Record<string, unknown>;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

for (const name of (argument('datasets') ?? 'ml-100k,ml-latest-small').split(',')) {
  const path = join(datasets, name);
  if (!existsSync(path)) {
    process.stderr.write(`SKIP ${name}: ${path} not found\n`);
    continue;
  }
  const snapshot = await loadDataset(path, 'movielens');
  const data = buildTrainingData(snapshot.log, snapshot.features);
  for (const model of models) {
    const definition = getModel(model);
    const started = performance.now();
    const recommender = await definition.fit(data, definition.configSchema.parse(configs[model] ?? {}), {
      rng: createRng(1),
    });
    const fitted = performance.now();
    const result = measureExplanationFidelity(recommender, data.interactions, {
      k: 10,
      users,
      rng: createRng(7),
    });
    const line = {
      dataset: name,
      model,
      config: configs[model] ?? 'defaults',
      users,
      k: 10,
      ...result,
      share: Number(result.share.toFixed(4)),
      fitSeconds: Number(((fitted - started) / 1000).toFixed(2)),
      checkSeconds: Number(((performance.now() - fitted) / 1000).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
