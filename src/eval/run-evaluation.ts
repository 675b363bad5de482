import { createRng } from '../core/rng.js';
import type { StoreSnapshot } from '../models/data/from-store.js';
import { buildTrainingData } from '../models/data/training-data.js';
import { selectEvents } from '../models/data/interaction-log.js';
import { type GroupResult, evaluateModel } from './evaluate.js';
import { eventsOfPairs, pairTable } from './pairs.js';
import { type ProtocolName, splitByProtocol } from './protocols.js';
import { tuneModel } from './tune.js';
import { activityGrouping, protectedGroupings } from './user-groups.js';

export interface RunOptions {
  protocol: ProtocolName;
  model: string;
  config?: Record<string, unknown>;
  /** Tune hyper-parameters on the protocol's validation split first. */
  tune?: boolean;
  k: number;
  seed: number;
  /** Validation splits to average each tuning trial over (random-split protocols; default 5). */
  validationFolds?: number;
  onProgress?: (message: string) => void;
}

/**
 * Five re-splits: their mean ranks configs like the test split does; one split is too noisy, and three
 * still let the ML-100K blend's pick wander between seeds (docs/evaluation.md).
 */
export const DEFAULT_VALIDATION_FOLDS = 5;

/** The JSON `aisle eval --json` prints. */
export interface EvaluationReport {
  model: string;
  protocol: ProtocolName;
  seed: number;
  config: Record<string, unknown>;
  metrics: Record<string, number>;
  groups: Record<string, GroupResult>;
  users: number;
  items: number;
  trainInteractions: number;
  testInteractions: number;
  trainSeconds: number;
  recommendSeconds: number;
  tuning?: { validationNdcg: number; trials: number; seconds: number };
}

/**
 * One evaluation as the CLI runs it: split by the protocol (seeded), optionally tune on the validation
 * split, fit on the training split, rank the full catalogue for each test user, report every metric
 * at k (and 5, 20 when k = 10), overall and per user group (protected attributes and activity level).
 */
export async function runEvaluation(snapshot: StoreSnapshot, options: RunOptions): Promise<EvaluationReport> {
  const { log, features } = snapshot;
  const pairs = pairTable(log);
  const splits = splitByProtocol(options.protocol, pairs, createRng(options.seed), {
    validationFolds: options.validationFolds ?? DEFAULT_VALIDATION_FOLDS,
  });
  let config = options.config ?? {};
  let tuning: EvaluationReport['tuning'];
  if (options.tune) {
    const started = performance.now();
    options.onProgress?.(`tuning ${options.model} on the validation split`);
    const tuned = await tuneModel({
      log,
      features,
      pairs,
      validation: splits.validation,
      validationFolds: splits.validationFolds,
      model: options.model,
      config,
      k: options.k,
      seed: options.seed,
      onTrial: (trial) =>
        options.onProgress?.(
          `  ${trial.model} ${JSON.stringify(trial.config)} → ndcg@${options.k} ${trial.score.toFixed(4)}`,
        ),
    });
    config = tuned.config;
    tuning = {
      validationNdcg: tuned.score,
      trials: tuned.trials.length,
      seconds: (performance.now() - started) / 1000,
    };
  }
  const trainData = buildTrainingData(selectEvents(log, eventsOfPairs(pairs, splits.final.train)), features);
  const groupings = [
    activityGrouping(trainData.interactions),
    ...protectedGroupings(log.userIds, snapshot.protectedAttributes),
  ];
  const ks = [...new Set(options.k === 10 ? [5, 10, 20] : [options.k])].sort((a, b) => a - b);
  options.onProgress?.(`fitting ${options.model} and ranking the catalogue for every test user`);
  const result = await evaluateModel({
    log,
    features,
    pairs,
    split: splits.final,
    model: options.model,
    config,
    ks,
    seed: options.seed,
    groupings,
  });
  let trainInteractions = 0;
  let testInteractions = 0;
  for (let p = 0; p < pairs.count; p++) {
    trainInteractions += splits.final.train[p]!;
    testInteractions += splits.final.test[p]!;
  }
  const report: EvaluationReport = {
    model: options.model,
    protocol: options.protocol,
    seed: options.seed,
    config: result.config,
    metrics: roundAll(result.metrics),
    groups: result.groups,
    users: result.users,
    items: log.itemIds.length,
    trainInteractions,
    testInteractions,
    trainSeconds: Number(result.trainSeconds.toFixed(3)),
    recommendSeconds: Number(result.recommendSeconds.toFixed(3)),
  };
  if (tuning) report.tuning = tuning;
  return report;
}

/** Metrics to 6 decimals: what "the same seed gives the same metrics" is checked at. */
function roundAll(metrics: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, Number(value.toFixed(6))]));
}
