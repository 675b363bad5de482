import { z } from 'zod';
import { type Csr, columnCounts, transpose } from '../../matrix/csr.js';
import { WasmKernels } from '../../matrix/wasm-kernels.js';
import { ItemToItemRecommender, TopNeighbours } from '../item-to-item.js';
import type { ModelDefinition, TrainingData } from '../model.js';

/**
 * Item-kNN configuration. Defaults: cosine similarity, 100 neighbours, shrinkage 10, binary
 * interactions (for ranking, whether a user interacted matters more than how often).
 */
export const itemKnnConfigSchema = z
  .object({
    /** Neighbours kept per item. */
    neighbours: z.number().int().min(1).max(5000).default(100),
    /** Added to the similarity denominator: damps similarities resting on few co-occurrences. */
    shrink: z.number().min(0).default(10),
    /** 0.5 = cosine; other values give the asymmetric cosine ‖i‖^{2α}·‖j‖^{2(1−α)}. */
    alpha: z.number().min(0).max(1).default(0.5),
    /** How interactions are weighted before similarities: none, TF-IDF or BM25 over users. */
    weighting: z.enum(['none', 'tfidf', 'bm25']).default('none'),
    /** Use 1 for every interaction instead of the summed event weight. */
    binary: z.boolean().default(true),
    /** BM25 parameters. */
    bm25K1: z.number().positive().default(1.2),
    bm25B: z.number().min(0).max(1).default(0.75),
  })
  .strict();

export type ItemKnnConfig = z.output<typeof itemKnnConfigSchema>;

/** Item-based collaborative filtering: similarities between item columns, top neighbours per item. */
export const itemKnnModel: ModelDefinition<ItemKnnConfig> = {
  name: 'itemknn',
  description:
    'Item-kNN: cosine or asymmetric cosine with shrinkage over (optionally TF-IDF/BM25-weighted) interactions',
  configSchema: itemKnnConfigSchema,
  searchSpace: {
    neighbours: [50, 100, 200, 400],
    shrink: [0, 10, 50, 100],
    alpha: [0.3, 0.5, 0.7],
    weighting: ['none', 'tfidf', 'bm25'],
  },
  fit(data, config) {
    return new ItemToItemRecommender('itemknn', itemSimilarities(weightedItemUsers(data, config), config), {
      ...config,
    });
  },
  load: (artifact) => ItemToItemRecommender.fromArtifact(artifact),
};

/** items × users, weighted as configured. */
function weightedItemUsers(data: TrainingData, config: ItemKnnConfig): Csr {
  const itemUsers = transpose(data.interactions);
  const values = new Float32Array(itemUsers.data.length);
  for (let n = 0; n < values.length; n++) values[n] = config.binary ? 1 : itemUsers.data[n]!;
  if (config.weighting === 'none') return { ...itemUsers, data: values };
  // A user who interacted with many items says less about each (inverse "document" frequency).
  const userDegree = columnCounts(itemUsers);
  const items = itemUsers.rows;
  const idf = new Float32Array(itemUsers.cols);
  for (let u = 0; u < idf.length; u++)
    idf[u] = Math.log(items / (1 + userDegree[u]!)) + (config.weighting === 'bm25' ? 0 : 1);
  let totalLength = 0;
  for (let i = 0; i < items; i++) totalLength += itemUsers.indptr[i + 1]! - itemUsers.indptr[i]!;
  const averageLength = totalLength / Math.max(1, items);
  for (let i = 0; i < items; i++) {
    const length = itemUsers.indptr[i + 1]! - itemUsers.indptr[i]!;
    const norm = config.bm25K1 * (1 - config.bm25B + (config.bm25B * length) / Math.max(averageLength, 1e-9));
    for (let p = itemUsers.indptr[i]!; p < itemUsers.indptr[i + 1]!; p++) {
      const x = values[p]!;
      const u = itemUsers.indices[p]!;
      values[p] =
        config.weighting === 'bm25'
          ? ((x * (config.bm25K1 + 1)) / (x + norm)) * Math.max(idf[u]!, 0)
          : x * idf[u]!;
    }
  }
  return { ...itemUsers, data: values };
}

/** Up to this many items the dot products are accumulated as one dense matrix in WebAssembly. */
const DENSE_MAX_ITEMS = 12_000;

/** The same similarities through a dense item × item product (Xᵀ·X in the WebAssembly kernels). */
function denseSimilarities(
  userItems: Csr,
  config: Pick<ItemKnnConfig, 'neighbours' | 'shrink' | 'alpha'>,
): Csr {
  const items = userItems.cols;
  const gram = new WasmKernels().sparseCross(userItems, userItems.data);
  const row = new Float32Array(items);
  const excluded = new Uint8Array(items);
  const left = new Float64Array(items);
  const right = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    const squared = gram[i * items + i]!;
    left[i] = squared ** config.alpha;
    right[i] = squared ** (1 - config.alpha);
  }
  const out = new TopNeighbours(items, items);
  for (let i = 0; i < items; i++) {
    const base = i * items;
    for (let j = 0; j < items; j++) {
      const dot = gram[base + j]!;
      row[j] = dot > 0 ? dot / (left[i]! * right[j]! + config.shrink + 1e-12) : 0;
    }
    excluded[i] = 1;
    out.addRow(row, config.neighbours, excluded);
    excluded[i] = 0;
  }
  return out.finish();
}

/**
 * Similarity rows: for each item, the dot products with every item that shares a user (accumulated
 * through the users, Σ_u |items(u)|² work), divided by ‖i‖^{2α}·‖j‖^{2(1−α)} + shrink.
 */
export function itemSimilarities(
  itemUsers: Csr,
  config: Pick<ItemKnnConfig, 'neighbours' | 'shrink' | 'alpha'>,
): Csr {
  const items = itemUsers.rows;
  const userItems = transpose(itemUsers);
  if (items <= DENSE_MAX_ITEMS) return denseSimilarities(userItems, config);
  const squaredNorm = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    for (let p = itemUsers.indptr[i]!; p < itemUsers.indptr[i + 1]!; p++)
      squaredNorm[i]! += itemUsers.data[p]! ** 2;
  }
  const left = Float64Array.from(squaredNorm, (s) => s ** config.alpha);
  const right = Float64Array.from(squaredNorm, (s) => s ** (1 - config.alpha));
  const row = new Float32Array(items);
  const touched = new Int32Array(items);
  const seen = new Uint8Array(items);
  const excluded = new Uint8Array(items);
  const out = new TopNeighbours(items, items);
  for (let i = 0; i < items; i++) {
    let count = 0;
    for (let p = itemUsers.indptr[i]!; p < itemUsers.indptr[i + 1]!; p++) {
      const u = itemUsers.indices[p]!;
      const x = itemUsers.data[p]!;
      for (let q = userItems.indptr[u]!; q < userItems.indptr[u + 1]!; q++) {
        const j = userItems.indices[q]!;
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[count++] = j;
        }
        row[j]! += x * userItems.data[q]!;
      }
    }
    for (let t = 0; t < count; t++) {
      const j = touched[t]!;
      row[j] = row[j]! / (left[i]! * right[j]! + config.shrink + 1e-12);
    }
    excluded[i] = 1;
    out.addRow(row, config.neighbours, excluded);
    excluded[i] = 0;
    for (let t = 0; t < count; t++) {
      row[touched[t]!] = 0;
      seen[touched[t]!] = 0;
    }
  }
  return out.finish();
}
