/** Graded judgments of one query: item id → grade (1 partly relevant, 2 relevant); absent = 0. */
export type Judgments = ReadonlyMap<string, number>;

/**
 * NDCG@k with exponential gains (Järvelin & Kekäläinen 2002; the TREC/BEIR form):
 * DCG@k = Σ_{i=1..k} (2^{grade_i} − 1) / log2(i + 1), divided by the DCG@k of the ideal ordering of
 * all judged items. 0 when nothing is relevant.
 */
export function ndcgAt(ranked: readonly string[], judgments: Judgments, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const grade = judgments.get(ranked[i]!) ?? 0;
    if (grade > 0) dcg += (2 ** grade - 1) / Math.log2(i + 2);
  }
  const ideal = [...judgments.values()].sort((a, b) => b - a).slice(0, k);
  let idcg = 0;
  ideal.forEach((grade, i) => {
    idcg += (2 ** grade - 1) / Math.log2(i + 2);
  });
  return idcg > 0 ? dcg / idcg : 0;
}

/**
 * Capped recall@k (BEIR's "R_cap@k"): relevant items (grade ≥ 1) in the top k divided by
 * min(k, number of relevant items), so a query with hundreds of relevant items can still score 1.
 */
export function recallAt(ranked: readonly string[], judgments: Judgments, k: number): number {
  let relevant = 0;
  for (const grade of judgments.values()) if (grade > 0) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if ((judgments.get(ranked[i]!) ?? 0) > 0) found++;
  return found / Math.min(k, relevant);
}

/** Reciprocal rank of the first item of the highest grade present in the judgments (0 if not ranked). */
export function reciprocalRank(ranked: readonly string[], judgments: Judgments): number {
  let top = 0;
  for (const grade of judgments.values()) top = Math.max(top, grade);
  if (top === 0) return 0;
  for (let i = 0; i < ranked.length; i++) if ((judgments.get(ranked[i]!) ?? 0) >= top) return 1 / (i + 1);
  return 0;
}

/** Mean of a list (0 for an empty one). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The p-quantile (0–1) of a list by the nearest-rank method. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
