import type { AisleConfig } from '../../core/config.js';
import type { Item, ProtectedAttributes } from '../../core/entities.js';
import type { Store } from '../../store/store.js';
import { type InteractionLog, InteractionLogBuilder } from './interaction-log.js';
import { itemFeaturesFrom } from './training-data.js';
import type { ItemFeatures } from '../model.js';

/** Everything training and evaluation read from a store. Protected attributes are kept apart. */
export interface StoreSnapshot {
  log: InteractionLog;
  features: ItemFeatures;
  /** For audits only; never passed to a model. */
  protectedAttributes: ProtectedAttributes[];
  catalogue: Map<string, Item>;
}

/**
 * Reads the events (weighted by the configured event weights times the quality gate's weight), the catalogue and the protected
 * attributes of a store. Every catalogue item gets an index, so items without events can still be
 * recommended by content; events of items missing from the catalogue are kept (behaviour-only data).
 */
export async function snapshotFromStore(
  store: Store,
  config: Pick<AisleConfig, 'events'>,
): Promise<StoreSnapshot> {
  const catalogue = new Map<string, Item>();
  for await (const page of store.scanItems()) for (const item of page) catalogue.set(item.id, item);
  const builder = new InteractionLogBuilder({
    weights: config.events.weights,
    ratingMax: config.events.ratingMax,
    itemIds: [...catalogue.keys()],
  });
  // The quality gate's view: excluded and quarantined events left out, down-weighted ones lighter.
  for await (const page of store.scanTrainingEvents()) builder.add(page);
  const log = builder.finish();
  const protectedAttributes: ProtectedAttributes[] = [];
  for await (const page of store.scanProtected()) protectedAttributes.push(...page);
  return { log, features: itemFeaturesFrom(log.itemIds, catalogue), protectedAttributes, catalogue };
}
