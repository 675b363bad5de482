import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../src/core/config.js';
import type { Item, ProtectedAttributeName } from '../src/core/entities.js';
import type { Event } from '../src/core/event.js';
import { createRng } from '../src/core/rng.js';
import type { TrainingData } from '../src/models/model.js';
import { getModel, modelNames } from '../src/models/registry.js';
import { trainFromStore } from '../src/models/train.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';

// Compile-time half of the proof: no field of what a model fits on is named like a protected attribute.
type Leaked = Extract<keyof TrainingData, ProtectedAttributeName | 'protected' | 'other'>;
const noProtectedField: [Leaked] extends [never] ? true : false = true;

const SENTINEL = 'SENTINEL-PROTECTED';

/** A small shop: 40 items in 4 categories, 30 users with seeded purchases, carts and views. */
async function shop(withProtected: boolean): Promise<Store> {
  const store = await openStore('sqlite::memory:');
  const rng = createRng(5);
  const items: Item[] = Array.from({ length: 40 }, (_, i) => ({
    id: `i${i}`,
    title: `item ${i}`,
    categoryPath: [`c${i % 4}`],
    attributes: {},
    tags: [],
    available: true,
    price: 10 + i,
  }));
  await store.upsertItems(items);
  const events: Event[] = [];
  for (let u = 0; u < 30; u++)
    for (let n = 0; n < 12; n++)
      events.push({
        userId: `u${u}`,
        itemId: `i${(u * 3 + rng.int(12)) % 40}`,
        type: rng.pick(['view', 'cart', 'purchase']),
        sessionId: `s${u}-${n % 3}`,
        timestamp: 1_700_000_000_000 + (u * 12 + n) * 60_000,
      });
  await store.appendEvents(events, await store.beginBatch('test', 'event'));
  if (withProtected)
    await store.upsertProtected(
      Array.from({ length: 30 }, (_, u) => ({
        userId: `u${u}`,
        gender: `${SENTINEL}-gender-${u % 2}`,
        ageBand: `${SENTINEL}-age-${u % 3}`,
        region: `${SENTINEL}-region`,
        occupation: `${SENTINEL}-job-${u % 5}`,
        other: { religion: `${SENTINEL}-other` },
      })),
    );
  return store;
}

/** Every string reachable from a value (object keys included); typed arrays hold numbers only. */
function stringsIn(value: unknown, seen = new Set<unknown>(), out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return out;
  seen.add(value);
  if (value instanceof Map) for (const [key, entry] of value) stringsIn([key, entry], seen, out);
  else
    for (const [key, entry] of Object.entries(value)) {
      out.push(key);
      stringsIn(entry, seen, out);
    }
  return out;
}

describe('protected attributes never reach a model', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has no protected field in the training data type', () => {
    expect(noProtectedField).toBe(true);
  });

  it.each(modelNames())('%s: the real train path passes no protected value to any fit', async (name) => {
    const withAttributes = await shop(true);
    const without = await shop(false);
    try {
      expect((await withAttributes.stats()).usersWithProtected).toBe(30);
      const fits = modelNames().map((model) => vi.spyOn(getModel(model), 'fit'));
      const config = defaultConfig();
      const trained = await trainFromStore(withAttributes, config, {
        model: name,
        seed: 1,
        calibrate: false,
        save: false,
      });
      const calls = fits.flatMap((spy) => spy.mock.calls);
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(stringsIn(call).filter((text) => text.includes(SENTINEL))).toEqual([]);
      // And the fitted model is exactly the one trained without any protected attribute stored.
      const reference = await trainFromStore(without, config, {
        model: name,
        seed: 1,
        calibrate: false,
        save: false,
      });
      expect(trained.trained.recommender.toArtifact()).toEqual(reference.trained.recommender.toArtifact());
    } finally {
      await withAttributes.close();
      await without.close();
    }
  });
});
