import { createRng } from '../core/rng.js';
import { type Csr, csrFromTriplets } from '../matrix/csr.js';
import { topK } from '../matrix/top-k.js';
import { type InteractionLog, selectEvents } from '../models/data/interaction-log.js';
import { buildTrainingData } from '../models/data/training-data.js';
import type { ItemFeatures, Recommender, TrainingData } from '../models/model.js';
import { getModel } from '../models/registry.js';
import { type CatalogueStats, listMetrics, userMetrics } from './metrics/index.js';
import { type PairTable, eventsOfPairs } from './pairs.js';
import type { Split } from './protocols.js';
import type { UserGrouping } from './user-groups.js';

export interface EvaluationInput {
  log: InteractionLog;
  features: ItemFeatures;
  pairs: PairTable;
  split: Split;
  model: string;
  /** The model's config (validated by its schema; defaults fill the rest). */
  config?: Record<string, unknown>;
  /** Cut-offs; metrics are reported as `name@k` for each. */
  ks: readonly number[];
  seed: number;
  groupings?: readonly UserGrouping[];
  /** Users scored per batch (models with batched kernels score a batch at once). */
  batchSize?: number;
}

/** Per group: users evaluated and their mean metrics; per attribute the gap between groups. */
export interface GroupResult {
  groups: Record<string, { n: number; metrics: Record<string, number> }>;
  /** max − min of the group means, per metric. */
  gap: Record<string, number>;
  /** min / max of the group means, per metric (1 = equal). */
  ratio: Record<string, number>;
}

export interface EvaluationResult {
  model: string;
  config: Record<string, unknown>;
  metrics: Record<string, number>;
  groups: Record<string, GroupResult>;
  /** Users with at least one held-out item. */
  users: number;
  trainSeconds: number;
  recommendSeconds: number;
  /** Per evaluated user (index into the log's users): the per-user metric values, for audits. */
  perUser: { user: Int32Array; values: Record<string, Float64Array> };
  /** Top-k lists of the evaluated users (same order as perUser.user), for exposure audits. */
  lists: Int32Array[];
  fitted: Recommender;
}

/**
 * Fits a model on a split's training pairs and ranks the whole catalogue for every test user,
 * leaving out only the items in the user's history (never sampled negatives), then computes every
 * metric at every cut-off, overall and per user group.
 */
export async function evaluateModel(input: EvaluationInput): Promise<EvaluationResult> {
  const { log, pairs, split } = input;
  const trainLog = selectEvents(log, eventsOfPairs(pairs, split.train));
  const data = buildTrainingData(trainLog, input.features);
  const definition = getModel(input.model);
  const config = definition.configSchema.parse(input.config ?? {}) as Record<string, unknown>;

  const fitStart = performance.now();
  const fitted = await definition.fit(data, config, { rng: createRng(input.seed) });
  const trainSeconds = (performance.now() - fitStart) / 1000;

  const histories = split.history ? historyMatrix(log, pairs, split.history) : data.interactions;
  const relevant = relevantItems(pairs, split.test, histories);
  const evaluated = [...relevant.keys()].sort((a, b) => a - b);
  const maxK = Math.max(...input.ks);
  const items = data.items.length;

  const recommendStart = performance.now();
  const lists = rankUsers(fitted, histories, Int32Array.from(evaluated), maxK, items, input.batchSize ?? 256);
  const recommendSeconds = (performance.now() - recommendStart) / 1000;

  const perUserValues: Record<string, Float64Array> = {};
  for (const metric of userMetrics) {
    for (const k of input.ks) {
      const values = new Float64Array(evaluated.length);
      evaluated.forEach((user, n) => (values[n] = metric.compute(lists[n]!, relevant.get(user)!, k)));
      perUserValues[`${metric.name}@${k}`] = values;
    }
  }
  const metrics: Record<string, number> = {};
  for (const [name, values] of Object.entries(perUserValues)) metrics[name] = mean(values);
  const catalogue = catalogueStats(data);
  for (const metric of listMetrics)
    for (const k of input.ks) metrics[`${metric.name}@${k}`] = metric.compute(lists, k, catalogue);

  const groups: Record<string, GroupResult> = {};
  for (const grouping of input.groupings ?? [])
    groups[grouping.attribute] = groupResult(grouping, evaluated, perUserValues);

  return {
    model: input.model,
    config,
    metrics,
    groups,
    users: evaluated.length,
    trainSeconds,
    recommendSeconds,
    perUser: { user: Int32Array.from(evaluated), values: perUserValues },
    lists,
    fitted,
  };
}

