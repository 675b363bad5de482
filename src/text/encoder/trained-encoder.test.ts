import { describe, expect, it } from 'vitest';
import { encoderFamilies, encoderTrainingInput } from '../../../test/support/encoder-corpus.js';
import { pinyinKeys } from '../pinyin.js';
import { lightStem } from '../stem.js';
import { TrainedEncoder } from './trained-encoder.js';
import { trainEncoder } from './train-encoder.js';

const familyOf = new Map<string, string>();
for (const [family, words] of Object.entries(encoderFamilies)) {
  for (const word of words) {
    familyOf.set(word, family);
    familyOf.set(lightStem(word), family);
    const keys = pinyinKeys(word);
    if (keys) familyOf.set(keys.full, family);
  }
}

function cosine(vectors: Float32Array, dimensions: number, a: number, b: number): number {
  let dot = 0;
  for (let i = 0; i < dimensions; i++) dot += vectors[a * dimensions + i]! * vectors[b * dimensions + i]!;
  return dot;
}

describe('trained encoder (skip-gram with negative sampling)', () => {
  it('trains on two worker threads: the loss falls and known words land near their family', async () => {
    const progress: number[] = [];
    const { encoder, report } = await trainEncoder(encoderTrainingInput(), {
      dimensions: 32,
      epochs: 6,
      threads: 2,
      seed: 3,
      onProgress: (step) => progress.push(step.done),
    });
    expect(report.threads).toBe(2);
    expect(report.lossPerEpoch).toHaveLength(6);
    expect(report.lossPerEpoch.at(-1)!).toBeLessThan(report.lossPerEpoch[0]! * 0.9);
    expect(progress.at(-1)).toBeCloseTo(1, 5);

    // The vocabulary also holds stems, jieba pieces and pinyin copies (sneaker, 跑步, paobu): those
    // of no family are ignored; no neighbour may come from another family.
    for (const word of ['跑步鞋', 'charger', '纯棉', 'kettle', '充电线', 'tshirt']) {
      const nearest = encoder.nearestWords(word, 5).map((neighbour) => neighbour.word);
      const families = nearest.map((neighbour) => familyOf.get(neighbour)).filter(Boolean);
      expect(families.length, `${word} → ${nearest.join(', ')}`).toBeGreaterThanOrEqual(1);
      expect(new Set(families), `${word} → ${nearest.join(', ')}`).toEqual(new Set([familyOf.get(word)]));
    }

    // Titles: a shoe query is nearer a shoe title than a kitchen title, across languages too.
    const texts = ['nike running sneakers', '耐克 跑步鞋 气垫', '不锈钢 电饭煲', 'iphone usb cable'];
    const vectors = await encoder.encode(texts, 'document');
    const d = encoder.dimensions;
    expect(cosine(vectors, d, 0, 1)).toBeGreaterThan(cosine(vectors, d, 0, 2));
    expect(cosine(vectors, d, 0, 1)).toBeGreaterThan(cosine(vectors, d, 0, 3));
    for (let row = 0; row < texts.length; row++) expect(cosine(vectors, d, row, row)).toBeCloseTo(1, 4);
  });

  it('is reproducible from a seed and survives a save and load', async () => {
    const options = { dimensions: 16, epochs: 2, threads: 1, seed: 11 };
    const first = await trainEncoder(encoderTrainingInput(120), options);
    const second = await trainEncoder(encoderTrainingInput(120), options);
    const text = ['纯棉 t恤 cotton'];
    const a = await first.encoder.encode(text, 'query');
    expect(await second.encoder.encode(text, 'query')).toEqual(a);
    const restored = TrainedEncoder.decodeModel(first.encoder.encodeModel());
    expect(await restored.encode(text, 'query')).toEqual(a);
    // An unknown text encodes as zeros, not noise.
    expect([...(await restored.encode([''], 'query'))].every((value) => value === 0)).toBe(true);
  });

  it('continues training from a previous model (incremental)', async () => {
    const base = await trainEncoder(encoderTrainingInput(120), { dimensions: 16, epochs: 2, threads: 1 });
    const fresh = encoderTrainingInput(120, 99);
    const more = { ...fresh, itemTexts: [...fresh.itemTexts, '保温杯 水壶 不锈钢', '保温杯 kettle 厨房'] };
    const next = await trainEncoder(more, { dimensions: 16, epochs: 1, threads: 1, previous: base.encoder });
    expect(next.report.warmStart).toBe(true);
    expect(next.encoder.nearestWords('保温杯', 50).length).toBeGreaterThan(0);
  });
});
