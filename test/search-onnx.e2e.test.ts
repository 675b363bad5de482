import { afterAll, describe, expect, it } from 'vitest';
import { parseSearchConfig } from '../src/search/search-config.js';
import { SearchEngine } from '../src/search/search-engine.js';
import { parseSearchRequest } from '../src/search/search-request.js';
import { openStore } from '../src/store/open-store.js';
import { createOnnxEncoder, resolveModelDir } from '../src/text/encoder/onnx-encoder.js';
import { exportToOnnx } from '../src/text/encoder/onnx-export.js';
import { trainEncoder } from '../src/text/encoder/train-encoder.js';
import { encoderTrainingInput } from './support/encoder-corpus.js';
import { searchCatalogue } from './support/search-catalogue.js';
import { tempDir } from './support/temp.js';

/**
 * The `onnx` encoder path for real: a model the project builds (the trained encoder exported as a
 * Hugging Face model directory with onnx/model.onnx), loaded through @huggingface/transformers on
 * onnxruntime-node, then serving semantic search. No pretrained weights are needed.
 */
const temp = tempDir('aisle-onnx-');
afterAll(() => temp.cleanup());

function dot(a: Float32Array, b: Float32Array, row: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) sum += a[row * d + i]! * b[row * d + i]!;
  return sum;
}

describe('onnx encoder on the project-built model', () => {
  it('exports the trained encoder, loads it through onnxruntime and reproduces its vectors', async () => {
    const { encoder } = await trainEncoder(encoderTrainingInput(200), {
      dimensions: 32,
      epochs: 3,
      threads: 1,
    });
    const modelDir = `${temp.dir}/aisle-trained`;
    const exported = exportToOnnx(encoder, modelDir);
    expect(exported.dimensions).toBe(32);
    expect(resolveModelDir('unused', { AISLE_MODEL_DIR: modelDir })).toBe(modelDir);

    const onnx = await createOnnxEncoder({ modelDir, threads: 1 });
    try {
      expect(onnx.kind).toBe('onnx');
      expect(onnx.dimensions).toBe(32);
      // Whole vocabulary words: WordPiece and the analyzer cut them the same way.
      const texts = ['cotton tshirt sleeve', 'kettle stainless cooker', 'iphone usb cable charger'];
      const viaOnnx = await onnx.encode(texts, 'query');
      const direct = await encoder.encode(texts, 'query');
      for (let row = 0; row < texts.length; row++) {
        expect(dot(viaOnnx, viaOnnx, row, 32)).toBeCloseTo(1, 4);
        expect(dot(viaOnnx, direct, row, 32), texts[row]).toBeGreaterThan(0.95);
      }
    } finally {
      await onnx.close();
    }
  });

  it('serves hybrid search with semantic.encoder = onnx', async () => {
    const { encoder } = await trainEncoder(
      {
        ...encoderTrainingInput(200),
        itemTexts: [...encoderTrainingInput(200).itemTexts, ...searchCatalogue.map((item) => item.title)],
      },
      { dimensions: 32, epochs: 3, threads: 1 },
    );
    const modelDir = `${temp.dir}/aisle-search`;
    exportToOnnx(encoder, modelDir);
    const store = await openStore('sqlite::memory:');
    await store.upsertItems(searchCatalogue);
    const engine = await SearchEngine.open(store, {
      config: parseSearchConfig({ semantic: { encoder: 'onnx', model: modelDir }, refreshSeconds: 0 }),
    });
    try {
      const report = await engine.build();
      expect(report.semantic).toMatch(/^onnx/);
      expect(engine.status()).toMatchObject({ vectors: { count: searchCatalogue.length } });
      const semantic = await engine.search(parseSearchRequest({ q: 'kettle stainless', mode: 'semantic' }));
      expect(semantic.semantic).toMatch(/^onnx/);
      expect(semantic.hits.length).toBeGreaterThan(0);
      expect(semantic.hits[0]?.reasons.map((reason) => reason.evidence.match)).toContain('semantic');
      const hybrid = await engine.search(parseSearchRequest({ q: '纯棉T恤' }));
      expect(['tee-red', 'tee-white']).toContain(hybrid.hits[0]?.itemId);
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('fails with CONFIG_INVALID when semantic.encoder = onnx finds no model', async () => {
    const store = await openStore('sqlite::memory:');
    await store.upsertItems(searchCatalogue.slice(0, 2));
    const engine = await SearchEngine.open(store, {
      config: parseSearchConfig({ semantic: { encoder: 'onnx', model: `${temp.dir}/missing` } }),
    });
    await expect(engine.build()).rejects.toThrow(/no model was found/);
    await store.close();
  });
});
