import { z } from 'zod';
import { createAnalyzer } from '../../text/analyzer.js';
import { ItemToItemRecommender, TopNeighbours } from '../item-to-item.js';
import type { ItemFeatures, ModelDefinition } from '../model.js';

/** Content-model configuration. */
export const contentConfigSchema = z
  .object({
    neighbours: z.number().int().min(1).max(1000).default(50),
    /** Weight of category, brand and price-band tokens relative to text tokens. */
    attributeWeight: z.number().min(0).default(2),
    /**
     * Terms in more than this share of items (and more than 1,000 items) are too common to relate
     * items: they still count in each item's norm, but comparing every pair of their items would cost
     * O(n²) for little (their IDF is low).
     */
    maxDocumentFrequency: z.number().min(0).max(1).default(0.2),
  })
  .strict();

export type ContentConfig = z.output<typeof contentConfigSchema>;

/**
 * Item-item similarity from what items are: TF-IDF over the words of titles, descriptions, tags and
 * attributes (jieba for Chinese, folded Latin words), plus category-path, brand and price-band tokens;
 * cosine similarity, top neighbours per item. It needs no behaviour, so new items have neighbours
 * from the moment they are in the catalogue (cold start), and it powers "similar items".
 */
export const contentModel: ModelDefinition<ContentConfig> = {
  name: 'content',
  description:
    'Content similarity: TF-IDF over titles, descriptions and attributes, plus category, brand and price band',
  configSchema: contentConfigSchema,
  searchSpace: { attributeWeight: [0, 1, 2, 4], neighbours: [20, 50, 100] },
  fit(data, config) {
    return new ItemToItemRecommender(
      'content',
      contentSimilarities(data.features, config),
      { ...config },
      'content',
    );
  },
  load: (artifact) => ItemToItemRecommender.fromArtifact(artifact),
};

/** Tokens of one item with their raw weights (term → weight). */
export function itemTokens(
  features: ItemFeatures,
  item: number,
  config: ContentConfig,
  analyzer = createAnalyzer(),
): Map<string, number> {
  const tokens = new Map<string, number>();
  for (const term of analyzer.indexTerms(features.text[item] ?? ''))
    tokens.set(term, (tokens.get(term) ?? 0) + 1);
  // Sub-linear term frequency: a word repeated in a title is not ten times as telling.
  for (const [term, count] of tokens) tokens.set(term, 1 + Math.log(count));
  if (config.attributeWeight > 0) {
    const category = features.category[item]!;
    if (category >= 0) {
      const path = features.categories[category]!.split(' > ');
      // Every prefix of the path: items in the same branch relate, the same leaf more.
      path.forEach((_, depth) =>
        tokens.set(`\u0001cat:${path.slice(0, depth + 1).join('>')}`, config.attributeWeight),
      );
    }
    const brand = features.brand[item]!;
    if (brand >= 0)
      tokens.set(`\u0001brand:${features.brands[brand]!.toLowerCase()}`, config.attributeWeight);
    const price = features.price[item]!;
    if (price > 0) tokens.set(`\u0001price:${Math.floor(Math.log2(price))}`, config.attributeWeight / 2);
  }
  return tokens;
}

function contentSimilarities(
  features: ItemFeatures,
  config: ContentConfig,
): ReturnType<TopNeighbours['finish']> {
  const items = features.text.length;
  const analyzer = createAnalyzer();
  const termIndex = new Map<string, number>();
  const rows: { terms: Int32Array; weights: Float32Array }[] = [];
  const documentFrequency: number[] = [];
  for (let i = 0; i < items; i++) {
    const tokens = itemTokens(features, i, config, analyzer);
    const terms = new Int32Array(tokens.size);
    const weights = new Float32Array(tokens.size);
    let n = 0;
    for (const [term, weight] of tokens) {
      let id = termIndex.get(term);
      if (id === undefined) {
        id = documentFrequency.length;
        termIndex.set(term, id);
        documentFrequency.push(0);
      }
      documentFrequency[id]!++;
      terms[n] = id;
      weights[n++] = weight;
    }
    rows.push({ terms, weights });
  }
  // TF-IDF, L2-normalised per item; postings per term for the similarity accumulation.
  const idf = Float32Array.from(documentFrequency, (df) => Math.log((items + 1) / (df + 1)) + 1);
  const postings: number[][] = documentFrequency.map(() => []);
  const postingWeights: number[][] = documentFrequency.map(() => []);
  const maxDf = Math.max(1000, config.maxDocumentFrequency * items);
  for (let i = 0; i < items; i++) {
    const { terms, weights } = rows[i]!;
    let norm = 0;
    for (let n = 0; n < terms.length; n++) {
      weights[n] = weights[n]! * idf[terms[n]!]!;
      norm += weights[n]! ** 2;
    }
    norm = Math.sqrt(norm) || 1;
    for (let n = 0; n < terms.length; n++) {
      weights[n] = weights[n]! / norm;
      if (documentFrequency[terms[n]!]! <= maxDf) {
        postings[terms[n]!]!.push(i);
        postingWeights[terms[n]!]!.push(weights[n]!);
      }
    }
  }
  const row = new Float32Array(items);
  const touched = new Int32Array(items);
  const seen = new Uint8Array(items);
  const excluded = new Uint8Array(items);
  const out = new TopNeighbours(items, items);
  for (let i = 0; i < items; i++) {
    let count = 0;
    const { terms, weights } = rows[i]!;
    for (let n = 0; n < terms.length; n++) {
      const list = postings[terms[n]!]!;
      const listWeights = postingWeights[terms[n]!]!;
      const w = weights[n]!;
      for (let m = 0; m < list.length; m++) {
        const j = list[m]!;
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[count++] = j;
        }
        row[j]! += w * listWeights[m]!;
      }
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
