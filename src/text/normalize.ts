import * as OpenCC from 'opencc-js';

/** Han ideographs (CJK unified, extension A and compatibility blocks). */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const HAN_GLOBAL = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g;
/** Control characters, zero-width marks, the BOM and the replacement character: never part of a word. */
const INVISIBLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\ufffd]/g;

let toSimplified: ((text: string) => string) | undefined;

/**
 * Traditional → simplified Chinese with OpenCC's Taiwan-phrases table (`twp`), which also maps
 * regional vocabulary (軟體 → 软件, 滑鼠 → 鼠标), the most common mismatch between shoppers in
 * Taiwan or Hong Kong and a simplified catalogue. Built on first use (about 50 ms).
 */
export function traditionalToSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  const convert = (toSimplified ??= OpenCC.Converter({ from: 'twp', to: 'cn' }));
  return convert(text);
}

/** True when the text holds at least one Han character. */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** True for a Han character (one UTF-16 unit; the extension planes are rare in product text). */
export function isHanCode(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

/** The Han characters of a text, in order (repeats kept). */
export function hanCharacters(text: string): string[] {
  return text.match(HAN_GLOBAL) ?? [];
}

/**
 * Normalises text before tokenisation, the same way for items and queries: Unicode NFKC (full-width
 * letters, digits and punctuation become half-width; ligatures and compatibility forms unfold),
 * invisible characters removed, traditional Chinese converted to simplified, whitespace collapsed.
 * Case is kept: the Chinese segmenter's dictionary knows mixed words such as "T恤" by their case;
 * tokens are lower-cased afterwards.
 *
 * @example
 * normalizeText('ＡＰＰＬＥ\u3000蘋果充電線'); // 'APPLE 苹果充电线'
 */
export function normalizeText(text: string): string {
  const folded = text.normalize('NFKC').replace(INVISIBLE, ' ');
  return traditionalToSimplified(folded).replace(/\s+/g, ' ').trim();
}

/**
 * Lower-cases a Latin word and folds accents (é → e, ß → ss, ø → o), so "Crème Brûlée" and
 * "creme brulee" meet.
 */
export function foldLatin(word: string): string {
  const lower = word.toLowerCase();
  // ASCII words (almost all of them) need no decomposition.
  if (/^[\x00-\x7f]*$/.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[øœæłđ]/g, (letter) => ({ ø: 'o', œ: 'oe', æ: 'ae', ł: 'l', đ: 'd' })[letter] ?? letter);
}
