import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/core/rng.js';
import { rankUsers } from '../../src/eval/evaluate.js';
import type { Csr } from '../../src/matrix/csr.js';
import type { Recommender, TrainingData } from '../../src/models/model.js';
import { getModel } from '../../src/models/registry.js';
import { median } from '../support/stats.js';
import { LARGE_SHAPE, ML1M_SHAPE, type SyntheticShape, syntheticTrainingData } from './synthetic.js';

/**
 * Model speed on generated data of MovieLens 1M's shape (and a 20k-item, 5M-interaction set for
 * scaling): fit times (median of runs), one iALS epoch with 64 factors, top-10 for every user, and
 * EASE in numpy + OpenBLAS on the same matrix in the same run (ratio reported).
 *
 * Usage: node --import tsx bench/models/speed.ts [--runs 5] [--large] [--no-numpy]
 */
const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(argument('runs') ?? 5);

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function timed<T>(run: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { seconds: (performance.now() - start) / 1000, value };
}

async function fitTimes(
  name: string,
  config: Record<string, unknown>,
  data: TrainingData,
  repeat: number,
): Promise<{ seconds: number[]; model: Recommender }> {
  const definition = getModel(name);
  const seconds: number[] = [];
  let model: Recommender | undefined;
  for (let run = 0; run < repeat; run++) {
    const result = await timed(() =>
      definition.fit(data, definition.configSchema.parse(config), { rng: createRng(1) }),
    );
    seconds.push(result.seconds);
    model = result.value;
  }
  return { seconds, model: model! };
}

/** Seconds per iALS epoch (factors 64), timed between progress callbacks. */
async function ialsEpochs(data: TrainingData, epochs: number): Promise<number[]> {
  const definition = getModel('ials');
  const stamps: number[] = [];
  const start = performance.now();
  await definition.fit(data, definition.configSchema.parse({ factors: 64, iterations: epochs }), {
    rng: createRng(1),
    onProgress: () => stamps.push(performance.now()),
  });
  return stamps.map((stamp, n) => (stamp - (n === 0 ? start : stamps[n - 1]!)) / 1000);
}

function topTenForUsers(model: Recommender, interactions: Csr, users: number): number {
  const ids = Int32Array.from({ length: users }, (_, u) => u);
  const start = performance.now();
  rankUsers(model, interactions, ids, 10, interactions.cols, 256);
  return (performance.now() - start) / 1000;
}

function numpyEase(data: TrainingData, lambda: number, repeat: number): Record<string, unknown> {
  const dir = join(tmpdir(), 'aisle-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'ease-csr.bin');
  const { rows, cols, indptr, indices } = data.interactions;
  const header = Int32Array.from([rows, cols, indices.length]);
  writeFileSync(
    file,
    Buffer.concat([Buffer.from(header.buffer), Buffer.from(indptr.buffer), Buffer.from(indices.buffer)]),
  );
  const result = spawnSync(
    '/usr/bin/python3',
    [join(here, 'numpy_ease.py'), file, String(lambda), String(repeat)],
    { encoding: 'utf8' },
  );
  if (result.status !== 0)
    return {
      error: `numpy not available (run bench/setup-numpy.sh): ${result.stderr.trim().split('\n').at(-1)}`,
    };
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

async function benchmarkShape(
  label: string,
  shape: SyntheticShape,
  large: boolean,
): Promise<Record<string, unknown>> {
  const data = syntheticTrainingData(shape);
  const result: Record<string, unknown> = {
    benchmark: 'model-speed',
    shape: label,
    users: shape.users,
    items: shape.items,
    interactions: data.interactions.indices.length,
  };
  const repeat = large ? 1 : runs;
  const models: Record<string, unknown> = {};
  const candidates: [string, Record<string, unknown>][] = [
    ['popularity', {}],
    ['itemknn', { neighbours: 100 }],
    ['rp3beta', { neighbours: 200 }],
    ['ials', { factors: 64, iterations: 10 }],
    ['ease', { lambda: 500 }],
  ];
  for (const [name, config] of candidates) {
    if (name === 'ease' && large) {
      models[name] = {
        skipped: `a dense ${shape.items}×${shape.items} float64 inverse needs ${((2 * shape.items ** 2 * 8) / 2 ** 30).toFixed(1)} GB, over WebAssembly's 4 GB; EASE is limited to 15,000 items`,
      };
      continue;
    }
    const fitted = await fitTimes(name, config, data, repeat);
    const users = large ? Math.min(shape.users, 5000) : shape.users;
    const topTen = topTenForUsers(fitted.model, data.interactions, users);
    models[name] = {
      fitSecondsMedian: Number(median(fitted.seconds).toFixed(3)),
      fitSeconds: fitted.seconds.map((s) => Number(s.toFixed(3))),
      topTenUsers: users,
      topTenSeconds: Number(topTen.toFixed(3)),
      topTenSecondsAllUsers: Number(((topTen * shape.users) / users).toFixed(3)),
    };
  }
  const epochs = await ialsEpochs(data, large ? 3 : 7);
  models['ials-epoch'] = {
    factors: 64,
    epochSecondsMedian: Number(median(epochs).toFixed(3)),
    epochSeconds: epochs.map((s) => Number(s.toFixed(3))),
  };
  result['models'] = models;
  if (!large && !process.argv.includes('--no-numpy')) {
    const numpy = numpyEase(data, 500, runs);
    const ease = models['ease'] as { fitSecondsMedian: number };
    result['numpyEase'] = numpy;
    if (typeof numpy['medianSeconds'] === 'number')
      result['easeRatioToNumpy'] = Number((ease.fitSecondsMedian / numpy['medianSeconds']).toFixed(2));
  }
  return result;
}

process.stdout.write(`${JSON.stringify(await benchmarkShape('ml-1m-shape', ML1M_SHAPE, false))}\n`);
if (process.argv.includes('--large'))
  process.stdout.write(`${JSON.stringify(await benchmarkShape('20k-items-5m', LARGE_SHAPE, true))}\n`);
