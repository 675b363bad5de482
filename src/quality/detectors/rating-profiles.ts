import { type EventTable, rowsByUser, typeCode } from '../event-table.js';

/**
 * Per-user rating-profile features used to tell shilling profiles from real ones. The first three are
 * the generic attributes of Chirita, Nejdl & Zamfir (2005) and Burke et al. (2006); the popularity
 * features follow the observation that attack filler is drawn without regard to popularity
 * (Li et al. 2016, "item popularity" detection).
 *
 * With r̄ᵢ the item's mean rating and nᵢ its number of ratings:
 * - RDMA  = (1/|Iᵤ|) Σᵢ |rᵤᵢ − r̄ᵢ| / nᵢ   — rating deviation from mean agreement;
 * - WDA   = Σᵢ |rᵤᵢ − r̄ᵢ| / nᵢ             — weighted deviation from mean agreement;
 * - WDMA  = (1/|Iᵤ|) Σᵢ |rᵤᵢ − r̄ᵢ| / nᵢ²  — weighted degree of mean agreement;
 * - meanDeviation = mean |rᵤᵢ − r̄ᵢ,₋ᵤ| over items others rated too (leave-one-out mean, so the
 *   profile's own rating does not pull the mean towards itself);
 * - popularity = mean ln(1 + nᵢ) of the rated items;
 * - tailShare = share of the profile on long-tail items (nᵢ at or below the median item's count);
 * - extremeShare = share of ratings at the ends of the scale.
 */
export interface RatingProfiles {
  /** Users (indices into the table's users) with at least one rating. */
  readonly users: Int32Array;
  readonly ratings: Int32Array;
  readonly rdma: Float64Array;
  readonly wda: Float64Array;
  readonly wdma: Float64Array;
  readonly meanDeviation: Float64Array;
  readonly popularity: Float64Array;
  readonly tailShare: Float64Array;
  readonly extremeShare: Float64Array;
  /** Per item index: ratings, and their mean (NaN when none). */
  readonly itemRatings: Int32Array;
  readonly itemMean: Float64Array;
  readonly scale: { min: number; max: number };
  /** The count at or below which an item is in the long tail. */
  readonly tailCount: number;
}

/** Computes the profile features of every user with ratings in the table (one pass per user). */
export function ratingProfiles(table: EventTable): RatingProfiles | undefined {
  const rating = typeCode(table, 'rating');
  if (rating < 0) return undefined;
  const itemCount = table.items.length;
  const itemRatings = new Int32Array(itemCount);
  const itemSum = new Float64Array(itemCount);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < table.length; row++) {
    if (table.type[row] !== rating) continue;
    const item = table.item[row]!;
    const value = table.value[row]!;
    if (item < 0 || Number.isNaN(value)) continue;
    itemRatings[item]!++;
    itemSum[item]! += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const itemMean = new Float64Array(itemCount);
  const counts: number[] = [];
  for (let item = 0; item < itemCount; item++) {
    itemMean[item] = itemRatings[item]! > 0 ? itemSum[item]! / itemRatings[item]! : Number.NaN;
    if (itemRatings[item]! > 0) counts.push(itemRatings[item]!);
  }
  counts.sort((a, b) => a - b);
  const tailCount = counts[(counts.length - 1) >> 1] ?? 0;

  const grouping = rowsByUser(table);
  const userList: number[] = [];
  const features: number[][] = [[], [], [], [], [], [], [], []];
  for (let user = 0; user < table.users.length; user++) {
    let n = 0;
    let deviation = 0;
    let weighted = 0;
    let weightedSquare = 0;
    let looDeviation = 0;
    let looCount = 0;
    let popularity = 0;
    let tail = 0;
    let extreme = 0;
    for (let at = grouping.offsets[user]!; at < grouping.offsets[user + 1]!; at++) {
      const row = grouping.rows[at]!;
      if (table.type[row] !== rating) continue;
      const item = table.item[row]!;
      const value = table.value[row]!;
      if (item < 0 || Number.isNaN(value)) continue;
      const count = itemRatings[item]!;
      const gap = Math.abs(value - itemMean[item]!);
      n++;
      deviation += gap;
      weighted += gap / count;
      weightedSquare += gap / (count * count);
      if (count > 1) {
        looDeviation += Math.abs(value - (itemSum[item]! - value) / (count - 1));
        looCount++;
      }
      popularity += Math.log1p(count);
      if (count <= tailCount) tail++;
      if (value === min || value === max) extreme++;
    }
    if (n === 0) continue;
    userList.push(user);
    features[0]!.push(n);
    features[1]!.push(weighted / n);
    features[2]!.push(weighted);
    features[3]!.push(weightedSquare / n);
    features[4]!.push(looCount > 0 ? looDeviation / looCount : deviation / n);
    features[5]!.push(popularity / n);
    features[6]!.push(tail / n);
    features[7]!.push(extreme / n);
  }
  return {
    users: Int32Array.from(userList),
    ratings: Int32Array.from(features[0]!),
    rdma: Float64Array.from(features[1]!),
    wda: Float64Array.from(features[2]!),
    wdma: Float64Array.from(features[3]!),
    meanDeviation: Float64Array.from(features[4]!),
    popularity: Float64Array.from(features[5]!),
    tailShare: Float64Array.from(features[6]!),
    extremeShare: Float64Array.from(features[7]!),
    itemRatings,
    itemMean,
    scale: { min, max },
    tailCount,
  };
}
