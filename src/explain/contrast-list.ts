import type { Contribution, Recommender, UserHistory } from '../models/model.js';

const KIND_CODE: Record<Contribution['kind'], number> = {
  history: 0,
  content: 1,
  'co-purchase': 2,
  popularity: 3,
  bias: 4,
};
const KIND_BY_CODE = Object.keys(KIND_CODE) as Contribution['kind'][];
/** Room for 2^25 items per kind in a numeric key (faster than string keys on the serving path). */
export const ITEM_SPAN = 2 ** 25;
export const BASELINE_CODE = KIND_CODE.bias * ITEM_SPAN;

/** The kind of a column code. */
export function kindOfCode(code: number): Contribution['kind'] {
  return KIND_BY_CODE[Math.floor(code / ITEM_SPAN)]!;
}

export function codeOf(kind: Contribution['kind'], item: number | undefined): number {
  return KIND_CODE[kind] * ITEM_SPAN + (item ?? -1) + 1;
}

/**
 * A ranked list's contributions as a dense table — one column per (kind, evidence item), one row per
 * result (the shown ones, then the candidates just below) — so each result's reasons can be weighed
 * against every other result in microseconds (contrastList builds it).
 */
export interface ContrastList {
  /** Column codes: codeOf(kind, item). */
  codes: readonly number[];
  /** Column-major codes × results: one evidence's weight in every result lies contiguous. */
  weights: Float64Array;
  /** Each result's score, in list order. */
  scores: Float64Array;
  /** The model a column's contributions came from, where known (inside a blend). */
  models?: readonly (string | undefined)[];
}

/**
 * The contributions behind a ranked list (shown results, then the candidates just below) as one
 * dense table for reasonsInList: from the model's explainMany where it has one (no object per
 * contribution), from explain otherwise. Each row also holds the item-independent rest of its score
 * (a blend's normalisation shift) as a baseline column, so a row still sums to the score.
 */
export function contrastList(
  recommender: Recommender,
  history: UserHistory,
  items: Int32Array,
  scores: ArrayLike<number>,
): ContrastList {
  const height = items.length;
  const dense = recommender.explainMany?.(history, items);
  if (dense) {
    const length = history.items.length;
    // One column per distinct history item (a history lists each item once, but be sure).
    const columnOf = new Map<number, number>();
    const codes: number[] = [];
    const positionColumn = Int32Array.from(history.items, (item) => {
      const code = codeOf(dense.kind, item);
      let column = columnOf.get(code);
      if (column === undefined) {
        column = codes.length;
        columnOf.set(code, column);
        codes.push(code);
      }
      return column;
    });
    const baseline = codes.length;
    codes.push(codeOf('bias', undefined));
    const weights = new Float64Array(codes.length * height);
    for (let e = 0; e < height; e++) {
      let sum = 0;
      for (let h = 0; h < length; h++) {
        const weight = dense.weights[e * length + h]!;
        weights[positionColumn[h]! * height + e]! += weight;
        sum += weight;
      }
      weights[baseline * height + e] = scores[e]! - sum;
    }
    return { codes, weights, scores: Float64Array.from({ length: height }, (_, e) => scores[e]!) };
  }
  return fromContributions(
    Array.from(items, (item) => recommender.explain(history, item)),
    scores,
  );
}

/** The table of several results' contribution lists (merged per kind and evidence item). */
export function fromContributions(
  explained: readonly (readonly Contribution[])[],
  scores: ArrayLike<number>,
): ContrastList {
  const height = explained.length;
  const columnOf = new Map<number, number>();
  const codes: number[] = [];
  const models: (string | undefined)[] = [];
  for (const contributions of explained)
    for (const contribution of contributions) {
      const code = codeOf(contribution.kind, contribution.item);
      if (!columnOf.has(code)) {
        columnOf.set(code, codes.length);
        codes.push(code);
        models.push(contribution.model);
      }
    }
  const weights = new Float64Array(codes.length * height);
  explained.forEach((contributions, row) => {
    for (const contribution of contributions)
      weights[columnOf.get(codeOf(contribution.kind, contribution.item))! * height + row]! +=
        contribution.weight;
  });
  return {
    codes,
    weights,
    scores: Float64Array.from({ length: height }, (_, e) => scores[e]!),
    models,
  };
}
