import { z } from 'zod';
import type { TrainedModel } from '../models/trained-model.js';
import { giniOf } from '../eval/metrics/gini.js';
import { ExposureController, exposureFloors } from '../rank/fairness/amortized-exposure.js';
import { ExposureMonitor, RECENT_LISTS } from '../rank/fairness/exposure-monitor.js';
import { type ItemGrouping, itemShares } from '../rank/fairness/item-groups.js';
import type { ServedModel } from './model-holder.js';

/** The store key under which a serving process keeps its controllers across restarts. */
export const EXPOSURE_STATE_KEY = 'fairness.amortized-exposure';

const controllerStateSchema = z
  .object({
    /** `<item grouping>|<strength to 0.01>`, as the controllers are keyed. */
    policy: z.string().min(1),
    /** The served model version whose lists the controller learned from last. */
    modelVersion: z.number().int().min(0),
    labels: z.array(z.string()),
    offsets: z.array(z.number().finite().min(0)),
    relevanceSpanSum: z.number().finite().min(0),
    relevanceSpans: z.number().int().min(0),
    /** Lists the policy's controllers have learned from, over every model version and restart. */
    listsObserved: z.number().int().min(0),
  })
  .strict()
  .refine((state) => state.labels.length === state.offsets.length, {
    message: 'labels and offsets differ in length',
  });

export const exposureStateSchema = z
  .object({
    format: z.literal(1),
    savedAt: z.number().int().min(0),
    controllers: z.array(controllerStateSchema),
  })
  .strict();

export type ExposureState = z.output<typeof exposureStateSchema>;

/** What one policy's latest controller carries to the next model version or the next process. */
interface Latest {
  labels: readonly string[];
  modelVersion: number;
  controller: ExposureController;
  /** Lists its predecessors (earlier versions, earlier processes) had observed. */
  listsBefore: number;
  /** Set for a controller serving in this process; absent for one taken up from a saved state. */
  live?: { grouping: string; strength: number; itemShares: Float64Array };
}

/** One group of a policy's live exposure: its floor and offset, and its recent exposure shares. */
export interface LiveExposureGroup {
  group: string;
  /** The group's share of the items (the audit's `items` target). */
  itemShare: number;
  /** The controller's floor: strength × itemShare. */
  floor: number;
  offset: number;
  /** Share of the position-discounted exposure in the lists the model alone would have served. */
  modelShare: number;
  /** The same in the lists served, after re-ranking. */
  servedShare: number;
}

/** A policy's controller in this process, with the exposure it is holding over recent traffic. */
export interface LiveExposure {
  policy: string;
  itemGrouping: string;
  strength: number;
  modelVersion: number;
  /** Lists this controller has served (this process, this model version). */
  lists: number;
  /** Lists the policy learned from over every model version and restart. */
  listsTotal: number;
  /** Score units per unit of relevance (0 before the first list). */
  relevanceScale: number;
  /** The shares are weighted over about this many recent lists. */
  recentLists: number;
  /**
   * Gini of the groups' exposure per item (as the audit's), over the recent lists: what the model
   * alone would have given and what was served.
   */
  gini: { model: number; served: number };
  groups: LiveExposureGroup[];
}

/**
 * The `amortized-exposure` controllers of one serving process: per served model, one per item
 * grouping and strength, each learning from the lists served under that policy.
 *
 * A new model version's controller starts from the offsets the policy's previous controller had
 * learned, so a retrain does not reopen the exposure gap for the few thousand requests a cold
 * controller needs to settle (docs/fairness.md). Matched by group label, because a new version's
 * groups can differ: popular items change, categories come and go. The same hand-over works across
 * a restart through {@link snapshot} and {@link restore}; for the same model version the relevance
 * scale carries over too (another model's scores can differ in scale, so it is relearned).
 */
export class ExposureControllers {
  private readonly byModel = new WeakMap<TrainedModel, Map<string, ExposureController>>();
  /** Per policy key; bounded by the groupings × 101 rounded strengths. */
  private readonly latest = new Map<string, Latest>();
  private readonly monitors = new WeakMap<ExposureController, ExposureMonitor>();

