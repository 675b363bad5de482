import type { AisleConfig } from '../core/config.js';
import { AisleError } from '../core/errors.js';
import { type FairnessPolicy, fairnessPolicyFor } from '../core/fairness-config.js';
import { type ScenarioConfig, scenarioSchema } from '../core/serving-config.js';
import type { Reason, ReasonContext } from '../explain/reasons.js';
import { CONTRAST_DEPTH } from '../explain/fidelity.js';
import { contrastList } from '../explain/contrast-list.js';
import { reasonsInList } from '../explain/reasons.js';
import { type Language, reasonText } from '../explain/text.js';
import { type Calibration, calibrated } from '../models/calibration.js';
import type { UserHistory } from '../models/model.js';
import { type ItemFilter, compileFilter, mergeFilters } from '../rank/filters.js';
import type { ServingCatalogue } from './catalogue.js';
import { ExposureControllers } from './exposure-controllers.js';
import { fairnessRerank } from './fairness-rerank.js';
import type { ModelHolder, ServedModel } from './model-holder.js';
import { type Selected, select } from './ranking.js';
import { RequestScratch } from './scratch.js';
import { type ActivityReader, type UserActivity, activityOf, historyFor } from './user-history.js';

/** One recommended item as the API returns it. */
export interface RecommendedItem {
  itemId: string;
  title?: string;
  score: number;
  /** Calibrated probability that the user interacts with the item (null when the model has no calibration). */
  confidence: number | null;
  reasons: Reason[];
  text: string;
}

export interface RecommendationResult {
  items: RecommendedItem[];
  model: { name: string; version: number };
  scenario: string;
  /** True when the user had no usable history and popularity answered. */
  coldStart?: boolean;
}

/** What every recommendation request may say. */
export interface RecommendOptions {
  k?: number;
  scenario?: string;
  filter?: ItemFilter;
  diversity?: number;
  excludePurchased?: boolean;
  lang?: Language;
  /** Overrides of the scenario's fairness policy (`reranker: 'none'` turns it off). */
  fairness?: Partial<FairnessPolicy>;
}

/** An item of an anonymous session or cart, and what was done with it. */
export interface SessionItem {
  itemId: string;
  action?: string | undefined;
}

/**
 * The serving path: reads the user's latest history, scores the catalogue with the served model,
 * applies the scenario's business rules and the request's filters, diversifies on request, and
 * explains every result from the model's own contributions.
 */
export class RecommendationService {
  private readonly scratch = new RequestScratch();
  /** The `amortized-exposure` controllers of this process (saved and restored by the runtime). */
  readonly exposure = new ExposureControllers();

  constructor(
    private readonly config: AisleConfig,
    private readonly models: ModelHolder,
    private readonly catalogue: ServingCatalogue,
    private readonly activity: ActivityReader,
  ) {}

  /** The home feed of a user (or any named scenario). */
  async forUser(userId: string, options: RecommendOptions = {}): Promise<RecommendationResult> {
    const served = this.model();
    const activity = await this.activity.read(userId);
    return this.rankForActivity(served, activity, options);
  }

  /** Recommendations for a cart or an anonymous session: the items stand in for a history. */
  forSession(items: readonly SessionItem[], options: RecommendOptions = {}): RecommendationResult {
    const served = this.model();
    const now = Date.now();
    const events = items.map((item, n) => ({
      seq: n,
      batchId: 0,
      userId: 'session',
      itemId: item.itemId,
      type: item.action ?? 'cart',
      timestamp: now - n,
    }));
    const activity = activityOf('session', events, this.config);
    const scenario = options.scenario ?? 'cart';
    // Session items themselves are never recommended back.
    const exclude = [...(options.filter?.excludeIds ?? []), ...items.map((item) => item.itemId)];
    return this.rankForActivity(served, activity, {
      ...options,
      scenario,
      filter: { ...options.filter, excludeIds: exclude },
    });
  }

