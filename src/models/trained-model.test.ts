import { describe, expect, it } from 'vitest';
import { checkerboard } from '../../test/recommender-contract.js';
import { createRng } from '../core/rng.js';
import { historyOf } from './data/training-data.js';
import { ItemToItemRecommender } from './item-to-item.js';
import { getModel } from './registry.js';
import { decodeTrainedModel, encodeTrainedModel, type TrainedModel } from './trained-model.js';

async function trained(): Promise<TrainedModel> {
  const data = checkerboard();
  const fit = async (name: string, config: Record<string, unknown>) => {
    const definition = getModel(name);
    return definition.fit(data, definition.configSchema.parse(config), { rng: createRng(3) });
  };
  const recommender = await fit('ease', { lambda: 1 });
  const companions = await fit('cooccurrence', { source: 'baskets', minSupport: 1 });
  if (!(companions instanceof ItemToItemRecommender))
    throw new Error('cooccurrence is an item-to-item model');
  const curve = (hitRate: number) => ({
    x: Float32Array.of(0, 0.5, 1),
    p: Float32Array.of(0.01, hitRate, 0.9),
    samples: 300,
    hitRate,
  });
  const summary = (hitRate: number) => ({ samples: 300, hitRate, steps: 3 });
  return {
    recommender,
    itemIds: [...data.items],
    popularity: Float32Array.from(data.items, (_, n) => n + 1),
    calibration: curve(0.2),
    popularityCalibration: curve(0.1),
    similarCalibration: curve(0.05),
    companions,
    info: {
      model: 'ease',
      config: { lambda: 1 },
      trainedAt: 1_700_000_000_000,
      lastEventSeq: 42,
      users: data.users.length,
      items: data.items.length,
      interactions: data.interactions.data.length,
      fitSeconds: 0.1,
      activeHistorySize: 7,
      calibration: summary(0.2),
      popularityCalibration: summary(0.1),
      similarCalibration: summary(0.05),
    },
  };
}

describe('trained model artifact', () => {
  it('round-trips the recommender, item ids, popularity, all three calibrations and bought-together', async () => {
    const original = await trained();
    const copy = decodeTrainedModel(encodeTrainedModel(original));
    expect(copy.itemIds).toEqual(original.itemIds);
    expect(copy.popularity).toEqual(original.popularity);
    expect(copy.info).toEqual(original.info);
    for (const name of ['calibration', 'popularityCalibration', 'similarCalibration'] as const) {
      expect(copy[name]).toEqual(original[name]);
    }
    const data = checkerboard();
    const history = historyOf(data.interactions, 0);
    const expected = new Float32Array(original.itemIds.length);
    const actual = new Float32Array(original.itemIds.length);
    original.recommender.score(history, expected);
    copy.recommender.score(history, actual);
    expect(actual).toEqual(expected);
    expect(copy.companions).toBeDefined();
    for (let item = 0; item < original.itemIds.length; item++) {
      expect(copy.companions!.similarItems(item, 5)).toEqual(original.companions!.similarItems(item, 5));
    }
  });

  it('leaves out what was never fitted', async () => {
    const {
      calibration: _c,
      popularityCalibration: _p,
      similarCalibration: _s,
      companions: _b,
      ...bare
    } = await trained();
    const info = { ...bare.info };
    delete info.calibration;
    const copy = decodeTrainedModel(encodeTrainedModel({ ...bare, info }));
    expect(copy.calibration).toBeUndefined();
    expect(copy.popularityCalibration).toBeUndefined();
    expect(copy.companions).toBeUndefined();
  });
});
