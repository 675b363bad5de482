import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../core/config.js';
import { createRng } from '../core/rng.js';
import { importObjects } from '../ingest/import-objects.js';
import type { ImportContext } from '../ingest/import-records.js';
import { createRecordSchemas } from '../ingest/validators.js';
import { openStore } from '../store/open-store.js';
import type { Store, WeightedEvent } from '../store/store.js';
import { type DetectionMetrics, detectionMetrics } from './detection-metrics.js';
import { type EvaluationFormat, importEvaluationData } from './evaluation-data.js';
import { createAttackContext } from './inject/attack-context.js';
import type { InjectedAttack } from './inject/attack.js';
import { type AttackOptions, injectAttack } from './inject/inject.js';
import { loadEventTable } from './load-events.js';

/**
 * Top-k recommendations for users, trained on the given weighted events: what the evaluation asks of
 * a recommender to measure an attack's effect with the gate off and on.
 */
export type RecommendTopK = (
  events: readonly WeightedEvent[],
  users: readonly string[],
  k: number,
  seed: number,
) => Promise<Map<string, string[]>>;

export interface EvaluateOptions extends Omit<AttackOptions, 'kind'> {
  attack: AttackOptions['kind'];
  data: string;
  format: EvaluationFormat;
  seed: number;
  /** A recommender for the target hit ratio; without one it is not measured (null). */
  recommend?: RecommendTopK;
  /** Real users sampled for the hit ratio (all when absent). */
  hitRatioUsers?: number;
  /**
   * A clean import made once by `prepareCleanStore`: each run starts from a copy of it instead of
   * importing (and gating) the data set again — what a grid of runs on one data set wants.
   */
  cleanStore?: CleanStore;
}

/** A SQLite file holding a data set's clean import, already gated. */
export interface CleanStore {
  path: string;
  dataset: string;
  /** Seconds the gate took on the clean import. */
  gateSeconds: number;
}

function importContext(store: Store): ImportContext {
  return { store, schemas: createRecordSchemas(configSchema.parse({})), batchSize: 100_000 };
}

/** Imports a data set (the gate runs on it) into a new SQLite file at `path`, for `cleanStore`. */
export async function prepareCleanStore(
  format: EvaluationFormat,
  data: string,
  path: string,
): Promise<CleanStore> {
  const store = await openStore(`sqlite:${path}`);
  try {
    const imported = await importEvaluationData(importContext(store), format, data);
    const gateSeconds = imported.steps.reduce((sum, step) => sum + (step.quality?.seconds ?? 0), 0);
    return { path, dataset: imported.dataset, gateSeconds };
  } finally {
    await store.close();
  }
}

/** The `aisle quality evaluate` result: the contract's fields, then the details behind them. */
export interface EvaluationResult {
  attack: string;
  precision: number;
  recall: number;
  f1: number;
  falsePositiveRate: number;
  /** Share of real users with a target in their top 10, trained on every event (gate off). */
  targetHitRatioOff: number | null;
  /** The same, trained on the events the gate passes, with their weights (gate on). */
  targetHitRatioOn: number | null;
  details: {
    dataset: string;
    intent: string;
    attack: InjectedAttack['details'];
    targets: string[];
    detection: DetectionMetrics;
    /** Real users flagged (acted on) by the gate on the clean import, before the attack. */
    cleanFlagged: number;
    /** Users with findings kept for review only (below the action threshold). */
    reviewOnly: { attackers: number; realUsers: number };
    byDetector: Record<string, number>;
    gateSeconds: { clean: number; attack: number };
    recommendation: string;
  };
}

/**
 * Injects an attack into a real data set and measures the quality gate: imports the data through the
 * normal adapters into a throw-away store (the gate runs on the clean import), injects the attack as
 * one more batch (the gate runs again), then compares the users the gate acted on with the injected
 * accounts. With a recommender, also the share of real users shown a target in their top 10 when
 * trained on everything (gate off) and on what the gate passes (gate on).
 *
 * @example
 * const result = await evaluateAttack({ data: '../shared/datasets/ml-100k', format: 'movielens', attack: 'average', size: 0.03, filler: 0.05, intent: 'push', seed: 1 });
 */