  /** Items like one item (an item page), from the model's item-to-item view. */
  similar(itemId: string, options: RecommendOptions = {}): RecommendationResult {
    const served = this.model();
    const index = this.indexOf(served, itemId);
    const recommender = served.trained.recommender;
    const scenario = options.scenario ?? 'item';
    if (!recommender.similarItems)
      throw new AisleError(
        'CONFLICT',
        `The served model (${served.trained.info.model}) has no item similarities`,
      );
    const similar = recommender.similarItems(index, Math.max(200, (options.k ?? 10) * 20));
    return this.rankNeighbours(served, itemId, similar, 'similar-item', { ...options, scenario });
  }

  /** Items bought together with one item. */
  boughtTogether(itemId: string, options: RecommendOptions = {}): RecommendationResult {
    const served = this.model();
    const index = this.indexOf(served, itemId);
    const companions = served.trained.companions;
    if (!companions)
      throw new AisleError(
        'CONFLICT',
        'The served model was trained without bought-together associations; retrain it',
      );
    const together = companions.similarItems(index, Math.max(100, (options.k ?? 10) * 10));
    return this.rankNeighbours(served, itemId, together, 'bought-together', {
      ...options,
      scenario: options.scenario ?? 'item',
    });
  }

  /** The most popular items (time-decayed), optionally within a category. */
  popular(options: RecommendOptions = {}): RecommendationResult {
    const served = this.model();
    const scenario = options.scenario ?? 'popular';
    const rules = this.scenario(scenario);
    const scores = served.trained.popularity;
    const picked = select(scores, this.selection(served, rules, options, new Set()));
    const lang = options.lang ?? 'zh';
    return {
      items: picked.map((choice) =>
        this.item(
          served,
          choice,
          [{ kind: 'trending', weight: choice.score, evidence: this.categoryEvidence(served, choice.index) }],
          lang,
          choice.score,
          picked[0]?.score ?? 0,
          served.trained.popularityCalibration,
        ),
      ),
      model: { name: served.trained.info.model, version: served.version },
      scenario,
    };
  }

  /** A user's interactions as the served model reads them (for the explain page and tests). */
  async historyOf(userId: string): Promise<{ activity: UserActivity; history: UserHistory }> {
    const served = this.model();
    const activity = await this.activity.read(userId);
    return { activity, history: historyFor(activity, served.itemIndex) };
  }

