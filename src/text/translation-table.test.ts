import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.js';
import { loadCedict } from './cedict.js';
import { TranslationTable } from './translation-table.js';
import { turnsDuring } from '../../test/support/event-loop-turns.js';

/** zh ↔ en expansion from CC-CEDICT over a small catalogue vocabulary. */
const analyzer = createAnalyzer();
const vocabulary = [
  '充电',
  '线',
  'charging',
  'cable',
  't恤',
  'tshirt',
  '充电器',
  'charger',
  'battery',
  '连衣裙',
  'dress',
  '红色',
  'red',
];
const ids = new Map(vocabulary.map((term, id) => [term, id]));
const table = TranslationTable.build(
  loadCedict(),
  analyzer,
  (term) => ids.get(term) ?? -1,
  () => 1,
);
const terms = (translations: readonly { termIds: number[]; weight: number }[]) =>
  translations.map(
    (translation) => `${translation.termIds.map((id) => vocabulary[id]).join('+')}@${translation.weight}`,
  );

describe('CC-CEDICT expansion', () => {
  it('reads the dictionary with short, clean glosses', () => {
    const entries = loadCedict();
    expect(entries.length).toBeGreaterThan(80_000);
    expect(entries.find((entry) => entry.simplified === 'T恤')?.glosses).toEqual(['T-shirt']);
    expect(entries.find((entry) => entry.simplified === '充电器')?.glosses).toEqual(['battery charger']);
  });

  it('maps T恤 ↔ t-shirt both ways', () => {
    expect(terms(table.fromChinese('t恤'))).toEqual(['tshirt@1']);
    expect(terms(table.fromEnglish('tshirt'))).toEqual(['t恤@1']);
  });

  it('maps 充电线 ↔ charging cable, the Chinese side as the segmenter cuts it', () => {
    expect(terms(table.fromChinese('充电线'))).toContain('charging+cable@1');
    expect(terms(table.fromEnglish('charging cable'))).toEqual(['充电+线@1']);
  });

  it('lets the head of a longer gloss stand for it, weighted lower', () => {
    expect(terms(table.fromChinese('连衣裙'))).toEqual(['dress@0.6']);
    expect(terms(table.fromEnglish('charger'))).toContain('充电器@0.6');
    expect(terms(table.fromEnglish('battery charger'))).toEqual(['充电器@1']);
    expect(terms(table.fromChinese('充电器'))).toEqual(['battery+charger@1', 'charger@0.6']);
  });

  it('has nothing for words the catalogue lacks', () => {
    expect(table.fromChinese('电饭煲')).toEqual([]);
    expect(table.fromEnglish('kettle')).toEqual([]);
  });

  it('builds the same table in slices, giving the event loop turns meanwhile', async () => {
    // The df ranks translations: a varied one, so the order of equal weights is exercised too.
    const frequency = (id: number) => (id * 7) % 5;
    const { result: sliced, turns } = await turnsDuring(() =>
      TranslationTable.buildInSlices(loadCedict(), analyzer, (term) => ids.get(term) ?? -1, frequency),
    );
    const whole = TranslationTable.build(loadCedict(), analyzer, (term) => ids.get(term) ?? -1, frequency);
    expect(sliced.toJSON()).toEqual(whole.toJSON());
    expect(sliced.size.zhToEn).toBeGreaterThan(0);
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
