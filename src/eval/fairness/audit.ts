import type {
  ExposureTargetName,
  ItemGroupingName,
  LiftName,
  RelevanceScaleName,
  RerankerName,
} from '../../core/fairness-config.js';
import { AisleError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import type { StoreSnapshot } from '../../models/data/from-store.js';
import { selectEvents } from '../../models/data/interaction-log.js';
import { buildTrainingData } from '../../models/data/training-data.js';
import { getModel } from '../../models/registry.js';
import type { TrainingData } from '../../models/model.js';
import type { Csr } from '../../matrix/csr.js';
import { itemShares } from '../../rank/fairness/item-groups.js';
import {
  ExposureController,
  exposureFloors,
  usesSharedRelevanceScale,
} from '../../rank/fairness/amortized-exposure.js';
import { type CandidateList, rerank } from '../../rank/fairness/rerank.js';
import { catalogueStats, historyMatrix, relevantItems } from '../evaluate.js';
import { listMetrics, userMetrics } from '../metrics/index.js';
import { eventsOfPairs, pairTable } from '../pairs.js';
import { type ProtocolName, splitByProtocol } from '../protocols.js';
import { activityGrouping, protectedGroupings } from '../user-groups.js';
import { type UserCandidates, rankCandidates } from './candidates.js';
import { type ExposureAudit, exposureAudit } from './exposure.js';
import { itemGroupingsOf } from './item-groupings.js';
import { userGroupAudit } from './user-audit.js';

/** Times the test users' requests pass through an `amortized-exposure` controller by default; the last is audited. */
export const AMORTIZED_PASSES = 3;

/** A re-ranker applied to every test user's candidates before the audit. */
export interface AuditRerank {
  name: RerankerName;
  strength: number;
  /** Item groups `fair-star`, `exposure` and `amortized-exposure` act on (default popularity). */
  itemGrouping?: ItemGroupingName;
  /** The group `fair-star` protects (default `long-tail`). */
  protectedGroup?: string;
  alpha?: number;
  /** `exposure`: aim at the groups' merit shares (default) or their shares of the items. */
  exposureTarget?: ExposureTargetName;
  /** `user-group`: λ of the disadvantaged users' lift (default 0: unchanged). */
  lift?: number;
  /** `user-group`: calibration (default) or popularity-penalty lift. */
  liftBy?: LiftName;
  /**
   * `amortized-exposure`: how many times the test users' requests pass through the controller, the
   * last audited (default {@link AMORTIZED_PASSES}; 1 = a cold controller).
   */
  passes?: number;
  /** `amortized-exposure`: one relevance scale for all lists, each list's own, or the model's choice (default). */
  relevanceScale?: RelevanceScaleName;
}

export interface FairnessAuditOptions {
  protocol: ProtocolName;
  model: string;
  config?: Record<string, unknown>;
  k: number;
  seed: number;
  rerank?: AuditRerank;
  /** Candidates per user the re-ranker chooses from (default 100). */
  candidates?: number;
  /**
   * `final` (default): fit on the protocol's training split, audit its test split. `validation`:
   * fit and audit inside the training split (the protocol's validation split), where re-ranker
   * strengths are chosen without touching the test split.
   */
  split?: 'final' | 'validation';
  /**
   * With `split: 'validation'`: which validation split — 0 (default) the protocol's own, 1 … further
   * independent re-splits of the training part (protocol `msr` only).
   */
  validationFold?: number;
  /** Share of most active users in the `active` group (Li et al. 2021: 5 %). */
  activeShare?: number;
  /** Bootstrap replicates of each gap's CI (default 1000). */
  replicates?: number;
  onProgress?: (message: string) => void;
}

/** One user grouping as the report prints it: the groups by label, then gap, ratio and CI. */
export type UserGroupsReport = Record<string, Record<string, number> | number | [number, number]>;

/** What `aisle fairness audit --json` prints and `GET /fairness/report` serves. */
export interface FairnessReport {
  [metric: `ndcg@${number}`]: number;
  kind: 'fairness-audit';
  model: string;
  protocol: ProtocolName;
  seed: number;
  k: number;
  rerank: AuditRerank | null;
  users: number;
  items: number;
  /** Every accuracy and beyond-accuracy metric at k over all test users. */
  metrics: Record<string, number>;
  userGroups: Record<string, UserGroupsReport>;
  exposure: Record<string, ExposureAudit>;
  /** Mean time of one re-ranking of `candidates` candidates, in milliseconds (0 without one). */
  rerankMsPerList: number;
  candidates: number;
  /**
   * With `aisle fairness audit --curve`: per re-ranker, the audit at each strength as flat points
   * (`strength`, `ndcg@k`, `gap:<attribute>`, `gini:<grouping>`; src/eval/fairness/curve.ts).
   */
  curves?: Record<string, Record<string, number>[]>;
  createdAt: string;
}

/** A fitted model and each test user's candidates: what re-rankers and audits reuse. */
export interface PreparedAudit {
  snapshot: StoreSnapshot;
  options: FairnessAuditOptions;
  data: TrainingData;
  histories: Csr;
  relevant: Map<number, Set<number>>;
  users: Int32Array;
  candidates: UserCandidates;
  /** The fitted model normalises its scores per user (see `Recommender`). */
  scoresNormalisedPerUser: boolean;
}

/**
 * The fairness audit of one model under one protocol: fit on the training split, take each test
 * user's top candidates (full catalogue, history excluded), optionally re-rank them, then measure
 * every accuracy metric per user group (activity level and each protected attribute, with gap,
 * ratio and bootstrap CI) and exposure per item group (position-discounted, Gini, against merit =
 * held-out interactions). Protected attributes are read here only, never by the model.
 */
export async function runFairnessAudit(
  snapshot: StoreSnapshot,
  options: FairnessAuditOptions,
): Promise<FairnessReport> {
  return auditPrepared(await prepareAudit(snapshot, options), options.rerank);
}

/** Fits the model and ranks every test user's candidates once (for many re-rankers and strengths). */
export async function prepareAudit(
  snapshot: StoreSnapshot,
  options: FairnessAuditOptions,
): Promise<PreparedAudit> {
  const { log, features } = snapshot;
  const depth = Math.max(options.k, options.candidates ?? 100);
  const pairs = pairTable(log);
  const fold = options.validationFold ?? 0;
  const splits = splitByProtocol(options.protocol, pairs, createRng(options.seed), {
    validationFolds: fold + 1,
  });
  const split = options.split === 'validation' ? splits.validationFolds[fold] : splits.final;
  if (!split)
    throw new AisleError(
      'INVALID_ARGUMENT',
      `Protocol ${options.protocol} has no validation split ${fold}; only msr has more than one`,
    );
  const data = buildTrainingData(selectEvents(log, eventsOfPairs(pairs, split.train)), features);
  const definition = getModel(options.model);
  const config = definition.configSchema.parse(options.config ?? {});
  options.onProgress?.(`fitting ${options.model}`);
  const model = await definition.fit(data, config, { rng: createRng(options.seed) });
  const histories = split.history ? historyMatrix(log, pairs, split.history) : data.interactions;
  const relevant = relevantItems(pairs, split.test, histories);
  const users = Int32Array.from([...relevant.keys()].sort((a, b) => a - b));
  options.onProgress?.(
    `ranking ${depth} candidates for ${users.length} ${options.split === 'validation' ? 'validation' : 'test'} users`,
  );
  const candidates = rankCandidates(model, histories, users, depth);
  return {
    snapshot,
    options,
    data,
    histories,
    relevant,
    users,
    candidates,
    scoresNormalisedPerUser: model.scoresNormalisedPerUser === true,
  };
}

/**
 * Each test user's top-k list (item indices) from the prepared candidates, re-ranked by `reranker`
 * when given, and the total time the re-ranker took, in milliseconds.
 */
export function auditLists(
  prepared: PreparedAudit,
  reranker?: AuditRerank,
): { lists: Int32Array[]; rerankMs: number } {
  const { snapshot, options, data, histories, users, candidates } = prepared;
  const { features } = snapshot;
  const { k } = options;
  const catalogue = catalogueStats(data);
  const itemGroupings = itemGroupingsOf(snapshot, catalogue);
  const activity = activityGrouping(data.interactions, options.activeShare ?? 0.05);
  let rerankMs = 0;
  const lists: Int32Array[] = [];
  const grouping = reranker ? itemGroupings[reranker.itemGrouping ?? 'popularity'] : undefined;
  if (
    reranker &&
    (reranker.name === 'fair-star' ||
      reranker.name === 'exposure' ||
      reranker.name === 'amortized-exposure') &&
    !grouping
  )
    throw new AisleError(
      'INVALID_ARGUMENT',
      `This data set has no "${reranker.itemGrouping ?? 'popularity'}" item groups; choose another item grouping`,
    );
  const protectedLabel = grouping?.labels.indexOf(reranker?.protectedGroup ?? 'long-tail') ?? -1;
  if (reranker?.name === 'fair-star' && protectedLabel < 0)
    throw new AisleError(
      'INVALID_ARGUMENT',
      `No item group "${reranker.protectedGroup ?? 'long-tail'}" in ${grouping!.name}; groups: ${grouping!.labels.join(', ')}`,
    );
  const categories = features.categories.length;
  const exposureTarget =
    grouping && reranker?.exposureTarget === 'items' ? { exposureTarget: itemShares(grouping) } : {};
  if (!reranker) return { lists: candidates.indices.map((indices) => indices.subarray(0, k)), rerankMs };
  const controller =
    reranker.name === 'amortized-exposure'
      ? new ExposureController(exposureFloors(itemShares(grouping!), reranker.strength))
      : undefined;
  const sharedScale = usesSharedRelevanceScale(
    reranker.relevanceScale ?? 'auto',
    prepared.scoresNormalisedPerUser,
  );
  const listOf = (n: number): Int32Array => {
    const indices = candidates.indices[n]!;
    const list: CandidateList = {
      scores: candidates.scores[n]!,
      group: Int32Array.from(indices, (item) => grouping?.groupOf[item] ?? -1),
      protectedFlag: Uint8Array.from(indices, (item) => (grouping?.groupOf[item] === protectedLabel ? 1 : 0)),
      category: Int32Array.from(indices, (item) => features.category[item]!),
      popularity: Int32Array.from(indices, (item) => catalogue.popularity[item]!),
    };
    const historyMix = new Float64Array(categories);
    let total = 0;
    for (let p = histories.indptr[users[n]!]!; p < histories.indptr[users[n]! + 1]!; p++) {
      const category = features.category[histories.indices[p]!]!;
      if (category < 0) continue;
      historyMix[category]! += histories.data[p]!;
      total += histories.data[p]!;
    }
    if (total > 0) for (let c = 0; c < categories; c++) historyMix[c]! /= total;
    const started = performance.now();
    const { order } = rerank(reranker.name, list, {
      k,
      strength: reranker.strength,
      alpha: reranker.alpha ?? 0.1,
      advantaged: activity.groupOf[users[n]!] === 0,
      lift: reranker.lift ?? 0,
      ...(reranker.liftBy ? { liftBy: reranker.liftBy } : {}),
      historyMix,
      ...exposureTarget,
      ...(controller
        ? {
            groupOffsets: controller.offsets,
            groupRelevanceScale: sharedScale ? controller.relevanceScale : 0,
          }
        : {}),
    });
    const shown = order.subarray(0, k);
    controller?.observe(
      Int32Array.from(shown, (position) => list.group![position]!),
      list.scores,
    );
    rerankMs += performance.now() - started;
    return Int32Array.from(shown, (position) => indices[position]!);
  };
  if (!controller) {
    for (let n = 0; n < users.length; n++) lists.push(listOf(n));
    return { lists, rerankMs };
  }
  // The controller learns from the traffic it serves: the test users' requests arrive in seeded
  // random order, `passes` times (users coming back), and the audit reads the last pass.
  // It sees only the model's scores and the item groups, never the held-out items.
  const rng = createRng(options.seed);
  const arrival = Array.from(users, (_, n) => n);
  const passes = Math.max(1, reranker.passes ?? AMORTIZED_PASSES);
  for (let pass = 0; pass < passes; pass++) {
    for (let i = arrival.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [arrival[i], arrival[j]] = [arrival[j]!, arrival[i]!];
    }
    const msBeforePass = rerankMs;
    for (const n of arrival) lists[n] = listOf(n);
    if (pass < passes - 1) rerankMs = msBeforePass; // only the audited pass is timed
  }
  return { lists, rerankMs };
}

/** The audit of prepared candidates, re-ranked by `reranker` first when given. */
export function auditPrepared(prepared: PreparedAudit, reranker?: AuditRerank): FairnessReport {
  const { snapshot, options, data, relevant, users } = prepared;
  const { log } = snapshot;
  const { k, seed } = options;
  const depth = Math.max(k, options.candidates ?? 100);
  const catalogue = catalogueStats(data);
  const itemGroupings = itemGroupingsOf(snapshot, catalogue);
  const activity = activityGrouping(data.interactions, options.activeShare ?? 0.05);

  const { lists, rerankMs } = auditLists(prepared, reranker);

  const perUser: Record<string, Float64Array> = {};
  for (const metric of userMetrics) {
    const values = new Float64Array(users.length);
    for (let n = 0; n < users.length; n++) values[n] = metric.compute(lists[n]!, relevant.get(users[n]!)!, k);
    perUser[`${metric.name}@${k}`] = values;
  }
  const metrics: Record<string, number> = {};
  for (const [name, values] of Object.entries(perUser))
    metrics[name] = round(values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length));
  for (const metric of listMetrics)
    metrics[`${metric.name}@${k}`] = round(metric.compute(lists, k, catalogue));

  const primary = `ndcg@${k}`;
  const rng = createRng(seed);
  const userGroups: Record<string, UserGroupsReport> = {};
  for (const userGrouping of [activity, ...protectedGroupings(log.userIds, snapshot.protectedAttributes)]) {
    const audit = userGroupAudit(
      userGrouping,
      users,
      perUser,
      primary,
      rng.fork(),
      options.replicates ?? 1000,
    );
    userGroups[userGrouping.attribute] = {
      ...audit.groups,
      gap: audit.gap,
      ratio: audit.ratio,
      ci: audit.ci,
    };
  }

  const merit = new Float64Array(log.itemIds.length);
  for (const items of relevant.values()) for (const item of items) merit[item]!++;
  const exposure: Record<string, ExposureAudit> = {};
  for (const [name, itemGrouping] of Object.entries(itemGroupings))
    exposure[name] = exposureAudit(lists, k, itemGrouping, merit);

  const report: FairnessReport = {
    kind: 'fairness-audit',
    model: options.model,
    protocol: options.protocol,
    seed,
    k,
    rerank: reranker ?? null,
    users: users.length,
    items: log.itemIds.length,
    metrics,
    userGroups,
    exposure,
    rerankMsPerList: reranker && users.length > 0 ? Number((rerankMs / users.length).toFixed(4)) : 0,
    candidates: depth,
    createdAt: new Date().toISOString(),
  };
  // The headline metric sits at the top level, as the CLI contract prints it.
  report[primary as `ndcg@${number}`] = metrics[primary]!;
  return report;
}

function round(value: number): number {
  return Number(value.toFixed(6));
}
