import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAisle } from '../../src/aisle.js';
import { defaultConfig } from '../../src/core/config.js';
import { ServingRuntime } from '../../src/serve/serving.js';
import { median } from '../support/stats.js';

/**
 * The CPU cost of one home-feed request with explanations, in process (no HTTP, no client on the
 * same cores): what bounds a node's throughput. ML-100K imported and each model trained by the
 * built CLI, then `RecommendationService.forUser` for users in a fixed order, k = 10. One JSON line
 * per model: median and p99 per request, and the requests per second one core would serve.
 *
 * Usage (after `npm run build`):
 *   node --import tsx bench/serve/request-cost.ts [--models ease,ials,blend] [--requests 3000]
 *     [--configs '{"blend": {...}}']
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const data = argument('data') ?? join(process.cwd(), '..', 'shared', 'datasets', 'ml-100k');
const models = (argument('models') ?? 'ease,ials,itemknn,blend').split(',');
const requests = Number(argument('requests') ?? 3000);
/** Model configs as JSON, `{"<model>": {...}}` (e.g. the tuned configs in docs/benchmarks.md). */
const configs = JSON.parse(argument('configs') ?? '{}') as Record<string, unknown>;
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
if (!existsSync(cli))
  throw new Error('Run `npm run build` first: the bench imports and trains with the built CLI');
if (!existsSync(data)) {
  process.stderr.write(`SKIP: ${data} not found\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'aisle-cost-'));
try {
  for (const model of models) {
    const db = join(dir, `${model}.db`);
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [cli, ...args, '--db', db], { stdio: 'pipe' });
    run('import', 'movielens', data, '--no-progress');
    const modelConfig = configs[model];
    run('train', '--model', model, ...(modelConfig ? ['--config', JSON.stringify(modelConfig)] : []));
    const config = defaultConfig();
    config.database = db;
    const aisle = await openAisle(config);
    const runtime = await ServingRuntime.start(aisle, { info: () => undefined, error: () => undefined });
    const users = 943;
    const userAt = (n: number) => String(1 + ((n * 7919) % users));
    for (let n = 0; n < 300; n++) await runtime.service.forUser(userAt(n), { k: 10 }); // warm-up (JIT)
    const times: number[] = [];
    for (let n = 0; n < requests; n++) {
      const started = performance.now();
      JSON.stringify(await runtime.service.forUser(userAt(n), { k: 10 }));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const mid = median(times);
    process.stdout.write(
      `${JSON.stringify({
        model,
        requests,
        medianMs: Number(mid.toFixed(3)),
        p99Ms: Number(times[Math.floor(times.length * 0.99)]!.toFixed(3)),
        meanMs: Number((times.reduce((sum, time) => sum + time, 0) / times.length).toFixed(3)),
        requestsPerCoreSecond: Math.round(1000 / (times.reduce((sum, time) => sum + time, 0) / times.length)),
      })}\n`,
    );
    await runtime.stop();
    await aisle.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