export async function evaluateAttack(options: EvaluateOptions): Promise<EvaluationResult> {
  // A copy of the clean store, or a throw-away one the data set is imported into.
  const scratch = options.cleanStore ? mkdtempSync(join(tmpdir(), 'aisle-quality-evaluate-')) : undefined;
  if (scratch) copyFileSync(options.cleanStore!.path, join(scratch, 'clean.db'));
  const store = await openStore(scratch ? `sqlite:${join(scratch, 'clean.db')}` : 'sqlite::memory:');
  try {
    const context = importContext(store);
    let dataset: string;
    let cleanGate: number;
    if (options.cleanStore) {
      dataset = options.cleanStore.dataset;
      cleanGate = options.cleanStore.gateSeconds;
    } else {
      const imported = await importEvaluationData(context, options.format, options.data);
      dataset = imported.dataset;
      cleanGate = imported.steps.reduce((sum, step) => sum + (step.quality?.seconds ?? 0), 0);
    }
    const cleanTable = await loadEventTable(store);
    const realUsers = new Set(cleanTable.users);
    const cleanFlagged = await actedUsers(store);
    const segments = new Map<number, string>();
    for await (const page of store.scanItems()) {
      for (const item of page) {
        const index = cleanTable.itemIndex.get(item.id);
        if (index !== undefined && item.categoryPath[0] !== undefined)
          segments.set(index, item.categoryPath[0]);
      }
    }
    const attackContext = createAttackContext(cleanTable, segments);
    const {
      attack: kind,
      data: _data,
      format: _format,
      seed,
      recommend,
      hitRatioUsers: _sample,
      cleanStore: _clean,
      ...attackOptions
    } = options;
    const attack = injectAttack(attackContext, { kind, ...attackOptions }, createRng(seed));
    const summary = await importObjects(context, 'event', `evaluation:${kind} attack`, attack.events);
    const attackers = new Set(attack.attackers);
    const flags = await store.listQualityFlags({ subject: 'user', limit: 10_000_000 });
    const applied = flags.filter((flag) => flag.status === 'open' || flag.status === 'confirmed');
    const acted = new Set(applied.filter((flag) => flag.action !== 'flag').map((flag) => flag.subjectId));
    const reviewed = new Set(
      applied
        .filter((flag) => flag.action === 'flag' && !acted.has(flag.subjectId))
        .map((flag) => flag.subjectId),
    );
    const byDetector: Record<string, number> = {};
    for (const flag of applied)
      if (flag.action !== 'flag') byDetector[flag.detector] = (byDetector[flag.detector] ?? 0) + 1;
    const detection = detectionMetrics(acted, attackers, realUsers.size);
    const hitRatio = recommend
      ? await targetHitRatios(store, attack, [...realUsers], recommend, seed, options.hitRatioUsers)
      : undefined;
    return {
      attack: kind,
      precision: detection.precision,
      recall: detection.recall,
      f1: detection.f1,
      falsePositiveRate: detection.falsePositiveRate,
      targetHitRatioOff: hitRatio?.off ?? null,
      targetHitRatioOn: hitRatio?.on ?? null,
      details: {
        dataset,
        intent: attack.intent,
        attack: attack.details,
        targets: attack.targets,
        detection,
        cleanFlagged: cleanFlagged.size,
        reviewOnly: {
          attackers: [...reviewed].filter((user) => attackers.has(user)).length,
          realUsers: [...reviewed].filter((user) => realUsers.has(user)).length,
        },
        byDetector,
        gateSeconds: { clean: cleanGate, attack: summary.quality?.seconds ?? 0 },
        recommendation: recommend
          ? 'target hit ratio in top 10 of real users who had not interacted with a target, averaged over targets'
          : 'not measured: no recommender was given',
      },
    };
  } finally {
    await store.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

async function actedUsers(store: Store): Promise<Set<string>> {
  const flags = await store.listQualityFlags({ subject: 'user', limit: 10_000_000 });
  return new Set(
    flags
      .filter((flag) => (flag.status === 'open' || flag.status === 'confirmed') && flag.action !== 'flag')
      .map((flag) => flag.subjectId),
  );
}

/**
 * The share of real users (who had not interacted with a target) whose top 10 holds the target,
 * averaged over the targets — trained on every event (gate off) and on the gated events (gate on).
 */
async function targetHitRatios(
  store: Store,
  attack: InjectedAttack,
  realUsers: string[],
  recommend: RecommendTopK,
  seed: number,
  sample: number | undefined,
): Promise<{ off: number; on: number } | undefined> {
  if (attack.targets.length === 0) return undefined;
  const everything: WeightedEvent[] = [];
  const gated: WeightedEvent[] = [];
  for await (const page of store.scanTrainingEvents({ includeExcluded: true })) {
    for (const event of page) {
      everything.push({ ...event, weight: 1 });
      if (event.weight > 0) gated.push(event);
    }
  }
  const touched = new Map<string, Set<string>>();
  for (const event of everything) {
    if (event.itemId === undefined || !attack.targets.includes(event.itemId)) continue;
    const users = touched.get(event.itemId) ?? new Set<string>();
    users.add(event.userId);
    touched.set(event.itemId, users);
  }
  const users =
    sample !== undefined && sample < realUsers.length
      ? createRng(seed)
          .shuffle([...realUsers])
          .slice(0, sample)
      : realUsers;
  const ratio = async (events: readonly WeightedEvent[]): Promise<number> => {
    const lists = await recommend(events, users, 10, seed);
    let sum = 0;
    for (const target of attack.targets) {
      const eligible = users.filter((user) => !touched.get(target)?.has(user));
      const hits = eligible.filter((user) => lists.get(user)?.includes(target)).length;
      sum += eligible.length > 0 ? hits / eligible.length : 0;
    }
    return sum / attack.targets.length;
  };
  return { off: await ratio(everything), on: await ratio(gated) };
}
