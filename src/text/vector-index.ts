import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import usearch from 'usearch';
import { AisleError } from '../core/errors.js';
import { TimeSlices } from '../core/yield.js';
import { ensureCapacity } from './growable.js';
import { type TopK, topK } from './top-k.js';

const { Index, MetricKind, ScalarKind } = usearch;
type HnswIndex = InstanceType<typeof Index>;

export interface VectorIndexOptions {
  dimensions: number;
  /** Below this many vectors, search scans them all (exact); from it on, a usearch HNSW graph. */
  exactBelow: number;
}

/**
 * Nearest-neighbour search over unit vectors keyed by document number (inner product = cosine).
 * The vectors live in one `Float32Array` (the exact scan reads it directly; it is also what the store
 * caches); from `exactBelow` vectors on, a usearch HNSW graph (connectivity 16) answers instead,
 * kept up to date as vectors are written and removed. A filtered search asks the graph for more
 * neighbours and, if too few pass the filter, falls back to an exact scan of the documents that do.
 */
export class VectorIndex {
  readonly dimensions: number;
  private readonly exactBelow: number;
  private vectors = new Float32Array(0);
  private present = new Uint8Array(0);
  private count = 0;
  private slots = 0;
  /** Counts the writes, so a copy made in slices knows when one came meanwhile. */
  private writes = 0;
  private hnsw: HnswIndex | undefined;

