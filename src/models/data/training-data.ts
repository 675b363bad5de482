import type { Item } from '../../core/entities.js';
import { type Csr, csrFromTriplets } from '../../matrix/csr.js';
import type { ItemFeatures, TrainingData, UserHistory } from '../model.js';
import type { InteractionLog } from './interaction-log.js';

/**
 * Aggregates a log into the training data of every model: per (user, item) the summed event weight
 * and the latest time; baskets of carted or bought items; item features from the catalogue.
 */
export function buildTrainingData(log: InteractionLog, features: ItemFeatures): TrainingData {
  const users = log.userIds.length;
  const items = log.itemIds.length;
  const interactions = csrFromTriplets(users, items, log.user, log.item, log.weight, 'sum');
  const lastSeen = latestTimes(log, interactions);
  let basketEvents = 0;
  for (let n = 0; n < log.basket.length; n++) if (log.basket[n]! >= 0) basketEvents++;
  const basketRow = new Int32Array(basketEvents);
  const basketItem = new Int32Array(basketEvents);
  for (let n = 0, at = 0; n < log.basket.length; n++) {
    if (log.basket[n]! < 0) continue;
    basketRow[at] = log.basket[n]!;
    basketItem[at++] = log.item[n]!;
  }
  const baskets = csrFromTriplets(
    log.basketCount,
    items,
    basketRow,
    basketItem,
    new Float32Array(basketEvents).fill(1),
    'max',
  );
  let now = 0;
  for (let n = 0; n < log.timestamp.length; n++) if (log.timestamp[n]! > now) now = log.timestamp[n]!;
  return { users: log.userIds, items: log.itemIds, interactions, lastSeen, baskets, features, now };
}

function latestTimes(log: InteractionLog, interactions: Csr): Float64Array {
  const lastSeen = new Float64Array(interactions.indices.length);
  for (let n = 0; n < log.user.length; n++) {
    const row = log.user[n]!;
    const at = findColumn(interactions, row, log.item[n]!);
    if (log.timestamp[n]! > lastSeen[at]!) lastSeen[at] = log.timestamp[n]!;
  }
  return lastSeen;
}

/** Position of (row, column) in a CSR matrix (binary search within the row), or -1. */
export function findColumn(matrix: Csr, row: number, column: number): number {
  let low = matrix.indptr[row]!;
  let high = matrix.indptr[row + 1]! - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const value = matrix.indices[middle]!;
    if (value === column) return middle;
    if (value < column) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Row `row` of a users × items matrix as a history (views into the matrix, no copy). */
export function historyOf(matrix: Csr, row: number): UserHistory {
  const start = matrix.indptr[row]!;
  const end = matrix.indptr[row + 1]!;
  return { items: matrix.indices.subarray(start, end), weights: matrix.data.subarray(start, end) };
}

/** A history from item indices and weights in any order (sorted and merged by item). */
export function historyFromPairs(items: readonly number[], weights: readonly number[]): UserHistory {
  const merged = new Map<number, number>();
  items.forEach((item, at) => merged.set(item, (merged.get(item) ?? 0) + (weights[at] ?? 1)));
  const sorted = [...merged.keys()].sort((a, b) => a - b);
  return { items: Int32Array.from(sorted), weights: Float32Array.from(sorted, (item) => merged.get(item)!) };
}

/** Item features from catalogue records, aligned with `itemIds` (items not in the catalogue stay blank). */
export function itemFeaturesFrom(
  itemIds: readonly string[],
  catalogue: ReadonlyMap<string, Item>,
): ItemFeatures {
  const count = itemIds.length;
  const categoryIndex = new Map<string, number>();
  const brandIndex = new Map<string, number>();
  const features: ItemFeatures = {
    category: new Int32Array(count).fill(-1),
    categories: [],
    brand: new Int32Array(count).fill(-1),
    brands: [],
    price: new Float32Array(count).fill(Number.NaN),
    createdAt: new Float64Array(count).fill(Number.NaN),
    text: new Array<string>(count).fill(''),
    available: new Uint8Array(count).fill(1),
  };
  for (let n = 0; n < count; n++) {
    const item = catalogue.get(itemIds[n]!);
    if (!item) continue;
    if (item.categoryPath.length > 0)
      features.category[n] = intern(categoryIndex, features.categories, item.categoryPath.join(' > '));
    if (item.brand !== undefined) features.brand[n] = intern(brandIndex, features.brands, item.brand);
    if (item.price !== undefined) features.price[n] = item.price;
    if (item.createdAt !== undefined) features.createdAt[n] = item.createdAt;
    features.available[n] = item.available ? 1 : 0;
    features.text[n] = [
      item.title,
      item.description ?? '',
      ...item.tags,
      ...Object.values(item.attributes).map(String),
    ].join(' ');
  }
  return features;
}

/** Features for items with no catalogue at all (e.g. synthetic benchmark data). */
export function emptyItemFeatures(count: number): ItemFeatures {
  return itemFeaturesFrom(new Array<string>(count).fill(''), new Map());
}

function intern(index: Map<string, number>, list: string[], value: string): number {
  let at = index.get(value);
  if (at === undefined) {
    at = list.length;
    index.set(value, at);
    list.push(value);
  }
  return at;
}
