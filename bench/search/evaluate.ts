import { type Judgments, mean, ndcgAt, quantile, recallAt, reciprocalRank } from './metrics.js';
import type { RelevanceQuery, Variant } from './relevance-sets.js';

/** A system under test: a query in, ranked item ids out (at least 50). */
export type Retriever = (query: string) => Promise<string[]> | string[];

/** Relevance of one system on one group of queries. */
export interface RelevanceScores {
  queries: number;
  ndcg10: number;
  recall50: number;
  mrr: number;
}

/** Per-query latency of one system. */
export interface LatencyScores {
  medianMs: number;
  p99Ms: number;
}

/** Scores of one system, per variant, on the chosen split. */
export interface SystemResult {
  byVariant: Partial<Record<Variant, RelevanceScores>>;
  latency: LatencyScores;
}

/**
 * Runs every query of `split` through a retriever once, timing each call, and scores NDCG@10,
 * capped Recall@50 and MRR per variant.
 */
export async function evaluate(
  retrieve: Retriever,
  queries: readonly RelevanceQuery[],
  split: 'tune' | 'test',
): Promise<SystemResult> {
  const perVariant = new Map<Variant, { ndcg: number[]; recall: number[]; rr: number[] }>();
  const timings: number[] = [];
  for (const query of queries) {
    if (query.split !== split) continue;
    const started = performance.now();
    const ranked = await retrieve(query.text);
    timings.push(performance.now() - started);
    const scores = perVariant.get(query.variant) ?? { ndcg: [], recall: [], rr: [] };
    const judgments: Judgments = query.judgments;
    scores.ndcg.push(ndcgAt(ranked, judgments, 10));
    scores.recall.push(recallAt(ranked, judgments, 50));
    scores.rr.push(reciprocalRank(ranked, judgments));
    perVariant.set(query.variant, scores);
  }
  const byVariant: SystemResult['byVariant'] = {};
  for (const [variant, scores] of perVariant) {
    byVariant[variant] = {
      queries: scores.ndcg.length,
      ndcg10: round(mean(scores.ndcg)),
      recall50: round(mean(scores.recall)),
      mrr: round(mean(scores.rr)),
    };
  }
  return {
    byVariant,
    latency: { medianMs: round(quantile(timings, 0.5)), p99Ms: round(quantile(timings, 0.99)) },
  };
}

/** Query latencies of a retriever over a list of texts (after `warmup` untimed calls). */
export async function timeQueries(
  retrieve: Retriever,
  texts: readonly string[],
  warmup = 50,
): Promise<LatencyScores & { count: number }> {
  for (const text of texts.slice(0, warmup)) await retrieve(text);
  const timings: number[] = [];
  for (const text of texts) {
    const started = performance.now();
    await retrieve(text);
    timings.push(performance.now() - started);
  }
  return {
    count: timings.length,
    medianMs: round(quantile(timings, 0.5)),
    p99Ms: round(quantile(timings, 0.99)),
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