  controllerFor(served: ServedModel, groups: ItemGrouping, strength: number): ExposureController {
    let cache = this.byModel.get(served.trained);
    if (!cache) this.byModel.set(served.trained, (cache = new Map()));
    // Strengths to 0.01, so requests naming arbitrary strengths cannot grow the map without bound.
    const rounded = Math.round(strength * 100) / 100;
    const key = `${groups.name}|${rounded}`;
    let found = cache.get(key);
    if (found) return found;
    const shares = itemShares(groups);
    found = new ExposureController(exposureFloors(shares, rounded));
    const previous = this.latest.get(key);
    if (previous) {
      const at = new Map(previous.labels.map((label, group) => [label, group]));
      found.warmStart(
        groups.labels.map((label) => {
          const group = at.get(label);
          return group === undefined ? 0 : previous.controller.offsets[group]!;
        }),
        previous.modelVersion === served.version ? previous.controller.scaleState : undefined,
      );
    }
    cache.set(key, found);
    this.monitors.set(found, new ExposureMonitor(groups.labels.length));
    this.latest.set(key, {
      labels: groups.labels,
      modelVersion: served.version,
      controller: found,
      listsBefore: previous ? previous.listsBefore + previous.controller.listsObserved : 0,
      live: { grouping: groups.name, strength: rounded, itemShares: shares },
    });
    return found;
  }

  /**
   * Records one served list with a controller from {@link controllerFor}: the controller learns
   * from it, and its monitor keeps the recent exposure of the list served (`shownGroups`) and of
   * the model's own top k (`modelGroups`), item groups best first. `candidateScores` set the scale.
   */
  observe(
    controller: ExposureController,
    shownGroups: ArrayLike<number>,
    modelGroups: ArrayLike<number>,
    candidateScores: Float32Array | Float64Array,
  ): void {
    controller.observe(shownGroups, candidateScores);
    this.monitors.get(controller)?.record(shownGroups, modelGroups);
  }

  /** Every policy serving in this process: its controller's state and recent exposure by group. */
  live(): LiveExposure[] {
    const policies: LiveExposure[] = [];
    for (const [policy, latest] of this.latest) {
      const monitor = this.monitors.get(latest.controller);
      if (!latest.live || !monitor) continue;
      const { grouping, strength, itemShares: items } = latest.live;
      const { served, model } = monitor.shares();
      // Exposure per item, up to a constant: the audit's Gini over groups with items.
      const perItem = (shares: Float64Array) =>
        Float64Array.from(
          latest.labels.flatMap((_, group) => (items[group]! > 0 ? [shares[group]! / items[group]!] : [])),
        );
      policies.push({
        policy,
        itemGrouping: grouping,
        strength,
        modelVersion: latest.modelVersion,
        lists: latest.controller.listsObserved,
        listsTotal: latest.listsBefore + latest.controller.listsObserved,
        relevanceScale: latest.controller.relevanceScale,
        recentLists: RECENT_LISTS,
        // Before any list the shares are all 0, and so is the Gini.
        gini: { model: giniOf(perItem(model)), served: giniOf(perItem(served)) },
        groups: latest.labels.map((label, group) => ({
          group: label,
          itemShare: items[group]!,
          floor: strength * items[group]!,
          offset: latest.controller.offsets[group]!,
          modelShare: model[group]!,
          servedShare: served[group]!,
        })),
      });
    }
    return policies;
  }

  /** Lists observed by the live controllers since they were created: grows with every list served. */
  get listsObserved(): number {
    let total = 0;
    for (const { controller } of this.latest.values()) total += controller.listsObserved;
    return total;
  }

  /** Every policy's latest controller as plain data, for the store. */
  snapshot(now = Date.now()): ExposureState {
    return {
      format: 1,
      savedAt: now,
      controllers: [...this.latest].map(([policy, latest]) => {
        const { spanSum, spans } = latest.controller.scaleState;
        return {
          policy,
          modelVersion: latest.modelVersion,
          labels: [...latest.labels],
          offsets: Array.from(latest.controller.offsets),
          relevanceSpanSum: spanSum,
          relevanceSpans: spans,
          listsObserved: latest.listsBefore + latest.controller.listsObserved,
        };
      }),
    };
  }

  /**
   * Takes up a {@link snapshot} saved by an earlier process: each policy's next controller starts
   * from it. A policy that already has a controller in this process keeps its own. Throws a
   * `ZodError` on a body that is not a snapshot (nothing is taken up then). Returns how many
   * policies were taken up.
   */
  restore(body: unknown): number {
    const state = exposureStateSchema.parse(body);
    let restored = 0;
    for (const saved of state.controllers) {
      if (this.latest.has(saved.policy)) continue;
      // Only a source of offsets and scale for the next controller: it never serves, so no floors.
      const controller = new ExposureController(new Float64Array(saved.labels.length));
      controller.warmStart(saved.offsets, {
        spanSum: saved.relevanceSpanSum,
        spans: saved.relevanceSpans,
      });
      this.latest.set(saved.policy, {
        labels: saved.labels,
        modelVersion: saved.modelVersion,
        controller,
        listsBefore: saved.listsObserved,
      });
      restored++;
    }
    return restored;
  }
}
