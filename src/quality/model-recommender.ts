import { configSchema } from '../core/config.js';
import { createRng } from '../core/rng.js';
import { rankUsers } from '../eval/evaluate.js';
import { InteractionLogBuilder } from '../models/data/interaction-log.js';
import { buildTrainingData, emptyItemFeatures } from '../models/data/training-data.js';
import { getModel } from '../models/registry.js';
import type { WeightedEvent } from '../store/store.js';
import type { RecommendTopK } from './evaluate.js';

/**
 * A `RecommendTopK` backed by one of the real recommenders (src/models): the events are weighted by
 * the configured event weights times their quality weight (so down-weighted events count less and
 * excluded ones not at all), the model is fitted on them and ranks the catalogue for each user,
 * leaving out what the user already interacted with.
 *
 * @example
 * const recommend = modelRecommender('ease');
 * const lists = await recommend(events, ['u1', 'u2'], 10, 1);
 */
export function modelRecommender(model = 'ease', modelConfig: Record<string, unknown> = {}): RecommendTopK {
  const definition = getModel(model);
  const config = definition.configSchema.parse(modelConfig);
  const { weights, ratingMax } = configSchema.parse({}).events;
  return async (events: readonly WeightedEvent[], users: readonly string[], k: number, seed: number) => {
    const builder = new InteractionLogBuilder({ weights, ratingMax });
    builder.add(events);
    const log = builder.finish();
    const data = buildTrainingData(log, emptyItemFeatures(log.itemIds.length));
    const fitted = await definition.fit(data, config, { rng: createRng(seed) });
    const userIndex = new Map(log.userIds.map((id, index) => [id, index]));
    const rows = users.flatMap((user) => {
      const index = userIndex.get(user);
      return index === undefined ? [] : [index];
    });
    const lists = rankUsers(fitted, data.interactions, Int32Array.from(rows), k, log.itemIds.length, 256);
    const result = new Map<string, string[]>();
    rows.forEach((row, at) =>
      result.set(
        log.userIds[row]!,
        Array.from(lists[at]!, (item) => log.itemIds[item]!),
      ),
    );
    return result;
  };
}