  private rankForActivity(
    served: ServedModel,
    activity: UserActivity,
    options: RecommendOptions,
  ): RecommendationResult {
    const scenario = options.scenario ?? 'home';
    const rules = this.scenario(scenario);
    const history = historyFor(activity, served.itemIndex);
    const n = served.trained.itemIds.length;
    const scores = this.scratch.scoresOf(n);
    const cold = history.items.length === 0;
    if (cold) scores.set(served.trained.popularity);
    else served.trained.recommender.score(history, scores);
    const excluded = new Set<number>();
    const excludePurchased = options.excludePurchased ?? rules.excludePurchased;
    for (const [itemId] of activity.weights) {
      const index = served.itemIndex.get(itemId);
      if (index === undefined) continue;
      if (rules.excludeSeen || (excludePurchased && activity.purchased.has(itemId))) excluded.add(index);
    }
    if (excludePurchased)
      for (const itemId of activity.purchased) excluded.add(served.itemIndex.get(itemId) ?? -1);
    const selection = this.selection(served, rules, options, excluded);
    const policy = fairnessPolicyFor(this.config.fairness, scenario, options.fairness);
    // Candidates beyond k: each result's reasons are weighed against the rest of the list.
    const pool = {
      ...selection,
      k: Math.max(selection.k + CONTRAST_DEPTH, policy.reranker === 'none' ? 0 : policy.candidates),
    };
    const candidates = select(scores, pool, this.scratch.maskOf(n));
    const fair = fairnessRerank(
      candidates,
      selection.k,
      policy,
      served,
      this.catalogue,
      activity.weights,
      this.exposure,
    );
    const picked = fair.picked;
    const lang = options.lang ?? 'zh';
    const context = this.reasonContext(served, activity);
    const top = picked[0]?.score ?? 0;
    const shown = new Set(picked.map((choice) => choice.index));
    const order = [...picked, ...candidates.filter((choice) => !shown.has(choice.index))];
    const listed = order.slice(0, picked.length + CONTRAST_DEPTH);
    const list = cold
      ? undefined
      : contrastList(
          served.trained.recommender,
          history,
          Int32Array.from(listed, (choice) => choice.index),
          listed.map((choice) => choice.score),
        );
    const items = picked.map((choice, r) => {
      const reasons: Reason[] = cold
        ? [
            {
              kind: 'trending',
              weight: choice.score,
              evidence: this.categoryEvidence(served, choice.index),
            },
          ]
        : reasonsInList(list!, r, context, 3);
      if (choice.promoted)
        reasons.push({ kind: 'diversity', weight: 0, evidence: this.categoryEvidence(served, choice.index) });
      if (fair.moved.has(choice.index))
        reasons.push({ kind: 'fairness-boost', weight: 0, evidence: { reranker: policy.reranker } });
      const calibration = cold ? served.trained.popularityCalibration : served.trained.calibration;
      return this.item(served, choice, reasons, lang, choice.score, top, calibration);
    });
    return {
      items: this.withPinned(served, rules, options, excluded, items, lang),
      model: { name: served.trained.info.model, version: served.version },
      scenario,
      ...(cold ? { coldStart: true } : {}),
    };
  }

  private rankNeighbours(
    served: ServedModel,
    itemId: string,
    neighbours: { indices: Int32Array; scores: Float32Array },
    kind: 'similar-item' | 'bought-together',
    options: RecommendOptions,
  ): RecommendationResult {
    const scenario = options.scenario ?? 'item';
    const rules = this.scenario(scenario);
    const size = served.trained.itemIds.length;
    const scores = this.scratch.scoresOf(size).fill(Number.NEGATIVE_INFINITY);
    for (let n = 0; n < neighbours.indices.length; n++)
      if (neighbours.scores[n]! > 0) scores[neighbours.indices[n]!] = neighbours.scores[n]!;
    const excluded = new Set([served.itemIndex.get(itemId)!]);
    const picked = select(
      scores,
      this.selection(served, rules, options, excluded),
      this.scratch.maskOf(size),
    );
    const lang = options.lang ?? 'zh';
    const title = this.catalogue.items.get(itemId)?.title;
    const evidence = { itemId, ...(title !== undefined ? { title } : {}) };
    const top = picked[0]?.score ?? 0;
    // Bought-together lists have no held-out estimate of their own: their confidence is null.
    const calibration = kind === 'similar-item' ? served.trained.similarCalibration : undefined;
    const items = picked.map((choice) =>
      this.item(
        served,
        choice,
        [{ kind, weight: choice.score, evidence }],
        lang,
        choice.score,
        top,
        calibration,
      ),
    );
    return { items, model: { name: served.trained.info.model, version: served.version }, scenario };
  }

  private selection(
    served: ServedModel,
    rules: ScenarioConfig,
    options: RecommendOptions,
    excluded: Set<number>,
  ) {
    for (const itemId of rules.blocked) {
      const index = served.itemIndex.get(itemId);
      if (index !== undefined) excluded.add(index);
    }
    const filter = mergeFilters({ inStockOnly: rules.inStockOnly }, options.filter);
    const accept = compileFilter(filter, this.catalogue.items);
    const k = options.k ?? rules.k;
    return {
      excluded,
      accept: (index: number) => accept(served.trained.itemIds[index]!),
      k,
      diversity: options.diversity ?? rules.diversity,
      groupOf: (index: number) => this.catalogue.categoryOf(served.trained.itemIds[index]!),
    };
  }

