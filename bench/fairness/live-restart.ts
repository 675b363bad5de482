import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAisle } from '../../src/aisle.js';
import { configSchema } from '../../src/core/config.js';
import { createRng } from '../../src/core/rng.js';
import { importMovieLens } from '../../src/ingest/adapters/movielens.js';
import { trainFromStore } from '../../src/models/train.js';
import type { LiveExposure } from '../../src/serve/exposure-controllers.js';
import { startServer } from '../../src/server/app.js';

/**
 * `amortized-exposure` on live HTTP traffic, across a restart. ML-100K is imported into a SQLite
 * file, EASE trained, and a real server serves every user's home feed under the policy (category
 * groups); after `--warm-passes` passes of all users in seeded random order the server is closed
 * (saving its controllers) and a new one serves one more pass: resumed from the store, and, in
 * another server with `exposureStateSeconds = 0`, cold. Each phase prints one JSON line with the
 * live category Gini from `GET /fairness/live` (model order against served, over about the last
 * 1000 lists) and its cut.
 *
 * Usage: node --import tsx bench/fairness/live-restart.ts [--data ../shared/datasets/ml-100k]
 *   [--strength 0.5] [--warm-passes 3] [--seed 1]
 */
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
};
const data = option('data', join(process.cwd(), '..', 'shared', 'datasets', 'ml-100k'));
const strength = Number(option('strength', '0.5'));
const warmPasses = Number(option('warm-passes', '3'));
const seed = Number(option('seed', '1'));
if (!existsSync(data)) {
  process.stderr.write(`No ML-100K at ${data}; pass --data <dir>.\n`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'aisle-live-restart-'));
const configWith = (exposureStateSeconds: number) =>
  configSchema.parse({
    database: join(dir, 'ml100k.db'),
    events: { earliest: '1970-01-01' },
    server: { maxEventLoopDelayMs: 30_000, maxEventLoopUtilization: 1 },
    serving: { defaultModel: 'ease', trainIfMissing: false, exposureStateSeconds },
    fairness: {
      scenarios: { home: { reranker: 'amortized-exposure', strength, itemGrouping: 'category' } },
    },
  });

const setup = await openAisle(configWith(60));
await importMovieLens(setup.importContext(), data);
await trainFromStore(setup.store, setup.config, { model: 'ease', seed });
const seen = new Set<string>();
for await (const page of setup.store.scanEvents({ batchSize: 50_000 }))
  for (const event of page) seen.add(event.userId);
await setup.close();
const users = [...seen].sort();
const rng = createRng(seed);

/** One server on the shop: `passes` passes of every user's home feed, then its live exposure. */
async function phase(name: string, exposureStateSeconds: number, passes: number): Promise<void> {
  const aisle = await openAisle(configWith(exposureStateSeconds));
  const app = await startServer(aisle);
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const started = performance.now();
    let requests = 0;
    for (let pass = 0; pass < passes; pass++) {
      const order = [...users];
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const user of order) {
        const response = await fetch(`${base}/recommend/${user}?k=10`);
        if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
        requests++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const { policies } = (await (await fetch(`${base}/fairness/live`)).json()) as {
      policies: LiveExposure[];
    };
    const live = policies[0]!;
    process.stdout.write(
      `${JSON.stringify({
        phase: name,
        requests,
        msPerRequest: +((seconds * 1000) / requests).toFixed(2),
        policy: live.policy,
        listsTotal: live.listsTotal,
        giniModel: +live.gini.model.toFixed(4),
        giniServed: +live.gini.served.toFixed(4),
        cut: +(1 - live.gini.served / live.gini.model).toFixed(4),
        belowFloor: live.groups
          .filter((group) => group.servedShare < group.floor - 0.005)
          .map((g) => g.group),
      })}\n`,
    );
  } finally {
    await app.close();
    await aisle.close();
  }
}

try {
  await phase('warm-up', 60, warmPasses);
  await phase('resumed after restart', 60, 1);
  await phase('cold after restart', 0, 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
