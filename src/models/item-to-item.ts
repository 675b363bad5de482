import type { Csr } from '../matrix/csr.js';
import { topK } from '../matrix/top-k.js';
import { artifactArray } from './artifact.js';
import type { Contribution, DenseContributions, ModelArtifact, Recommender, UserHistory } from './model.js';

/**
 * A recommender whose score is a weighted sum over the user's history of sparse item-to-item
 * weights: score(j) = Σ_{i ∈ history} w_i · W[i][j]. Item-kNN, RP3beta, the content model and
 * bought-together all learn a W; scoring and explanations are shared here, and each score
 * decomposes exactly into one contribution per history item.
 */
export class ItemToItemRecommender implements Recommender {
  readonly itemCount: number;

  constructor(
    readonly name: string,
    /** items × items, row i = the items i points to with their weights. */
    readonly weights: Csr,
    private readonly config: Record<string, unknown>,
    private readonly contributionKind: Contribution['kind'] = 'history',
    private readonly meta: Record<string, unknown> = {},
  ) {
    this.itemCount = weights.cols;
  }

  score(history: UserHistory, out: Float32Array): void {
    out.fill(0);
    const { indptr, indices, data } = this.weights;
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h]!;
      if (item >= this.weights.rows) continue;
      const w = history.weights[h]!;
      for (let p = indptr[item]!; p < indptr[item + 1]!; p++) out[indices[p]!]! += w * data[p]!;
    }
  }

  explain(history: UserHistory, item: number): Contribution[] {
    const contributions: Contribution[] = [];
    for (let h = 0; h < history.items.length; h++) {
      const source = history.items[h]!;
      const weight = history.weights[h]! * this.weightOf(source, item);
      if (weight !== 0) contributions.push({ kind: this.contributionKind, item: source, weight });
    }
    return contributions.sort((a, b) => b.weight - a.weight);
  }

  explainMany(history: UserHistory, items: Int32Array): DenseContributions {
    const length = history.items.length;
    const weights = new Float32Array(items.length * length);
    for (let h = 0; h < length; h++)
      for (let e = 0; e < items.length; e++)
        weights[e * length + h] = history.weights[h]! * this.weightOf(history.items[h]!, items[e]!);
    return { kind: this.contributionKind, weights };
  }

  similarItems(item: number, k: number): { indices: Int32Array; scores: Float32Array } {
    // The row holds the item's neighbours only: rank them, not a catalogue-sized vector.
    if (item >= this.weights.rows) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const start = this.weights.indptr[item]!;
    const end = this.weights.indptr[item + 1]!;
    const order: number[] = [];
    for (let p = start; p < end; p++) if (this.weights.indices[p] !== item) order.push(p);
    // Best first; ties by item index, as topK breaks them.
    order.sort(
      (a, b) =>
        this.weights.data[b]! - this.weights.data[a]! || this.weights.indices[a]! - this.weights.indices[b]!,
    );
    const top = order.slice(0, k);
    return {
      indices: Int32Array.from(top, (p) => this.weights.indices[p]!),
      scores: Float32Array.from(top, (p) => this.weights.data[p]!),
    };
  }

  /** W[i][j] (0 when absent), by binary search in row i. */
  weightOf(source: number, target: number): number {
    if (source >= this.weights.rows) return 0;
    let low = this.weights.indptr[source]!;
    let high = this.weights.indptr[source + 1]! - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const column = this.weights.indices[middle]!;
      if (column === target) return this.weights.data[middle]!;
      if (column < target) low = middle + 1;
      else high = middle - 1;
    }
    return 0;
  }

  toArtifact(): ModelArtifact {
    return {
      model: this.name,
      config: this.config,
      meta: { ...this.meta, rows: this.weights.rows, cols: this.weights.cols, kind: this.contributionKind },
      arrays: { indptr: this.weights.indptr, indices: this.weights.indices, data: this.weights.data },
    };
  }

  /** Rebuilds a model saved by `toArtifact`. */
  static fromArtifact(artifact: ModelArtifact): ItemToItemRecommender {
    const weights: Csr = {
      rows: Number(artifact.meta['rows']),
      cols: Number(artifact.meta['cols']),
      indptr: artifactArray(artifact, 'indptr', Int32Array),
      indices: artifactArray(artifact, 'indices', Int32Array),
      data: artifactArray(artifact, 'data', Float32Array),
    };
    const kind = (artifact.meta['kind'] ?? 'history') as Contribution['kind'];
    return new ItemToItemRecommender(artifact.model, weights, artifact.config, kind, artifact.meta);
  }
}

/**
 * Keeps the `k` largest entries of each row of a dense row (a scratch buffer), writing them into
 * growing output arrays. Used by the similarity builders after accumulating one item's row.
 */
export class TopNeighbours {
  private indptr: number[] = [0];
  private indices: number[] = [];
  private data: number[] = [];

  constructor(
    private readonly rows: number,
    private readonly cols: number,
  ) {}

  /** Adds the next row from `scores` (entries ≤ 0 or non-finite are dropped), keeping at most `k`. */
  addRow(scores: Float32Array, k: number, excluded?: Uint8Array): void {
    const best = topK(scores, k, excluded);
    // Store ascending by column so rows can be binary-searched.
    const order = Array.from(best.indices.keys()).filter((n) => best.scores[n]! > 0);
    order.sort((a, b) => best.indices[a]! - best.indices[b]!);
    for (const n of order) {
      this.indices.push(best.indices[n]!);
      this.data.push(best.scores[n]!);
    }
    this.indptr.push(this.indices.length);
  }

  finish(): Csr {
    if (this.indptr.length !== this.rows + 1)
      throw new Error(`TopNeighbours: ${this.indptr.length - 1} rows of ${this.rows}`);
    return {
      rows: this.rows,
      cols: this.cols,
      indptr: Int32Array.from(this.indptr),
      indices: Int32Array.from(this.indices),
      data: Float32Array.from(this.data),
    };
  }
}
