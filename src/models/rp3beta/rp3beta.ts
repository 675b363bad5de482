import { z } from 'zod';
import { type Csr, columnCounts, transpose } from '../../matrix/csr.js';
import { WasmKernels } from '../../matrix/wasm-kernels.js';
import { ItemToItemRecommender, TopNeighbours } from '../item-to-item.js';
import type { ModelDefinition, TrainingData } from '../model.js';

/** RP3beta configuration (defaults from the ranges where it does well on MovieLens). */
export const rp3betaConfigSchema = z
  .object({
    /** Exponent on the transition probabilities (sharpens or flattens the walk). */
    alpha: z.number().min(0).max(3).default(0.8),
    /** Popularity penalty: weights are divided by popularity^β. */
    beta: z.number().min(0).max(1).default(0.3),
    neighbours: z.number().int().min(1).max(5000).default(200),
    binary: z.boolean().default(true),
  })
  .strict();

export type Rp3betaConfig = z.output<typeof rp3betaConfigSchema>;

/**
 * RP3beta (Paudel et al. 2017; Dacrema et al. 2019): a three-step random walk item → user → item on
 * the interaction graph, W[i][j] = Σ_u P(u|i)^α · P(j|u)^α / popularity(j)^β, top neighbours per item.
 */
export const rp3betaModel: ModelDefinition<Rp3betaConfig> = {
  name: 'rp3beta',
  description: 'RP3beta: item → user → item random walk with a popularity penalty',
  configSchema: rp3betaConfigSchema,
  searchSpace: { alpha: [0.4, 0.6, 0.8, 1.0], beta: [0.1, 0.2, 0.3, 0.4, 0.5], neighbours: [100, 200, 400] },
  fit(data, config) {
    return new ItemToItemRecommender('rp3beta', rp3betaWeights(data, config), { ...config });
  },
  load: (artifact) => ItemToItemRecommender.fromArtifact(artifact),
};

function rp3betaWeights(data: TrainingData, config: Rp3betaConfig): Csr {
  const userItems = rowNormalised(data.interactions, config);
  const itemUsers = rowNormalised(transpose(data.interactions), config);
  const items = data.interactions.cols;
  const popularity = columnCounts(data.interactions);
  const penalty = Float64Array.from(popularity, (count) => (count > 0 ? count ** -config.beta : 0));
  if (items <= DENSE_MAX_ITEMS) return denseWeights(userItems, transpose(itemUsers), penalty, config);
  const row = new Float32Array(items);
  const touched = new Int32Array(items);
  const seen = new Uint8Array(items);
  const excluded = new Uint8Array(items);
  const out = new TopNeighbours(items, items);
  for (let i = 0; i < items; i++) {
    let count = 0;
    for (let p = itemUsers.indptr[i]!; p < itemUsers.indptr[i + 1]!; p++) {
      const u = itemUsers.indices[p]!;
      const step = itemUsers.data[p]!;
      for (let q = userItems.indptr[u]!; q < userItems.indptr[u + 1]!; q++) {
        const j = userItems.indices[q]!;
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[count++] = j;
        }
        row[j]! += step * userItems.data[q]!;
      }
    }
    for (let t = 0; t < count; t++) row[touched[t]!]! *= penalty[touched[t]!]!;
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

/** Up to this many items the walk is accumulated as one dense matrix in WebAssembly. */
const DENSE_MAX_ITEMS = 12_000;

/**
 * The same weights through a dense product: with both steps laid out on the users × items pattern,
 * W[i][j] = Σ_u step1(u, i)·step2(u, j) is one `sparseCross`.
 */
function denseWeights(userItems: Csr, firstStep: Csr, penalty: Float64Array, config: Rp3betaConfig): Csr {
  const items = userItems.cols;
  // firstStep is P(u|i)^α laid out users × items: the same pattern as userItems, in the same order.
  const walk = new WasmKernels().sparseCross(firstStep, userItems.data);
  const row = new Float32Array(items);
  const excluded = new Uint8Array(items);
  const out = new TopNeighbours(items, items);
  for (let i = 0; i < items; i++) {
    const base = i * items;
    for (let j = 0; j < items; j++) row[j] = walk[base + j]! * penalty[j]!;
    excluded[i] = 1;
    out.addRow(row, config.neighbours, excluded);
    excluded[i] = 0;
  }
  return out.finish();
}

/** Rows scaled to sum to 1 (transition probabilities), then raised to α. */
function rowNormalised(matrix: Csr, config: Rp3betaConfig): Csr {
  const data = new Float32Array(matrix.data.length);
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0;
    for (let p = matrix.indptr[r]!; p < matrix.indptr[r + 1]!; p++)
      sum += config.binary ? 1 : matrix.data[p]!;
    for (let p = matrix.indptr[r]!; p < matrix.indptr[r + 1]!; p++) {
      data[p] = ((config.binary ? 1 : matrix.data[p]!) / sum) ** config.alpha;
    }
  }
  return { ...matrix, data };
}
