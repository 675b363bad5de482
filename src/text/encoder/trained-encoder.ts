import { type Analyzer, createAnalyzer } from '../analyzer.js';
import { arrayOf, packArrays, unpackArrays } from '../binary-codec.js';
import { type EncodePurpose, type Encoder, normalizeRows } from './encoder.js';
import { subwordUnits, unitWeights } from './subword-units.js';

/** Everything a trained encoder is: vocabularies, counts and the two weight matrices. */
export interface TrainedEncoderData {
  dimensions: number;
  /** Words (analyzer terms) with their corpus counts. */
  words: string[];
  wordCounts: Float64Array;
  /** Subword units ("w:红色", "c:红", "g:<ch") and their vectors, row-major. */
  units: string[];
  input: Float32Array;
  /** Context vectors of `words`: not used to encode, kept so training can continue. */
  output: Float32Array;
  /** Identifies this training run (seed, corpus size, time): embeddings key on it. */
  version: string;
}

/** Smooth-inverse-frequency constant (Arora, Liang & Ma 2017): weight = a / (a + p(word)). */
const SIF_A = 1e-3;

/**
 * The `trained` encoder: a text's vector is the SIF-weighted mean of its words' vectors, each word's
 * vector the mean of its subword units (so unseen words, typos and new model numbers still get one),
 * L2-normalised. Encoding is a few microseconds per text and needs no native code.
 */
export class TrainedEncoder implements Encoder {
  readonly kind = 'trained' as const;
  readonly dimensions: number;
  readonly id: string;
  private readonly unitIds = new Map<string, number>();
  private readonly wordIds = new Map<string, number>();
  private readonly sifWeights: Float32Array;
  private readonly analyzer: Analyzer;

  constructor(
    readonly data: TrainedEncoderData,
    analyzer: Analyzer = createAnalyzer(),
  ) {
    this.dimensions = data.dimensions;
    this.id = `trained:${data.version}`;
    this.analyzer = analyzer;
    data.units.forEach((unit, id) => this.unitIds.set(unit, id));
    data.words.forEach((word, id) => this.wordIds.set(word, id));
    let total = 0;
    for (const count of data.wordCounts) total += count;
    this.sifWeights = new Float32Array(data.words.length);
    for (let id = 0; id < data.words.length; id++) {
      this.sifWeights[id] = SIF_A / (SIF_A + data.wordCounts[id]! / Math.max(total, 1));
    }
  }

  /** Words known to the model. */
  get vocabularySize(): number {
    return this.data.words.length;
  }

  /**
   * Adds a word's vector (the weighted mean of its known units, as in training) times `scale` into
   * `out`; false when no unit of the word is known.
   */
  addWordVector(word: string, out: Float32Array, scale = 1, offset = 0): boolean {
    const units = this.unitsOf(word);
    if (units.ids.length === 0) return false;
    const d = this.dimensions;
    const input = this.data.input;
    for (let u = 0; u < units.ids.length; u++) {
      const row = units.ids[u]! * d;
      const factor = scale * units.weights[u]!;
      for (let k = 0; k < d; k++) out[offset + k]! += factor * input[row + k]!;
    }
    return true;
  }

  private readonly unitCache = new Map<string, { ids: Int32Array; weights: Float32Array }>();

  /** The known units of a word and their weights (cached for words the model knows). */
  private unitsOf(word: string): { ids: Int32Array; weights: Float32Array } {
    const cached = this.unitCache.get(word);
    if (cached) return cached;
    const ids: number[] = [];
    let hasWordUnit = false;
    for (const unit of subwordUnits(word)) {
      const id = this.unitIds.get(unit);
      if (id === undefined) continue;
      if (unit.startsWith('w:')) hasWordUnit = true;
      ids.push(id);
    }
    const weights = new Float32Array(ids.length);
    unitWeights(hasWordUnit, ids.length, weights);
    const units = { ids: Int32Array.from(ids), weights };
    if (this.wordIds.has(word) && this.unitCache.size < 500_000) this.unitCache.set(word, units);
    return units;
  }

  /** The SIF weight of a word (1 for words the model never saw: rare words say the most). */
  wordWeight(word: string): number {
    const id = this.wordIds.get(word);
    return id === undefined ? 1 : this.sifWeights[id]!;
  }

  /** Encodes one text into `out` at `offset` (unnormalised sum; `encode` normalises). */
  encodeInto(text: string, out: Float32Array, offset = 0): void {
    for (const word of this.analyzer.analyze(text, 'query')) {
      this.addWordVector(word.term, out, this.wordWeight(word.term), offset);
    }
  }

  async encode(texts: readonly string[], _purpose: EncodePurpose): Promise<Float32Array> {
    return this.encodeSync(texts);
  }

  /** `encode` without the promise, for hot paths. */
  encodeSync(texts: readonly string[]): Float32Array {
    const d = this.dimensions;
    const out = new Float32Array(texts.length * d);
    texts.forEach((text, i) => this.encodeInto(text, out, i * d));
    return normalizeRows(out, d);
  }

  /** The known words nearest to a word by cosine similarity (for inspection and tests). */
  nearestWords(word: string, k: number): { word: string; similarity: number }[] {
    const d = this.dimensions;
    const query = new Float32Array(d);
    if (!this.addWordVector(word, query)) return [];
    normalizeRows(query, d);
    const scored: { word: string; similarity: number }[] = [];
    const vector = new Float32Array(d);
    for (const candidate of this.data.words) {
      if (candidate === word) continue;
      vector.fill(0);
      this.addWordVector(candidate, vector);
      normalizeRows(vector, d);
      let dot = 0;
      for (let i = 0; i < d; i++) dot += vector[i]! * query[i]!;
      scored.push({ word: candidate, similarity: dot });
    }
    return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }

  describe(): Record<string, unknown> {
    return {
      kind: this.kind,
      id: this.id,
      dimensions: this.dimensions,
      words: this.data.words.length,
      units: this.data.units.length,
    };
  }

  async close(): Promise<void> {}

  encodeModel(): Uint8Array {
    const { data } = this;
    return packArrays(
      { dimensions: data.dimensions, words: data.words, units: data.units, version: data.version },
      { wordCounts: data.wordCounts, input: data.input, output: data.output },
    );
  }

  static decodeModel(bytes: Uint8Array, analyzer?: Analyzer): TrainedEncoder {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as { dimensions: number; words: string[]; units: string[]; version: string };
    return new TrainedEncoder(
      {
        dimensions: meta.dimensions,
        words: meta.words,
        units: meta.units,
        version: meta.version,
        wordCounts: arrayOf(arrays, 'wordCounts', 'Float64Array'),
        input: arrayOf(arrays, 'input', 'Float32Array'),
        output: arrayOf(arrays, 'output', 'Float32Array'),
      },
      analyzer,
    );
  }
}
