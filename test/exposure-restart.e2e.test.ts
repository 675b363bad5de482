import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import { seedServingShop } from './support/serving-shop.js';
import {
  EXPOSURE_STATE_KEY,
  type LiveExposure,
  exposureStateSchema,
} from '../src/serve/exposure-controllers.js';
import { ServingRuntime } from '../src/serve/serving.js';
import { startServer } from '../src/server/app.js';
import { tempDir } from './support/temp.js';

/**
 * The amortized-exposure controllers across a restart, through real HTTP against a real SQLite
 * file and a trained model: what one server learned is shown live (GET /fairness/live), saved at
 * shutdown and taken up by the next.
 */
const temp = tempDir('aisle-exposure-restart-');
const database = join(temp.dir, 'shop.db');
let aisle: Aisle;
let user = '';

const policy = { reranker: 'amortized-exposure', strength: 1, itemGrouping: 'category' } as const;
const url = () =>
  `/recommend/${user}?k=10&fairness=amortized-exposure&fairnessStrength=1&fairnessGrouping=category`;

interface Listed {
  itemId: string;
  reasons: { kind: string }[];
}

function configWith(exposureStateSeconds?: number) {
  return configSchema.parse({
    database,
    server: { maxEventLoopDelayMs: 5000 },
    serving: {
      defaultModel: 'ease',
      trainIfMissing: false,
      historyCacheSeconds: 0,
      ...(exposureStateSeconds === undefined ? {} : { exposureStateSeconds }),
    },
  });
}

/** Starts a server on the shop, runs `body` against it, and closes it (which saves the controllers). */
async function withServer<T>(
  config: ReturnType<typeof configWith>,
  body: (get: () => Promise<string[]>, base: string) => Promise<T>,
): Promise<T> {
  const engine = await openAisle(config);
  const app = await startServer(engine);
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    return await body(async () => {
      const response = await fetch(`${base}${url()}`);
      expect(response.status).toBe(200);
      const { items } = (await response.json()) as { items: Listed[] };
      return items.map((entry) => entry.itemId);
    }, base);
  } finally {
    await app.close();
    await engine.close();
  }
}

beforeAll(async () => {
  aisle = await openAisle(configWith());
  ({ userWithHistory: user } = await seedServingShop(aisle));
  await aisle.close();
});
afterAll(() => temp.cleanup());

describe('amortized-exposure across a restart', () => {
  let plain: string[] = [];
  let servedBefore = 0;

  it('a server saves its controllers at shutdown, and the next one resumes where they were', async () => {
    // First server: a cold controller leaves the model's order until the traffic has starved a group.
    await withServer(configWith(), async (get, base) => {
      plain = await get();
      servedBefore = 1;
      let brought: string[] = [];
      for (; servedBefore < 80 && brought.length === 0; servedBefore++)
        brought = (await get()).filter((id) => !plain.includes(id));
      expect(brought.length).toBeGreaterThan(0);
      // GET /fairness/live shows what the policy did to these lists' exposure by category.
      const live = (await (await fetch(`${base}/fairness/live`)).json()) as { policies: LiveExposure[] };
      expect(live.policies).toHaveLength(1);
      const [policy] = live.policies;
      expect(policy).toMatchObject({ policy: 'category|1', lists: servedBefore, modelVersion: 1 });
      expect(policy!.gini.served).toBeLessThan(policy!.gini.model);
      const starved = policy!.groups.filter((group) => group.offset > 0);
      expect(starved.length).toBeGreaterThan(0);
      for (const group of starved) expect(group.servedShare).toBeGreaterThanOrEqual(group.modelShare);
    });
    const store = await openAisle(configWith());
    const saved = await store.store.loadServingState(EXPOSURE_STATE_KEY);
    await store.close();
    const state = exposureStateSchema.parse(saved?.body);
    expect(state.controllers).toHaveLength(1);
    expect(state.controllers[0]).toMatchObject({
      policy: 'category|1',
      modelVersion: 1,
      listsObserved: servedBefore,
    });
    expect(state.controllers[0]!.offsets.some((offset) => offset > 0)).toBe(true);
    expect(state.controllers[0]!.relevanceSpans).toBe(servedBefore);

    // Second server on the same store: its very first list is already evened out.
    const firstAfter = await withServer(configWith(), (get) => get());
    expect(firstAfter.filter((id) => !plain.includes(id)).length).toBeGreaterThan(0);
    const reopened = await openAisle(configWith());
    const after = exposureStateSchema.parse(
      (await reopened.store.loadServingState(EXPOSURE_STATE_KEY))?.body,
    );
    await reopened.close();
    expect(after.controllers[0]!.listsObserved).toBe(servedBefore + 1);
  });

  it('with exposureStateSeconds = 0 a server neither resumes nor saves: it starts cold', async () => {
    const first = await withServer(configWith(0), (get) => get());
    expect(first).toEqual(plain);
    const engine = await openAisle(configWith());
    const saved = exposureStateSchema.parse((await engine.store.loadServingState(EXPOSURE_STATE_KEY))?.body);
    await engine.close();
    expect(saved.controllers[0]!.listsObserved).toBe(servedBefore + 1);
  });

  it('a saved state it cannot read is logged and ignored: the controllers start cold, serving goes on', async () => {
    const engine = await openAisle(configWith());
    await engine.store.saveServingState(EXPOSURE_STATE_KEY, {
      format: 1,
      savedAt: 0,
      controllers: [
        {
          policy: 'category|1',
          modelVersion: 1,
          labels: ['a', 'b'],
          offsets: [0.5],
          relevanceSpanSum: 1,
          relevanceSpans: 1,
          listsObserved: 3,
        },
      ],
    });
    const messages: string[] = [];
    const runtime = await ServingRuntime.start(engine, {
      info: (message) => messages.push(message),
      error: (message) => messages.push(message),
    });
    try {
      expect(messages.some((message) => /ignoring the saved amortized-exposure/.test(message))).toBe(true);
      const result = await runtime.service.forUser(user, { k: 10, fairness: policy });
      expect(result.items.map((entry) => entry.itemId)).toEqual(plain);
    } finally {
      await runtime.stop();
    }
    // At shutdown it saved what it learned instead, which the next start reads.
    const saved = exposureStateSchema.parse((await engine.store.loadServingState(EXPOSURE_STATE_KEY))?.body);
    expect(saved.controllers[0]).toMatchObject({ policy: 'category|1', listsObserved: 1 });
    await engine.close();
  });
});
