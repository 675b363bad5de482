import { AisleError } from '../core/errors.js';
import { decodeArtifact, encodeArtifact } from './artifact.js';
import type { Calibration } from './calibration.js';
import { ItemToItemRecommender } from './item-to-item.js';
import type { ModelArtifact, Recommender } from './model.js';
import { getModel } from './registry.js';

/** A fitted recommender with everything the serving path needs beside it. */
export interface TrainedModel {
  recommender: Recommender;
  /** Index → item id (the model's columns). */
  itemIds: string[];
  /** Time-decayed popularity per item index: the answer for users with no history. */
  popularity: Float32Array;
  /** Score → probability of interaction, fitted on held-out data (absent when not fitted). */
  calibration?: Calibration;
  /** The same for popularity lists (cold start, popular): their relative popularity → probability. */
  popularityCalibration?: Calibration;
  /** The same for item-page lists (similar items): relative similarity → probability. */
  similarCalibration?: Calibration;
  /** Bought-together associations (over baskets, or users when the data has none). */
  companions?: ItemToItemRecommender;
  info: TrainedModelInfo;
}

export interface TrainedModelInfo {
  model: string;
  config: Record<string, unknown>;
  trainedAt: number;
  /** The last event sequence number included: later events are newer than the model. */
  lastEventSeq: number;
  users: number;
  items: number;
  interactions: number;
  fitSeconds: number;
  /**
   * History size (distinct items of the latest `serving.historyLimit` events) of the last of the top
   * 5 % most active training users: the
   * advantaged threshold of `user-group` under `activeMinInteractions = "auto"` (absent in models
   * trained before it existed).
   */
  activeHistorySize?: number;
  calibration?: { samples: number; hitRate: number; steps: number };
  popularityCalibration?: { samples: number; hitRate: number; steps: number };
  similarCalibration?: { samples: number; hitRate: number; steps: number };
}

const EXTRA = {
  itemIds: '_itemIds',
  popularity: '_popularity',
  calibrationX: '_calibrationX',
  calibrationP: '_calibrationP',
  popularityCalibrationX: '_popCalibrationX',
  popularityCalibrationP: '_popCalibrationP',
  similarCalibrationX: '_simCalibrationX',
  similarCalibrationP: '_simCalibrationP',
} as const;
const COMPANIONS = '_bt.';

/**
 * Serialises a trained model: the recommender's artifact plus item ids (UTF-8 lines), popularity,
 * calibrations, and the bought-together companion model (its arrays prefixed `_bt.`).
 */
export function encodeTrainedModel(trained: TrainedModel): Uint8Array {
  const artifact = trained.recommender.toArtifact();
  const ids = Buffer.from(trained.itemIds.join('\n'), 'utf8');
  const arrays: ModelArtifact['arrays'] = {
    ...artifact.arrays,
    [EXTRA.itemIds]: new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength),
    [EXTRA.popularity]: trained.popularity,
  };
  if (trained.calibration) {
    arrays[EXTRA.calibrationX] = trained.calibration.x;
    arrays[EXTRA.calibrationP] = trained.calibration.p;
  }
  if (trained.popularityCalibration) {
    arrays[EXTRA.popularityCalibrationX] = trained.popularityCalibration.x;
    arrays[EXTRA.popularityCalibrationP] = trained.popularityCalibration.p;
  }
  if (trained.similarCalibration) {
    arrays[EXTRA.similarCalibrationX] = trained.similarCalibration.x;
    arrays[EXTRA.similarCalibrationP] = trained.similarCalibration.p;
  }
  const meta: Record<string, unknown> = { ...artifact.meta, trained: trained.info };
  if (trained.companions) {
    const companion = trained.companions.toArtifact();
    for (const [name, values] of Object.entries(companion.arrays)) arrays[`${COMPANIONS}${name}`] = values;
    meta['companions'] = { config: companion.config, meta: companion.meta };
  }
  return encodeArtifact({ ...artifact, meta, arrays });
}

/** Rebuilds a trained model from `encodeTrainedModel`'s bytes. */
export function decodeTrainedModel(bytes: Uint8Array): TrainedModel {
  const artifact: ModelArtifact = decodeArtifact(bytes);
  const ids = artifact.arrays[EXTRA.itemIds];
  const popularity = artifact.arrays[EXTRA.popularity];
  const info = artifact.meta['trained'] as TrainedModelInfo | undefined;
  if (!(ids instanceof Uint8Array) || !(popularity instanceof Float32Array) || !info) {
    throw new AisleError(
      'UNSUPPORTED_FORMAT',
      'The stored model lacks its item ids, popularity or training info; retrain it with aisle train',
    );
  }
  const arrays = { ...artifact.arrays };
  for (const name of Object.values(EXTRA)) delete arrays[name];
  const companionArrays: ModelArtifact['arrays'] = {};
  for (const name of Object.keys(arrays)) {
    if (!name.startsWith(COMPANIONS)) continue;
    companionArrays[name.slice(COMPANIONS.length)] = arrays[name]!;
    delete arrays[name];
  }
  const { trained: _trained, companions: companionInfo, ...meta } = artifact.meta;
  const recommender = getModel(artifact.model).load({ ...artifact, meta, arrays });
  const itemIds = ids.length === 0 ? [] : Buffer.from(ids).toString('utf8').split('\n');
  const trained: TrainedModel = { recommender, itemIds, popularity, info };
  if (companionInfo) {
    const { config, meta: companionMeta } = companionInfo as {
      config: Record<string, unknown>;
      meta: Record<string, unknown>;
    };
    trained.companions = ItemToItemRecommender.fromArtifact({
      model: 'cooccurrence',
      config,
      meta: companionMeta,
      arrays: companionArrays,
    });
  }
  const curve = (xName: string, pName: string, summary: TrainedModelInfo['calibration']) => {
    const xs = artifact.arrays[xName];
    const ps = artifact.arrays[pName];
    return xs instanceof Float32Array && ps instanceof Float32Array && summary
      ? { x: xs, p: ps, samples: summary.samples, hitRate: summary.hitRate }
      : undefined;
  };
  const calibration = curve(EXTRA.calibrationX, EXTRA.calibrationP, info.calibration);
  if (calibration) trained.calibration = calibration;
  const popularityCalibration = curve(
    EXTRA.popularityCalibrationX,
    EXTRA.popularityCalibrationP,
    info.popularityCalibration,
  );
  if (popularityCalibration) trained.popularityCalibration = popularityCalibration;
  const similarCalibration = curve(
    EXTRA.similarCalibrationX,
    EXTRA.similarCalibrationP,
    info.similarCalibration,
  );
  if (similarCalibration) trained.similarCalibration = similarCalibration;
  return trained;
}
