import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.js';
import { tokenizeLatin } from './latin-tokenizer.js';
import { foldLatin, normalizeText, traditionalToSimplified } from './normalize.js';
import { pinyinKeys, pinyinSpellings, quickPinyinKeys } from './pinyin.js';
import { lightStem } from './stem.js';

const analyzer = createAnalyzer();

describe('normalisation', () => {
  it('folds full-width forms to half-width, drops invisible characters and collapses spaces', () => {
    expect(normalizeText('ＡＰＰＬＥ\u3000蘋果充電線')).toBe('APPLE 苹果充电线');
    expect(normalizeText('  iPhone\u200b１５  ')).toBe('iPhone 15');
  });

  it('converts traditional Chinese to simplified, with Taiwanese vocabulary', () => {
    expect(traditionalToSimplified('紅色純棉連衣裙')).toBe('红色纯棉连衣裙');
    // OpenCC's twp table maps regional words, not only characters.
    expect(traditionalToSimplified('滑鼠 軟體')).toBe('鼠标 软件');
    expect(traditionalToSimplified('plain latin')).toBe('plain latin');
  });

  it('lower-cases and folds accents of Latin words', () => {
    expect(foldLatin('Crème')).toBe('creme');
    expect(foldLatin('Straße')).toBe('strasse');
    expect(foldLatin('Ørsted')).toBe('orsted');
  });
});

describe('Latin tokeniser and stemmer', () => {
  it('splits hyphenated words and model numbers into parts', () => {
    expect(tokenizeLatin("Crème T-Shirt iPhone15 women's 2.5mm")).toEqual([
      { word: 'creme', parts: [] },
      { word: 'tshirt', parts: ['t', 'shirt'] },
      { word: 'iphone15', parts: ['iphone', '15'] },
      { word: 'women', parts: [] },
      { word: '2.5mm', parts: ['2.5', 'mm'] },
    ]);
  });

  it('stems plurals lightly', () => {
    expect(['shirts', 'cables', 'batteries', 'dresses', 'boxes', 'shoes', 'glasses'].map(lightStem)).toEqual([
      'shirt',
      'cable',
      'battery',
      'dress',
      'box',
      'shoe',
      'glass',
    ]);
  });
});

describe('analyzer', () => {
  it('segments Chinese with jieba and keeps whole words for queries', () => {
    expect(analyzer.indexTerms('红色纯棉T恤')).toEqual(['红色', '纯棉', 't恤']);
    const query = analyzer.analyze('中华人民共和国', 'query');
    expect(query).toHaveLength(1);
    expect(query[0]?.term).toBe('中华人民共和国');
    // Search mode cuts the long word into every dictionary word inside it.
    expect(query[0]?.parts).toEqual(expect.arrayContaining(['中华', '人民', '共和国']));
    expect(analyzer.indexTerms('中华人民共和国')).toEqual(expect.arrayContaining(['中华', '人民', '共和国']));
  });

  it('handles mixed-language titles', () => {
    expect(analyzer.indexTerms('Apple 苹果 iPhone15 充电线 20W')).toEqual([
      'apple',
      '苹果',
      'iphone15',
      'iphone',
      '15',
      '充电',
      '线',
      '20w',
      '20',
    ]);
  });

  it('analyses traditional and simplified text to the same terms', () => {
    expect(analyzer.indexTerms('紅色純棉T恤')).toEqual(analyzer.indexTerms('红色纯棉T恤'));
    expect(analyzer.indexTerms('蘋果充電線')).toEqual(analyzer.indexTerms('苹果充电线'));
  });

  it('drops stop words and stems English', () => {
    expect(analyzer.indexTerms('the red cotton t-shirts')).toEqual(['red', 'cotton', 'tshirt', 't', 'shirt']);
    const custom = createAnalyzer({ stopWords: ['cotton'] });
    expect(custom.indexTerms('red cotton')).toEqual(['red']);
  });

  it('keeps operator custom words whole', () => {
    const custom = createAnalyzer({ customWords: ['纯棉红t恤'] });
    expect(custom.analyze('纯棉红t恤', 'query').map((word) => word.term)).toEqual(['纯棉红t恤']);
  });
});

describe('pinyin', () => {
  it('gives full pinyin and initials, ü as v', () => {
    expect(pinyinKeys('红色')).toEqual({ full: 'hongse', initials: 'hs', syllables: ['hong', 'se'] });
    expect(pinyinKeys('T恤')).toMatchObject({ full: 'txu', initials: 'tx' });
    expect(pinyinKeys('绿色')).toMatchObject({ full: 'lvse', initials: 'ls' });
    expect(pinyinSpellings('lvse')).toEqual(['lvse', 'luse']);
    expect(pinyinKeys('iphone')).toBeUndefined();
  });

  it('reads polyphones by context for words', () => {
    expect(pinyinKeys('银行')?.full).toBe('yinhang');
    expect(pinyinKeys('行李')?.full).toBe('xingli');
  });

  it('keys long texts character by character', () => {
    expect(quickPinyinKeys('红色T恤')).toEqual({
      full: 'hongsetxu',
      initials: 'hstx',
      syllables: ['hong', 'se', 't', 'xu'],
    });
  });
});