  constructor(options: VectorIndexOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
      throw new AisleError(
        'INVALID_ARGUMENT',
        `Vector dimensions must be a positive integer, not ${options.dimensions}`,
      );
    }
    this.dimensions = options.dimensions;
    this.exactBelow = options.exactBelow;
  }

  get size(): number {
    return this.count;
  }

  /** `exact` or `hnsw`: how searches run now. */
  get mode(): 'exact' | 'hnsw' {
    return this.hnsw ? 'hnsw' : 'exact';
  }

  has(key: number): boolean {
    return key >= 0 && key < this.slots && this.present[key] === 1;
  }

  /** The stored vector of a key (a view; do not keep it across writes). */
  vector(key: number): Float32Array | undefined {
    if (!this.has(key)) return undefined;
    return this.vectors.subarray(key * this.dimensions, (key + 1) * this.dimensions);
  }

  /**
   * Makes room for keys below `slots` ahead of the writes that need it, copying the vectors into
   * the larger array 8 MB at a time with `slices` pauses between: grown in `upsert`, 100,000
   * vectors of 128 dimensions are one copy of 50 MB, which holds a serving thread for 0.1 s and
   * more. Searches go on over the old array until the new one is complete; a write meanwhile makes
   * the copy start again, whole.
   */
  async reserveInSlices(slots: number, slices: TimeSlices = new TimeSlices()): Promise<void> {
    const length = slots * this.dimensions;
    if (this.vectors.length >= length) return;
    const grown = new Float32Array(Math.max(length, this.vectors.length * 2));
    const writes = this.writes;
    const step = 2 << 20;
    for (let at = 0; at < this.vectors.length; at += step) {
      grown.set(this.vectors.subarray(at, at + step), at);
      await slices.pause();
    }
    if (this.writes !== writes) {
      // A write meanwhile changed what was copied, or grew the array itself.
      if (this.vectors.length >= length) return;
      grown.set(this.vectors);
    }
    this.vectors = grown;
    this.present = ensureCapacity(this.present, slots, Uint8Array);
  }

  /** Writes vectors: `keys[i]` gets row i of `rows` (row-major, `keys.length × dimensions`). */
  upsert(keys: ArrayLike<number>, rows: Float32Array): void {
    const d = this.dimensions;
    if (rows.length !== keys.length * d) {
      throw new AisleError('INVALID_ARGUMENT', `Expected ${keys.length}×${d} values, got ${rows.length}`);
    }
    let highest = -1;
    for (let i = 0; i < keys.length; i++) highest = Math.max(highest, keys[i]!);
    this.ensure(highest + 1);
    this.writes++;
    const replaced: bigint[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (this.present[key] === 1) replaced.push(BigInt(key));
      else this.count++;
      this.present[key] = 1;
      this.vectors.set(rows.subarray(i * d, (i + 1) * d), key * d);
    }
    if (this.hnsw) {
      if (replaced.length > 0) this.hnsw.remove(BigUint64Array.from(replaced));
      this.hnsw.add(BigUint64Array.from(Array.from(keys, (key) => BigInt(key))), rows, 2);
    } else if (this.count >= this.exactBelow) this.buildGraph();
  }

  remove(key: number): void {
    if (!this.has(key)) return;
    this.writes++;
    this.present[key] = 0;
    this.vectors.fill(0, key * this.dimensions, (key + 1) * this.dimensions);
    this.count--;
    this.hnsw?.remove(BigInt(key));
  }

  /**
   * The `k` keys most similar to `query` (a unit vector), best first, with cosine similarities;
   * `accept` filters keys.
   */
  search(query: Float32Array, k: number, accept?: (key: number) => boolean): TopK {
    if (this.count === 0 || k <= 0) return { ids: new Int32Array(0), scores: new Float32Array(0) };
    if (this.hnsw) {
      const wanted = accept ? Math.min(this.count, k * 4) : Math.min(this.count, k);
      const matches = this.hnsw.search(query, wanted, 1);
      const ids = new Int32Array(matches.keys.length);
      const scores = new Float32Array(matches.keys.length);
      let found = 0;
      for (let i = 0; i < matches.keys.length && found < k; i++) {
        const key = Number(matches.keys[i]!);
        if (accept && !accept(key)) continue;
        ids[found] = key;
        // usearch's inner-product distance is 1 − dot.
        scores[found++] = 1 - matches.distances[i]!;
      }
      if (!accept || found >= k || wanted >= this.count) {
        return { ids: ids.slice(0, found), scores: scores.slice(0, found) };
      }
    }
    return this.exactSearch(query, k, accept);
  }

  /** Scans every vector: exact, O(n·d). */
  exactSearch(query: Float32Array, k: number, accept?: (key: number) => boolean): TopK {
    const d = this.dimensions;
    const ids = new Int32Array(this.count);
    const scores = new Float32Array(this.count);
    let n = 0;
    const vectors = this.vectors;
    for (let key = 0; key < this.slots; key++) {
      if (this.present[key] !== 1 || (accept && !accept(key))) continue;
      const base = key * d;
      let dot = 0;
      for (let i = 0; i < d; i++) dot += query[i]! * vectors[base + i]!;
      ids[n] = key;
      scores[n++] = dot;
    }
    return topK(ids, scores, n, k);
  }

  /** The stored vectors and presence flags (the embedding cache), and the HNSW graph if built. */
  encode(): { vectors: Float32Array; present: Uint8Array; graph: Uint8Array | undefined } {
    let graph: Uint8Array | undefined;
    if (this.hnsw) {
      const dir = mkdtempSync(join(tmpdir(), 'aisle-hnsw-'));
      try {
        const path = join(dir, 'index.usearch');
        this.hnsw.save(path);
        graph = new Uint8Array(readFileSync(path));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return {
      vectors: this.vectors.slice(0, this.slots * this.dimensions),
      present: this.present.slice(0, this.slots),
      graph,
    };
  }

  /** Restores an index from `encode`'s parts; a missing or unreadable graph is rebuilt from the vectors. */
  static decode(
    options: VectorIndexOptions,
    vectors: Float32Array,
    present: Uint8Array,
    graph: Uint8Array | undefined,
  ): VectorIndex {
    const index = new VectorIndex(options);
    index.ensure(present.length);
    index.vectors.set(vectors);
    index.present.set(present);
    for (let key = 0; key < present.length; key++) if (present[key] === 1) index.count++;
    if (index.count >= index.exactBelow) {
      if (graph && graph.length > 0) {
        const dir = mkdtempSync(join(tmpdir(), 'aisle-hnsw-'));
        try {
          const path = join(dir, 'index.usearch');
          writeFileSync(path, graph);
          index.hnsw = index.createGraph();
          index.hnsw.load(path);
          if (index.hnsw.size() !== index.count) index.buildGraph();
        } catch {
          index.buildGraph();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      } else index.buildGraph();
    }
    return index;
  }

  private createGraph(): HnswIndex {
    return new Index({
      dimensions: this.dimensions,
      metric: MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: 16,
      expansion_add: 64,
      expansion_search: 128,
      multi: false,
    });
  }

  private buildGraph(): void {
    const graph = this.createGraph();
    const keys: bigint[] = [];
    const rows = new Float32Array(this.count * this.dimensions);
    let n = 0;
    for (let key = 0; key < this.slots; key++) {
      if (this.present[key] !== 1) continue;
      keys.push(BigInt(key));
      rows.set(
        this.vectors.subarray(key * this.dimensions, (key + 1) * this.dimensions),
        n * this.dimensions,
      );
      n++;
    }
    if (keys.length > 0) graph.add(BigUint64Array.from(keys), rows, 2);
    this.hnsw = graph;
  }

  private ensure(slots: number): void {
    if (slots > this.slots) this.slots = slots;
    this.vectors = ensureCapacity(this.vectors, slots * this.dimensions, Float32Array);
    this.present = ensureCapacity(this.present, slots, Uint8Array);
  }
}
