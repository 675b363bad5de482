/** The best k of a scored set, highest first. */
export interface TopK {
  ids: Int32Array;
  scores: Float32Array;
}

/**
 * Selects the `k` highest scores among `count` (id, score) pairs with a bounded min-heap on typed
 * arrays (O(n log k), no per-element objects); ties go to the smaller id so results are stable.
 *
 * @example
 * topK(Int32Array.of(7, 8, 9), Float32Array.of(0.1, 0.9, 0.5), 3, 2); // ids [8, 9]
 */
export function topK(ids: Int32Array, scores: Float32Array, count: number, k: number): TopK {
  const size = Math.min(k, count);
  const heapIds = new Int32Array(size);
  const heapScores = new Float32Array(size);
  let filled = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const score = scores[i]!;
    if (filled < size) {
      let at = filled++;
      heapIds[at] = id;
      heapScores[at] = score;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(heapScores[at]!, heapIds[at]!, heapScores[parent]!, heapIds[parent]!)) break;
        swap(heapIds, heapScores, at, parent);
        at = parent;
      }
    } else if (size > 0 && worse(heapScores[0]!, heapIds[0]!, score, id)) {
      heapIds[0] = id;
      heapScores[0] = score;
      siftDown(heapIds, heapScores, size);
    }
  }
  // Pop the heap from the back: the worst first, so the output is best first.
  const outIds = new Int32Array(filled);
  const outScores = new Float32Array(filled);
  for (let end = filled - 1; end >= 0; end--) {
    outIds[end] = heapIds[0]!;
    outScores[end] = heapScores[0]!;
    heapIds[0] = heapIds[end]!;
    heapScores[0] = heapScores[end]!;
    siftDown(heapIds, heapScores, end);
  }
  return { ids: outIds, scores: outScores };
}

/** True when (scoreA, idA) ranks below (scoreB, idB). */
function worse(scoreA: number, idA: number, scoreB: number, idB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && idA > idB);
}

function siftDown(ids: Int32Array, scores: Float32Array, size: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) return;
    const right = left + 1;
    let child = left;
    if (right < size && worse(scores[right]!, ids[right]!, scores[left]!, ids[left]!)) child = right;
    if (!worse(scores[child]!, ids[child]!, scores[at]!, ids[at]!)) return;
    swap(ids, scores, at, child);
    at = child;
  }
}

function swap(ids: Int32Array, scores: Float32Array, a: number, b: number): void {
  const id = ids[a]!;
  ids[a] = ids[b]!;
  ids[b] = id;
  const score = scores[a]!;
  scores[a] = scores[b]!;
  scores[b] = score;
}
