/** A ranked list: documents best first with their scores. */
export interface RankedList {
  docs: Int32Array;
  scores: Float32Array;
}

/** Fused results: each document's fused score and what the lexical and semantic lists contributed. */
export interface FusedList {
  docs: Int32Array;
  scores: Float32Array;
  lexical: Float32Array;
  semantic: Float32Array;
}

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009), weighted:
 * score(d) = (1 − w) / (k + rank_lexical(d)) + w / (k + rank_semantic(d)), ranks from 1; a list
 * that misses d contributes 0. Rank-based, so the two lists' score scales never need calibrating.
 *
 * @example
 * reciprocalRankFusion(lexical, semantic, 0.4, 60);
 */
export function reciprocalRankFusion(
  lexical: RankedList,
  semantic: RankedList,
  semanticWeight: number,
  k: number,
): FusedList {
  return fuse(
    lexical,
    semantic,
    (rank) => (1 - semanticWeight) / (k + rank + 1),
    (rank) => semanticWeight / (k + rank + 1),
  );
}

/**
 * Weighted blend of normalised scores: score(d) = (1 − w) · lexical(d) / max lexical
 * + w · max(0, (cos(d) − floor) / (1 − floor)). Keeps score gaps that RRF flattens; the semantic
 * side is scaled against a perfect match, not the best one, so a query the encoder understands
 * poorly moves little; the floor is the minimum similarity a hit must reach.
 */
export function weightedBlend(
  lexical: RankedList,
  semantic: RankedList,
  semanticWeight: number,
  semanticFloor: number,
): FusedList {
  const maxLexical = lexical.scores.length > 0 ? lexical.scores[0]! : 1;
  const range = Math.max(1 - semanticFloor, 1e-6);
  return fuse(
    lexical,
    semantic,
    (_rank, score) => ((1 - semanticWeight) * score) / (maxLexical || 1),
    (_rank, score) => (semanticWeight * Math.max(0, score - semanticFloor)) / range,
  );
}

function fuse(
  lexical: RankedList,
  semantic: RankedList,
  lexicalPart: (rank: number, score: number) => number,
  semanticPart: (rank: number, score: number) => number,
): FusedList {
  const position = new Map<number, number>();
  const capacity = lexical.docs.length + semantic.docs.length;
  const docs = new Int32Array(capacity);
  const lexicalScores = new Float32Array(capacity);
  const semanticScores = new Float32Array(capacity);
  let size = 0;
  for (let rank = 0; rank < lexical.docs.length; rank++) {
    const doc = lexical.docs[rank]!;
    position.set(doc, size);
    docs[size] = doc;
    lexicalScores[size++] = lexicalPart(rank, lexical.scores[rank]!);
  }
  for (let rank = 0; rank < semantic.docs.length; rank++) {
    const doc = semantic.docs[rank]!;
    let at = position.get(doc);
    if (at === undefined) {
      at = size++;
      position.set(doc, at);
      docs[at] = doc;
    }
    semanticScores[at] = semanticPart(rank, semantic.scores[rank]!);
  }
  const scores = new Float32Array(size);
  for (let i = 0; i < size; i++) scores[i] = lexicalScores[i]! + semanticScores[i]!;
  return {
    docs: docs.slice(0, size),
    scores,
    lexical: lexicalScores.slice(0, size),
    semantic: semanticScores.slice(0, size),
  };
}
