import type { Item } from '../core/entities.js';
import { arrayOf, packArrays, unpackArrays } from '../text/binary-codec.js';
import type { Encoder } from '../text/encoder/encoder.js';
import { TimeSlices } from '../core/yield.js';
import { ensureCapacity } from '../text/growable.js';
import type { TopK } from '../text/top-k.js';
import { VectorIndex } from '../text/vector-index.js';
import { itemEncoderText } from './item-text.js';

/** Progress of item encoding: items done of the total. */
export type EmbedProgress = (done: number, total: number) => void;

/**
 * Item embeddings and their nearest-neighbour index, tied to one encoder: each document's vector
 * is kept with the fingerprint of the item it was computed from, so a refresh re-encodes only
 * changed items, and a different encoder (another id) invalidates the whole cache.
 */
export class SemanticIndex {
  private embedded = new Uint32Array(0);

  private constructor(
    readonly encoder: Encoder,
    readonly vectors: VectorIndex,
  ) {}

  static create(encoder: Encoder, exactBelow: number): SemanticIndex {
    return new SemanticIndex(encoder, new VectorIndex({ dimensions: encoder.dimensions, exactBelow }));
  }

  get size(): number {
    return this.vectors.size;
  }

  /** True when the document's vector was computed from an item with this fingerprint. */
  isCurrent(doc: number, fingerprint: number): boolean {
    return this.vectors.has(doc) && this.embedded[doc] === fingerprint;
  }

  /** Encodes items in batches and stores their vectors under their document numbers. */
  async embed(
    docs: readonly number[],
    items: readonly Item[],
    fingerprints: readonly number[],
    batchSize: number,
    onProgress?: EmbedProgress,
  ): Promise<void> {
    const slices = new TimeSlices();
    let highest = -1;
    for (const doc of docs) highest = Math.max(highest, doc);
    // Grown here in slices, not in one copy at the first write beyond the old size.
    await this.vectors.reserveInSlices(highest + 1, slices);
    for (let start = 0; start < docs.length; start += batchSize) {
      // The trained encoder encodes synchronously: without a pause, a refresh after a large import
      // would hold a serving thread for the whole of it (1.3 s for 25,000 items).
      await slices.pause();
      const batchDocs = docs.slice(start, start + batchSize);
      const texts = items.slice(start, start + batchSize).map(itemEncoderText);
      const rows = await this.encoder.encode(texts, 'document');
      this.vectors.upsert(batchDocs, rows);
      for (let i = 0; i < batchDocs.length; i++) {
        const doc = batchDocs[i]!;
        this.embedded = ensureCapacity(this.embedded, doc + 1, Uint32Array);
        this.embedded[doc] = fingerprints[start + i]!;
      }
      onProgress?.(Math.min(start + batchSize, docs.length), docs.length);
    }
  }

  remove(doc: number): void {
    this.vectors.remove(doc);
  }

  /** The documents nearest in meaning to a query, with cosine similarities. */
  async search(query: string, k: number, accept?: (doc: number) => boolean): Promise<TopK> {
    const vector = await this.encoder.encode([query], 'query');
    return this.vectors.search(vector, k, accept);
  }

  encode(): Uint8Array {
    const { vectors, present, graph } = this.vectors.encode();
    return packArrays(
      { encoderId: this.encoder.id, dimensions: this.vectors.dimensions },
      {
        vectors,
        present,
        embedded: this.embedded.slice(0, present.length),
        graph: graph ?? new Uint8Array(0),
      },
    );
  }

  /** Restores the cache for `encoder`; undefined when it was computed by another encoder. */
  static decode(bytes: Uint8Array, encoder: Encoder, exactBelow: number): SemanticIndex | undefined {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as { encoderId: string; dimensions: number };
    if (meta.encoderId !== encoder.id || meta.dimensions !== encoder.dimensions) return undefined;
    const graph = arrayOf(arrays, 'graph', 'Uint8Array');
    const vectors = VectorIndex.decode(
      { dimensions: meta.dimensions, exactBelow },
      arrayOf(arrays, 'vectors', 'Float32Array'),
      arrayOf(arrays, 'present', 'Uint8Array'),
      graph.length > 0 ? graph : undefined,
    );
    const index = new SemanticIndex(encoder, vectors);
    index.embedded = new Uint32Array(arrayOf(arrays, 'embedded', 'Uint32Array'));
    return index;
  }
}
