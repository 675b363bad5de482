import type { Csr } from '../../matrix/csr.js';
import { topK } from '../../matrix/top-k.js';
import type { Recommender } from '../../models/model.js';
import { rowsOf } from '../evaluate.js';

/** Each evaluated user's top candidates with their scores, best first. */
export interface UserCandidates {
  indices: Int32Array[];
  scores: Float32Array[];
}

/**
 * The `depth` best items per user, excluding the user's history, with their scores (what a
 * re-ranker chooses from), scored in batches through the model's batched kernel where it has one.
 */
export function rankCandidates(
  model: Recommender,
  histories: Csr,
  users: Int32Array,
  depth: number,
  batchSize = 256,
): UserCandidates {
  const items = model.itemCount;
  const result: UserCandidates = { indices: [], scores: [] };
  const excluded = new Uint8Array(items);
  for (let start = 0; start < users.length; start += batchSize) {
    const batch = users.subarray(start, Math.min(users.length, start + batchSize));
    const rows = rowsOf(histories, batch);
    const scores = new Float32Array(batch.length * items);
    if (model.scoreBatch) model.scoreBatch(rows, scores);
    else
      for (let r = 0; r < batch.length; r++) {
        const from = rows.indptr[r]!;
        const to = rows.indptr[r + 1]!;
        model.score(
          { items: rows.indices.subarray(from, to), weights: rows.data.subarray(from, to) },
          scores.subarray(r * items, (r + 1) * items),
        );
      }
    for (let r = 0; r < batch.length; r++) {
      for (let p = rows.indptr[r]!; p < rows.indptr[r + 1]!; p++) excluded[rows.indices[p]!] = 1;
      const top = topK(scores.subarray(r * items, (r + 1) * items), depth, excluded);
      result.indices.push(top.indices);
      result.scores.push(top.scores);
      for (let p = rows.indptr[r]!; p < rows.indptr[r + 1]!; p++) excluded[rows.indices[p]!] = 0;
    }
  }
  return result;
}
