import { AisleError } from '../core/errors.js';
import type { FairnessPolicy, ItemGroupingName } from '../core/fairness-config.js';
import type { TrainedModel } from '../models/trained-model.js';
import {
  type ItemGrouping,
  itemShares,
  labelGrouping,
  newItemGrouping,
  popularityGrouping,
  topLevelCategory,
} from '../rank/fairness/item-groups.js';
import { usesSharedRelevanceScale } from '../rank/fairness/amortized-exposure.js';
import { rerank } from '../rank/fairness/rerank.js';
import type { ServingCatalogue } from './catalogue.js';
import type { ExposureControllers } from './exposure-controllers.js';
import type { ServedModel } from './model-holder.js';
import type { Selected } from './ranking.js';

/** Item groupings per served model, built once per model version (they scan the catalogue). */
const groupingsOf = new WeakMap<TrainedModel, Map<ItemGroupingName, ItemGrouping>>();

function grouping(served: ServedModel, catalogue: ServingCatalogue, name: ItemGroupingName): ItemGrouping {
  let cache = groupingsOf.get(served.trained);
  if (!cache) groupingsOf.set(served.trained, (cache = new Map()));
  let built = cache.get(name);
  if (!built) {
    const ids = served.trained.itemIds;
    built =
      name === 'popularity'
        ? popularityGrouping(served.trained.popularity)
        : name === 'new'
          ? newItemGrouping(Float64Array.from(ids, (id) => catalogue.items.get(id)?.createdAt ?? Number.NaN))
          : labelGrouping(
              name,
              ids.map((id) =>
                name === 'seller'
                  ? (catalogue.items.get(id)?.sellerId ?? '')
                  : topLevelCategory(catalogue.categoryOf(id)),
              ),
            );
    cache.set(name, built);
  }
  return built;
}

/** Models trained before the threshold was recorded: the old fixed default. */
const LEGACY_ACTIVE_MIN_INTERACTIONS = 50;

/** The history size from which a user counts as advantaged under `user-group`. */
export function advantagedThreshold(policy: FairnessPolicy, served: ServedModel): number {
  return policy.activeMinInteractions === 'auto'
    ? (served.trained.info.activeHistorySize ?? LEGACY_ACTIVE_MIN_INTERACTIONS)
    : policy.activeMinInteractions;
}

/**
 * Applies a scenario's fairness policy to one request's candidates (best first): builds the facts
 * the re-ranker reads from the served model and catalogue, re-ranks, and keeps the first k. Returns
 * the item indices the re-ranker moved, which get a `fairness-boost` reason. `amortized-exposure`
 * reads and updates its policy's controller in `controllers`.
 */
export function fairnessRerank(
  candidates: readonly Selected[],
  k: number,
  policy: FairnessPolicy,
  served: ServedModel,
  catalogue: ServingCatalogue,
  history: ReadonlyMap<string, number>,
  controllers: ExposureControllers,
): { picked: Selected[]; moved: Set<number> } {
  if (policy.reranker === 'none' || candidates.length === 0)
    return { picked: candidates.slice(0, k), moved: new Set() };
  const groups = grouping(served, catalogue, policy.itemGrouping);
  const categories = grouping(served, catalogue, 'category');
  const protectedLabel = groups.labels.indexOf(policy.protectedGroup);
  // A protected group that is not one of the grouping's would make fair-star silently do nothing.
  if (policy.reranker === 'fair-star' && protectedLabel < 0)
    throw new AisleError(
      'INVALID_ARGUMENT',
      `fair-star protects "${policy.protectedGroup}", which is not a ${groups.name} group; groups: ${groups.labels.slice(0, 20).join(', ')}${groups.labels.length > 20 ? ' …' : ''}`,
      { protectedGroup: policy.protectedGroup, itemGrouping: groups.name },
    );
  const historyMix = new Float64Array(categories.labels.length);
  let total = 0;
  for (const [itemId, weight] of history) {
    const index = served.itemIndex.get(itemId);
    const category = index === undefined ? -1 : categories.groupOf[index]!;
    if (category < 0) continue;
    historyMix[category]! += weight;
    total += weight;
  }
  if (total > 0) for (let c = 0; c < historyMix.length; c++) historyMix[c]! /= total;
  const amortized =
    policy.reranker === 'amortized-exposure'
      ? controllers.controllerFor(served, groups, policy.strength)
      : undefined;
  const scores = Float64Array.from(candidates, (candidate) => candidate.score);
  const { order, moved } = rerank(
    policy.reranker,
    {
      scores,
      group: Int32Array.from(candidates, (candidate) => groups.groupOf[candidate.index]!),
      protectedFlag: Uint8Array.from(candidates, (candidate) =>
        groups.groupOf[candidate.index] === protectedLabel ? 1 : 0,
      ),
      category: Int32Array.from(candidates, (candidate) => categories.groupOf[candidate.index]!),
      popularity: Float64Array.from(candidates, (candidate) => served.trained.popularity[candidate.index]!),
    },
    {
      k,
      strength: policy.strength,
      alpha: policy.alpha,
      advantaged: history.size >= advantagedThreshold(policy, served),
      lift: policy.lift,
      liftBy: policy.liftBy,
      historyMix,
      ...(policy.exposureTarget === 'items' ? { exposureTarget: itemShares(groups) } : {}),
      ...(amortized
        ? {
            groupOffsets: amortized.offsets,
            groupRelevanceScale: usesSharedRelevanceScale(
              policy.relevanceScale,
              served.trained.recommender.scoresNormalisedPerUser === true,
            )
              ? amortized.relevanceScale
              : 0,
          }
        : {}),
    },
  );
  const picked = Array.from(order.subarray(0, Math.min(k, order.length)), (at) => candidates[at]!);
  if (amortized)
    controllers.observe(
      amortized,
      Int32Array.from(picked, (candidate) => groups.groupOf[candidate.index]!),
      Int32Array.from(candidates.slice(0, k), (candidate) => groups.groupOf[candidate.index]!),
      scores,
    );
  return { picked, moved: new Set(picked.filter((_, at) => moved[order[at]!] === 1).map((c) => c.index)) };
}