  /** Pinned items of the scenario first (when they pass the filters and are not already there). */
  private withPinned(
    served: ServedModel,
    rules: ScenarioConfig,
    options: RecommendOptions,
    excluded: Set<number>,
    items: RecommendedItem[],
    lang: Language,
  ): RecommendedItem[] {
    if (rules.pinned.length === 0) return items;
    const filter = compileFilter(
      mergeFilters({ inStockOnly: rules.inStockOnly }, options.filter),
      this.catalogue.items,
    );
    const top = items[0]?.score ?? 1;
    const pinned: RecommendedItem[] = [];
    for (const itemId of rules.pinned) {
      const index = served.itemIndex.get(itemId);
      if (index === undefined || excluded.has(index) || !filter(itemId)) continue;
      const title = this.catalogue.items.get(itemId)?.title;
      const reasons: Reason[] = [
        { kind: 'pinned', weight: top, evidence: { itemId, scenario: options.scenario ?? 'home' } },
      ];
      pinned.push({
        itemId,
        ...(title !== undefined ? { title } : {}),
        score: top,
        confidence: null,
        reasons,
        text: reasonText(reasons, lang),
      });
    }
    const rest = items.filter((item) => !pinned.some((pin) => pin.itemId === item.itemId));
    return [...pinned, ...rest].slice(0, Math.max(items.length, pinned.length));
  }

  private item(
    served: ServedModel,
    choice: Selected,
    reasons: Reason[],
    lang: Language,
    score: number,
    topScore: number,
    calibration: Calibration | undefined,
  ): RecommendedItem {
    const itemId = served.trained.itemIds[choice.index]!;
    const title = this.catalogue.items.get(itemId)?.title;
    const confidence =
      calibration && topScore > 0
        ? Number(calibrated(calibration, Math.max(0, score / topScore)).toFixed(4))
        : null;
    return {
      itemId,
      ...(title !== undefined ? { title } : {}),
      score: Number(score.toPrecision(6)),
      confidence,
      reasons,
      text: reasonText(reasons, lang),
    };
  }

  private reasonContext(served: ServedModel, activity: UserActivity): ReasonContext {
    return {
      itemIds: served.trained.itemIds,
      titleOf: (itemId) => this.catalogue.items.get(itemId)?.title,
      actionOf: (itemId) => activity.strongest.get(itemId),
      categoryOf: (itemId) => this.catalogue.categoryOf(itemId),
    };
  }

  private categoryEvidence(served: ServedModel, index: number): { category?: string } {
    const category = this.catalogue.categoryOf(served.trained.itemIds[index]!);
    return category ? { category } : {};
  }

  private scenario(name: string): ScenarioConfig {
    const scenarios = this.config.serving.scenarios;
    return scenarios[name] ?? scenarios['home'] ?? DEFAULT_SCENARIOS[name] ?? DEFAULT_SCENARIOS['home']!;
  }

  private model(): ServedModel {
    const served = this.models.current;
    if (!served)
      throw new AisleError(
        'STORE_UNAVAILABLE',
        'No trained model yet: import events and run aisle train (or wait for the first training to finish)',
      );
    return served;
  }

  private indexOf(served: ServedModel, itemId: string): number {
    const index = served.itemIndex.get(itemId);
    if (index === undefined)
      throw new AisleError(
        'NOT_FOUND',
        `Item ${itemId} is not known to the served model (version ${served.version})`,
        { itemId },
      );
    return index;
  }
}

/** Built-in scenarios: the home feed, the item page, the cart, and popular lists. */
const DEFAULT_SCENARIOS: Record<string, ScenarioConfig> = {
  home: scenarioSchema.parse({}),
  item: scenarioSchema.parse({ excludePurchased: false }),
  cart: scenarioSchema.parse({}),
  popular: scenarioSchema.parse({ excludePurchased: false }),
};
