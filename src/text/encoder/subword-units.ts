import { hasHan } from '../normalize.js';

/**
 * The subword units a word is embedded from, fastText style: the word itself ("w:") plus
 * - Chinese words: each character ("c:") and, in words of three characters or more, each pair of
 *   neighbouring characters ("b:"), so 纯棉 shares with 棉 and 全棉;
 * - Latin words: character 3- to 5-grams of "<word>" ("g:"), so "iphne" lands near "iphone" and
 *   "charging" near "charger".
 * A word's vector is the mean of its known units, which gives unseen words (typos, new model
 * numbers) a vector too.
 *
 * @example
 * subwordUnits('纯棉'); // ['w:纯棉', 'c:纯', 'c:棉']
 */
export function subwordUnits(word: string): string[] {
  const units = [`w:${word}`];
  if (hasHan(word)) {
    const chars = [...word];
    for (const char of chars) units.push(`c:${char}`);
    if (chars.length > 2)
      for (let i = 0; i + 1 < chars.length; i++) units.push(`b:${chars[i]}${chars[i + 1]}`);
    return units;
  }
  const padded = `<${word}>`;
  if (word.length < 3) return units;
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= padded.length; i++) {
      const gram = padded.slice(i, i + n);
      if (gram !== padded) units.push(`g:${gram}`);
    }
  }
  return units;
}

/** Share of a word's vector carried by its own unit when it also has subword units. */
export const WORD_UNIT_SHARE = 0.5;

/**
 * How much each known unit of a word counts in its vector: the word's own unit (listed first by
 * `subwordUnits`) carries half, its characters or n-grams share the other half — with plain means
 * (fastText), a Latin word's dozen n-grams drown the word ("dress" ≈ "redress"). Without the word's
 * own unit, the units share equally.
 */
export function unitWeights(hasWordUnit: boolean, count: number, out: Float32Array): void {
  if (count === 0) return;
  if (!hasWordUnit || count === 1) {
    out.fill(1 / count, 0, count);
    return;
  }
  out[0] = WORD_UNIT_SHARE;
  out.fill((1 - WORD_UNIT_SHARE) / (count - 1), 1, count);
}
