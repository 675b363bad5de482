/**
 * The typos a word of this many letters may carry, as Meilisearch allows them: none under 5
 * letters, one from 5 to 8, two from 9.
 */
export function allowedTypos(length: number, oneTypoFrom = 5, twoTyposFrom = 9): number {
  if (length >= twoTyposFrom) return 2;
  if (length >= oneTypoFrom) return 1;
  return 0;
}

/** Reusable rows for `boundedDamerau` (three rows of the dynamic programme). */
export interface DamerauScratch {
  previous2: Int32Array;
  previous: Int32Array;
  current: Int32Array;
}

export function createDamerauScratch(maxLength = 64): DamerauScratch {
  return {
    previous2: new Int32Array(maxLength + 1),
    previous: new Int32Array(maxLength + 1),
    current: new Int32Array(maxLength + 1),
  };
}

/**
 * Damerau–Levenshtein distance in its optimal-string-alignment form (insertions, deletions,
 * substitutions and transpositions of adjacent letters, each costing 1), computed only up to `bound`:
 * returns `bound + 1` as soon as every cell of a row exceeds it. Strings longer than the scratch rows
 * count as too far.
 *
 * @example
 * boundedDamerau('iphne', 'iphone', 2); // 1
 * boundedDamerau('charegr', 'charger', 2); // 1 (one transposition)
 */
export function boundedDamerau(
  a: string,
  b: string,
  bound: number,
  scratch: DamerauScratch = createDamerauScratch(Math.max(a.length, b.length)),
): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > bound) return bound + 1;
  if (m + 1 > scratch.current.length) return bound + 1;
  let previous2 = scratch.previous2;
  let previous = scratch.previous;
  let current = scratch.current;
  for (let j = 0; j <= m; j++) previous[j] = j;
  for (let i = 1; i <= n; i++) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let value = previous[j - 1]! + cost;
      const deletion = previous[j]! + 1;
      if (deletion < value) value = deletion;
      const insertion = current[j - 1]! + 1;
      if (insertion < value) value = insertion;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        const transposition = previous2[j - 2]! + 1;
        if (transposition < value) value = transposition;
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > bound) return bound + 1;
    const recycled = previous2;
    previous2 = previous;
    previous = current;
    current = recycled;
  }
  const distance = previous[m]!;
  return distance > bound ? bound + 1 : distance;
}