/** Top-maxK items for each user, excluding the user's history; batched through `scoreBatch`. */
export function rankUsers(
  model: Recommender,
  histories: Csr,
  users: Int32Array,
  maxK: number,
  items: number,
  batchSize: number,
): Int32Array[] {
  const lists: Int32Array[] = [];
  const excluded = new Uint8Array(items);
  for (let start = 0; start < users.length; start += batchSize) {
    const batch = users.subarray(start, Math.min(users.length, start + batchSize));
    const rows = rowsOf(histories, batch);
    const scores = new Float32Array(batch.length * items);
    if (model.scoreBatch) model.scoreBatch(rows, scores);
    else {
      for (let r = 0; r < batch.length; r++) {
        const from = rows.indptr[r]!;
        const to = rows.indptr[r + 1]!;
        model.score(
          { items: rows.indices.subarray(from, to), weights: rows.data.subarray(from, to) },
          scores.subarray(r * items, (r + 1) * items),
        );
      }
    }
    for (let r = 0; r < batch.length; r++) {
      for (let p = rows.indptr[r]!; p < rows.indptr[r + 1]!; p++) excluded[rows.indices[p]!] = 1;
      lists.push(topK(scores.subarray(r * items, (r + 1) * items), maxK, excluded).indices);
      for (let p = rows.indptr[r]!; p < rows.indptr[r + 1]!; p++) excluded[rows.indices[p]!] = 0;
    }
  }
  return lists;
}

export function rowsOf(matrix: Csr, users: Int32Array): Csr {
  const indptr = new Int32Array(users.length + 1);
  for (let n = 0; n < users.length; n++)
    indptr[n + 1] = indptr[n]! + matrix.indptr[users[n]! + 1]! - matrix.indptr[users[n]!]!;
  const indices = new Int32Array(indptr[users.length]!);
  const data = new Float32Array(indices.length);
  for (let n = 0; n < users.length; n++) {
    const u = users[n]!;
    indices.set(matrix.indices.subarray(matrix.indptr[u]!, matrix.indptr[u + 1]!), indptr[n]!);
    data.set(matrix.data.subarray(matrix.indptr[u]!, matrix.indptr[u + 1]!), indptr[n]!);
  }
  return { rows: users.length, cols: matrix.cols, indptr, indices, data };
}

/** users × items: the summed event weights of the given pairs (the history shown at scoring time). */
export function historyMatrix(log: InteractionLog, pairs: PairTable, mask: Uint8Array): Csr {
  const events = eventsOfPairs(pairs, mask);
  const selected = selectEvents(log, events);
  return csrFromTriplets(
    log.userIds.length,
    log.itemIds.length,
    selected.user,
    selected.item,
    selected.weight,
    'sum',
  );
}

/** Test items per user, minus anything in the user's history (it could never be recommended). */
export function relevantItems(pairs: PairTable, test: Uint8Array, histories: Csr): Map<number, Set<number>> {
  const relevant = new Map<number, Set<number>>();
  for (let p = 0; p < pairs.count; p++) {
    if (test[p] !== 1) continue;
    const user = pairs.user[p]!;
    const item = pairs.item[p]!;
    if (inRow(histories, user, item)) continue;
    let set = relevant.get(user);
    if (!set) relevant.set(user, (set = new Set()));
    set.add(item);
  }
  return relevant;
}

function inRow(matrix: Csr, row: number, column: number): boolean {
  for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++)
    if (matrix.indices[p] === column) return true;
  return false;
}

/** Popularity (distinct training users per item), long tail (outside the top 20 %) and categories. */
export function catalogueStats(data: TrainingData): CatalogueStats {
  const items = data.items.length;
  const popularity = new Int32Array(items);
  for (let n = 0; n < data.interactions.indices.length; n++) popularity[data.interactions.indices[n]!]!++;
  const order = Array.from({ length: items }, (_, i) => i).sort(
    (a, b) => popularity[b]! - popularity[a]! || a - b,
  );
  const longTail = new Uint8Array(items).fill(1);
  const head = Math.ceil(items * 0.2);
  for (let n = 0; n < head; n++) longTail[order[n]!] = 0;
  return {
    itemCount: items,
    userCount: data.users.length,
    popularity,
    longTail,
    category: data.features.category,
  };
}

function groupResult(
  grouping: UserGrouping,
  evaluated: readonly number[],
  perUser: Record<string, Float64Array>,
): GroupResult {
  const groups: GroupResult['groups'] = {};
  const gap: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const members = grouping.labels.map(() => [] as number[]);
  evaluated.forEach((user, n) => {
    const group = grouping.groupOf[user] ?? -1;
    if (group >= 0) members[group]!.push(n);
  });
  grouping.labels.forEach((label, group) => {
    const rows = members[group]!;
    if (rows.length === 0) return;
    const metrics: Record<string, number> = {};
    for (const [name, values] of Object.entries(perUser))
      metrics[name] = rows.reduce((sum, n) => sum + values[n]!, 0) / rows.length;
    groups[label] = { n: rows.length, metrics };
  });
  for (const name of Object.keys(perUser)) {
    const means = Object.values(groups).map((group) => group.metrics[name]!);
    if (means.length === 0) continue;
    const max = Math.max(...means);
    const min = Math.min(...means);
    gap[name] = max - min;
    ratio[name] = max > 0 ? min / max : 1;
  }
  return { groups, gap, ratio };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length > 0 ? sum / values.length : 0;
}
