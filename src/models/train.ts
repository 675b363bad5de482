import type { AisleConfig } from '../core/config.js';
import { AisleError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { Store } from '../store/store.js';
import { activeHistorySize } from './data/activity.js';
import { snapshotFromStore } from './data/from-store.js';
import { buildTrainingData } from './data/training-data.js';
import { type Calibration, fitCalibration } from './calibration.js';
import type { ItemToItemRecommender } from './item-to-item.js';
import type { PopularityRecommender } from './popularity/popularity.js';
import { getModel } from './registry.js';
import { type TrainedModel, encodeTrainedModel } from './trained-model.js';

/** The store artifact name of the model the API serves. */
export const SERVING_MODEL_ARTIFACT = 'recommender';

export interface TrainOptions {
  model: string;
  config?: Record<string, unknown>;
  seed: number;
  /** Fit a confidence calibration on held-out data (one more fit). Default true. */
  calibrate?: boolean;
  /** Save the model as a new serving version (default true); unsaved models come back as version 0. */
  save?: boolean;
  onProgress?: (message: string) => void;
}

/**
 * Trains a model on everything in the store (events weighted by the configured event weights) and
 * saves it as a new version of the serving model. Returns the model and its version.
 */
export async function trainFromStore(
  store: Store,
  config: AisleConfig,
  options: TrainOptions,
): Promise<{ trained: TrainedModel; version: number }> {
  const definition = getModel(options.model);
  const modelConfig = definition.configSchema.parse(options.config ?? {}) as Record<string, unknown>;
  options.onProgress?.('reading events and catalogue');
  let lastEventSeq = 0;
  for await (const page of store.scanEvents({ batchSize: 100_000 }))
    lastEventSeq = page[page.length - 1]?.seq ?? lastEventSeq;
  const snapshot = await snapshotFromStore(store, config);
  if (snapshot.log.user.length === 0) {
    throw new AisleError('INVALID_ARGUMENT', 'There are no events to train on; import behaviour data first');
  }
  const data = buildTrainingData(snapshot.log, snapshot.features);
  options.onProgress?.(
    `fitting ${options.model} on ${data.interactions.indices.length} interactions of ${data.users.length} users and ${data.items.length} items`,
  );
  const started = performance.now();
  const recommender = await definition.fit(data, modelConfig, {
    rng: createRng(options.seed),
    onProgress: (fraction, message) => options.onProgress?.(`  ${Math.round(fraction * 100)}% ${message}`),
  });
  const popularityModel = getModel('popularity');
  const popularity = (
    (await popularityModel.fit(data, popularityModel.configSchema.parse({}), {
      rng: createRng(options.seed),
    })) as PopularityRecommender
  ).popularity;
  const cooccurrence = getModel('cooccurrence');
  const companions = (await cooccurrence.fit(
    data,
    cooccurrence.configSchema.parse({
      source: data.baskets.indices.length > 0 ? 'baskets' : 'users',
      minSupport: data.baskets.indices.length > 0 ? 2 : 3,
    }),
    { rng: createRng(options.seed) },
  )) as ItemToItemRecommender;
  const calibrations =
    options.calibrate === false
      ? undefined
      : (options.onProgress?.('fitting the confidence calibration on held-out interactions'),
        await fitCalibration(data, definition, modelConfig, createRng(options.seed + 1)));
  const trained: TrainedModel = {
    recommender,
    itemIds: [...data.items],
    popularity,
    companions,
    ...(calibrations
      ? {
          calibration: calibrations.model,
          popularityCalibration: calibrations.popularity,
          ...(calibrations.similar ? { similarCalibration: calibrations.similar } : {}),
        }
      : {}),
    info: {
      model: options.model,
      config: modelConfig,
      trainedAt: Date.now(),
      lastEventSeq,
      users: data.users.length,
      items: data.items.length,
      interactions: data.interactions.indices.length,
      activeHistorySize: activeHistorySize(snapshot.log, 0.05, config.serving.historyLimit),
      fitSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      ...(calibrations
        ? {
            calibration: summaryOf(calibrations.model),
            popularityCalibration: summaryOf(calibrations.popularity),
            ...(calibrations.similar ? { similarCalibration: summaryOf(calibrations.similar) } : {}),
          }
        : {}),
    },
  };
  if (options.save === false) return { trained, version: 0 };
  const version = await store.saveArtifact(
    SERVING_MODEL_ARTIFACT,
    { ...trained.info },
    encodeTrainedModel(trained),
  );
  return { trained, version };
}

function summaryOf(calibration: Calibration): { samples: number; hitRate: number; steps: number } {
  return { samples: calibration.samples, hitRate: calibration.hitRate, steps: calibration.x.length };
}
