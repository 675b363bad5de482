/** The best k entries of a score vector: indices and scores, best first. */
export interface TopK {
  indices: Int32Array;
  scores: Float32Array;
}

/**
 * The k highest scores, best first; ties go to the lower index so results are deterministic.
 * Entries flagged in `excluded` (1 = skip) and non-finite scores are never returned. A bounded
 * min-heap on typed arrays: O(n log k), no per-entry objects.
 */
export function topK(scores: Float32Array, k: number, excluded?: Uint8Array): TopK {
  const size = Math.min(k, scores.length);
  const heapIndex = new Int32Array(size);
  const heapScore = new Float32Array(size);
  let count = 0;
  // "a is worse than b": lower score, or equal score and higher index.
  const worse = (sa: number, ia: number, sb: number, ib: number): boolean =>
    sa < sb || (sa === sb && ia > ib);
  const siftDown = (at: number): void => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) return;
      const right = left + 1;
      let child = left;
      if (right < count && worse(heapScore[right]!, heapIndex[right]!, heapScore[left]!, heapIndex[left]!))
        child = right;
      if (!worse(heapScore[child]!, heapIndex[child]!, heapScore[at]!, heapIndex[at]!)) return;
      swap(at, child);
      at = child;
    }
  };
  const swap = (a: number, b: number): void => {
    const index = heapIndex[a]!;
    const score = heapScore[a]!;
    heapIndex[a] = heapIndex[b]!;
    heapScore[a] = heapScore[b]!;
    heapIndex[b] = index;
    heapScore[b] = score;
  };
  if (size === 0) return { indices: heapIndex, scores: heapScore };
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (!Number.isFinite(score) || (excluded !== undefined && excluded[i] === 1)) continue;
    if (count < size) {
      heapIndex[count] = i;
      heapScore[count] = score;
      let at = count++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(heapScore[at]!, heapIndex[at]!, heapScore[parent]!, heapIndex[parent]!)) break;
        swap(at, parent);
        at = parent;
      }
    } else if (worse(heapScore[0]!, heapIndex[0]!, score, i)) {
      heapIndex[0] = i;
      heapScore[0] = score;
      siftDown(0);
    }
  }
  // Pop worst-first into the tail: best ends up first.
  const indices = new Int32Array(count);
  const best = new Float32Array(count);
  for (let out = count - 1; out >= 0; out--) {
    indices[out] = heapIndex[0]!;
    best[out] = heapScore[0]!;
    count--;
    heapIndex[0] = heapIndex[count]!;
    heapScore[0] = heapScore[count]!;
    siftDown(0);
  }
  return { indices, scores: best };
}
