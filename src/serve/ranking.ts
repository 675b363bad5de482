import { topK } from '../matrix/top-k.js';
import { type Candidate, mmrByCategory } from '../rank/diversity.js';

/** One request's selection rules, as predicates over model item indices. */
export interface Selection {
  /** Items never returned (history to skip, blocked, the page's own item …). */
  excluded: ReadonlySet<number>;
  /** The request's and scenario's filters; false drops the item. */
  accept: (index: number) => boolean;
  k: number;
  /** MMR strength over categories (0 = none). */
  diversity: number;
  groupOf: (index: number) => string;
}

export interface Selected {
  index: number;
  score: number;
  /** Moved up by the diversity re-ranking. */
  promoted: boolean;
}

/**
 * The k best items for a score vector under a selection: the top candidates by score (widening the
 * search until enough pass the filters), then MMR over categories when diversity is asked for.
 */
export function select(scores: Float32Array, selection: Selection, scratchMask?: Uint8Array): Selected[] {
  const pool = selection.diversity > 0 ? selection.k * 5 : selection.k;
  // A zeroed mask of the scores' length may be passed in (reused across requests; src/serve/scratch.ts).
  const mask = scratchMask?.length === scores.length ? scratchMask : new Uint8Array(scores.length);
  for (const index of selection.excluded) if (index >= 0 && index < mask.length) mask[index] = 1;
  const accepted: Candidate[] = [];
  let depth = Math.min(scores.length, Math.max(pool * 4, 50));
  for (;;) {
    const top = topK(scores, depth, mask);
    accepted.length = 0;
    for (let n = 0; n < top.indices.length && accepted.length < pool; n++) {
      const index = top.indices[n]!;
      if (selection.accept(index))
        accepted.push({ index, score: top.scores[n]!, group: selection.groupOf(index) });
    }
    if (accepted.length >= pool || depth >= scores.length || top.indices.length < depth) break;
    depth = Math.min(scores.length, depth * 4);
  }
  const { picked, promoted } = mmrByCategory(accepted, selection.k, selection.diversity);
  return picked.map((candidate) => ({
    index: candidate.index,
    score: candidate.score,
    promoted: promoted.has(candidate.index),
  }));
}
