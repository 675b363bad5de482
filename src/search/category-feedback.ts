import { topK } from '../text/top-k.js';

/** How the best results' categories raise the results that share them. */
export interface CategoryFeedbackOptions {
  /** A result whose category holds every vote scores × (1 + weight); 0 turns the stage off. */
  weight: number;
  /** The best results that vote. */
  depth: number;
  /** A result votes only when its score is at least this fraction of the best score. */
  minRelativeScore: number;
}

/** What category feedback added to each result, and the category shares behind it. */
export interface CategoryFeedback {
  /** Added to the score of the result at each position of the ranked list (0 for most). */
  boosts: Float32Array;
  /** Category path id → its share of the votes (0–1). */
  shares: ReadonlyMap<number, number>;
}

/**
 * Category feedback (pseudo-relevance feedback on the category, the way shop search infers a
 * query's category from its best matches): the results that score close to the best one vote for
 * their category, weighted by score; every result is then raised by weight × its category's share
 * of the votes. "almond milk" matches almond milks in plant-based milk and a few almond-milk
 * yogurts and ricottas; the milks are most of the best matches, so they rise above the yogurt.
 * Bounded: a result moves by × (1 + weight) at most, less than missing one word of a two-word query
 * costs (× 0.25 at coverage 2), so it re-orders results that match alike. Results without a category
 * neither vote nor gain.
 *
 * @example
 * categoryFeedback(docs, scores, table.category, { weight: 0.4, depth: 30, minRelativeScore: 0.8 });
 */
export function categoryFeedback(
  docs: Int32Array,
  scores: Float32Array,
  categoryOf: Int32Array,
  options: CategoryFeedbackOptions,
): CategoryFeedback | undefined {
  if (options.weight <= 0 || docs.length === 0) return undefined;
  const positions = new Int32Array(docs.length);
  for (let i = 0; i < positions.length; i++) positions[i] = i;
  const best = topK(positions, scores, docs.length, options.depth);
  const threshold = (best.scores[0] ?? 0) * options.minRelativeScore;
  const votes = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < best.ids.length; i++) {
    const score = best.scores[i]!;
    if (score <= 0 || score < threshold) break;
    const category = categoryOf[docs[best.ids[i]!]!] ?? -1;
    if (category < 0) continue;
    votes.set(category, (votes.get(category) ?? 0) + score);
    total += score;
  }
  if (total <= 0) return undefined;
  const shares = new Map<number, number>();
  for (const [category, vote] of votes) shares.set(category, vote / total);
  const boosts = new Float32Array(docs.length);
  for (let i = 0; i < docs.length; i++) {
    const share = shares.get(categoryOf[docs[i]!] ?? -1);
    if (share !== undefined) boosts[i] = scores[i]! * options.weight * share;
  }
  return { boosts, shares };
}
