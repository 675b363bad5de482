import { pinyin } from 'pinyin-pro';
import { hasHan, isHanCode } from './normalize.js';

/** How a Chinese word is typed in pinyin, without tones. */
export interface PinyinKeys {
  /** Whole syllables run together: 红色 → "hongse", t恤 → "txu"; ü is written v (绿色 → "lvse"). */
  full: string;
  /** First letter of each syllable: 红色 → "hs". */
  initials: string;
  /** The syllables, for segmenting a typed pinyin string: ["hong", "se"]. */
  syllables: string[];
}

/**
 * The pinyin of a word containing Han characters (pinyin-pro, context-aware for polyphones:
 * 银行 → "yinhang", 行李 → "xingli"); undefined for words without Han characters. Latin letters and
 * digits inside the word are kept as typed.
 *
 * @example
 * pinyinKeys('红色'); // { full: 'hongse', initials: 'hs', syllables: ['hong', 'se'] }
 */
export function pinyinKeys(word: string): PinyinKeys | undefined {
  if (!hasHan(word)) return undefined;
  const pieces = pinyin(word, { toneType: 'none', type: 'array', v: true });
  const syllables: string[] = [];
  let latin = '';
  // pinyin-pro returns one entry per character; runs of non-Han characters are joined back together.
  let index = 0;
  for (const char of word) {
    const piece = pieces[index++] ?? char;
    if (isHanCode(char.charCodeAt(0))) {
      if (latin) syllables.push(latin);
      latin = '';
      syllables.push(piece.toLowerCase());
    } else if (/[\p{L}\p{N}]/u.test(char)) latin += char.toLowerCase();
  }
  if (latin) syllables.push(latin);
  if (syllables.length === 0) return undefined;
  return {
    full: syllables.join(''),
    initials: syllables.map((syllable) => syllable[0]).join(''),
    syllables,
  };
}

/** The spellings a shopper may type for one pinyin key: ü typed as v (the IME way) or as u. */
export function pinyinSpellings(full: string): string[] {
  return full.includes('v') ? [full, full.replace(/v/g, 'u')] : [full];
}

const characterReadings = new Map<string, string>();

/**
 * Pinyin of a long text character by character, each Han character read by its most common
 * pronunciation (cached), so keying 100,000 queries takes milliseconds instead of seconds. Polyphones
 * are not resolved by context: use `pinyinKeys` for words.
 *
 * @example
 * quickPinyinKeys('红色T恤'); // { full: 'hongsetxu', initials: 'hstx', syllables: ['hong', 'se', 't', 'xu'] }
 */
export function quickPinyinKeys(text: string): PinyinKeys | undefined {
  const syllables: string[] = [];
  let latin = '';
  let han = false;
  for (const char of text) {
    if (isHanCode(char.charCodeAt(0))) {
      han = true;
      if (latin) syllables.push(latin);
      latin = '';
      let reading = characterReadings.get(char);
      if (reading === undefined) {
        reading = pinyin(char, { toneType: 'none', v: true }).toLowerCase();
        characterReadings.set(char, reading);
      }
      syllables.push(reading);
    } else if (/[\p{L}\p{N}]/u.test(char)) latin += char.toLowerCase();
    else if (latin) {
      syllables.push(latin);
      latin = '';
    }
  }
  if (latin) syllables.push(latin);
  if (!han) return undefined;
  return { full: syllables.join(''), initials: syllables.map((syllable) => syllable[0]).join(''), syllables };
}
