import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/** Segments Chinese text into words (jieba, search mode). */
export interface ChineseSegmenter {
  /**
   * Search-mode cuts: the best segmentation plus the dictionary words inside long words
   * (中华人民共和国 → 中华, 华人, 人民, 共和, 共和国, 中华人民共和国), so a query for a part finds the whole.
   * Latin runs come back whole ("iPhone15"); spaces and punctuation come back as their own pieces.
   */
  cutForSearch(text: string): string[];
  /** The single best segmentation (no overlapping pieces). */
  cut(text: string): string[];
}

const segmenters = new Map<string, ChineseSegmenter>();

/**
 * The jieba segmenter with its default dictionary, plus lower-cased forms of its mixed-case words
 * (titles are often lower-cased — "t恤" must segment like "T恤"), plus the shop's own words (brands,
 * product names) at a high frequency so they are never split. Instances are shared per word list:
 * loading the dictionary takes about 300 ms.
 *
 * @example
 * getChineseSegmenter().cutForSearch('优衣库男士红色纯棉t恤'); // ['优衣库', '男士', '红色', '纯棉', 't恤']
 */
export function getChineseSegmenter(customWords: readonly string[] = []): ChineseSegmenter {
  const key = customWords.join('\n');
  let segmenter = segmenters.get(key);
  if (!segmenter) {
    const jieba = Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(userDictionary(customWords), 'utf8'));
    segmenter = {
      cutForSearch: (text) => jieba.cutForSearch(text, true),
      cut: (text) => jieba.cut(text, true),
    };
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

function userDictionary(customWords: readonly string[]): string {
  const lines: string[] = [];
  const text = Buffer.from(dict).toString('utf8');
  for (const line of text.split('\n')) {
    if (!/[A-Z]/.test(line)) continue;
    const [word, frequency, tag] = line.trim().split(' ');
    if (word && frequency && /[^\x00-\x7f]/.test(word))
      lines.push(`${word.toLowerCase()} ${frequency} ${tag ?? 'n'}`);
  }
  for (const word of customWords) {
    const trimmed = word.trim();
    // A frequency well above common words keeps the shop's terms whole.
    if (trimmed.length > 0 && !/\s/.test(trimmed)) lines.push(`${trimmed} 100000 nz`);
  }
  return lines.join('\n');
}
