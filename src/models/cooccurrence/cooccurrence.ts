import { z } from 'zod';
import { type Csr, columnCounts, mapValues, transpose } from '../../matrix/csr.js';
import { ItemToItemRecommender, TopNeighbours } from '../item-to-item.js';
import type { ModelDefinition, TrainingData } from '../model.js';

/** Bought-together configuration. */
export const cooccurrenceConfigSchema = z
  .object({
    /** Which co-occurrences count: items in the same basket (session or order), or of the same user. */
    source: z.enum(['baskets', 'users']).default('baskets'),
    /** confidence = P(j | i); lift = P(j | i) / P(j); count = baskets with both. */
    measure: z.enum(['confidence', 'lift', 'count']).default('confidence'),
    /** Pairs seen together fewer times than this are ignored (noise). */
    minSupport: z.number().int().min(1).default(2),
    neighbours: z.number().int().min(1).max(1000).default(50),
  })
  .strict();

export type CooccurrenceConfig = z.output<typeof cooccurrenceConfigSchema>;

/**
 * Association rules over baskets: for each item the items most often bought with it, by confidence,
 * lift or count. Serves "bought together" on item pages and carts; as a recommender, a user's score
 * for j sums the association of each history item with j.
 */
export const cooccurrenceModel: ModelDefinition<CooccurrenceConfig> = {
  name: 'cooccurrence',
  description: 'Bought-together: association lift and confidence over baskets or sessions',
  configSchema: cooccurrenceConfigSchema,
  searchSpace: { measure: ['confidence', 'lift'], minSupport: [1, 2, 5], source: ['baskets', 'users'] },
  fit(data, config) {
    const weights = associations(config.source === 'baskets' ? data.baskets : binaryUsers(data), config);
    return new ItemToItemRecommender('cooccurrence', weights, { ...config }, 'co-purchase');
  },
  load: (artifact) => ItemToItemRecommender.fromArtifact(artifact),
};

function binaryUsers(data: TrainingData): Csr {
  return mapValues(data.interactions, () => 1);
}

/** Pair counts through the baskets, turned into the configured measure, top neighbours per item. */
function associations(baskets: Csr, config: CooccurrenceConfig): Csr {
  const items = baskets.cols;
  const itemBaskets = transpose(baskets);
  const support = columnCounts(baskets);
  const total = Math.max(1, baskets.rows);
  const row = new Float32Array(items);
  const touched = new Int32Array(items);
  const seen = new Uint8Array(items);
  const excluded = new Uint8Array(items);
  const out = new TopNeighbours(items, items);
  for (let i = 0; i < items; i++) {
    let count = 0;
    for (let p = itemBaskets.indptr[i]!; p < itemBaskets.indptr[i + 1]!; p++) {
      const basket = itemBaskets.indices[p]!;
      for (let q = baskets.indptr[basket]!; q < baskets.indptr[basket + 1]!; q++) {
        const j = baskets.indices[q]!;
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[count++] = j;
        }
        row[j]!++;
      }
    }
    for (let t = 0; t < count; t++) {
      const j = touched[t]!;
      const together = row[j]!;
      if (together < config.minSupport) row[j] = 0;
      else if (config.measure === 'confidence') row[j] = together / support[i]!;
      else if (config.measure === 'lift') row[j] = (together * total) / (support[i]! * support[j]!);
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
