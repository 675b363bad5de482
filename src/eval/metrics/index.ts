import { averagePopularity } from './arp.js';
import { longTailShare } from './aplt.js';
import { coverage } from './coverage.js';
import { intraListDiversity } from './diversity.js';
import { exposureGini } from './gini.js';
import { hitRate } from './hit-rate.js';
import { meanAveragePrecision } from './map.js';
import type { ListMetric, UserMetric } from './metric.js';
import { meanReciprocalRank } from './mrr.js';
import { ndcg } from './ndcg.js';
import { novelty } from './novelty.js';
import { precision } from './precision.js';
import { recall } from './recall.js';

/** Accuracy metrics, computed per user and averaged (and per user group). */
export const userMetrics: readonly UserMetric[] = [
  precision,
  recall,
  ndcg,
  hitRate,
  meanAveragePrecision,
  meanReciprocalRank,
];

/** Beyond-accuracy metrics over all lists. */
export const listMetrics: readonly ListMetric[] = [
  coverage,
  intraListDiversity,
  novelty,
  averagePopularity,
  longTailShare,
  exposureGini,
];

export type { CatalogueStats, ListMetric, Metric, UserMetric } from './metric.js';
