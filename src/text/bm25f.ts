/** One indexed field: its weight in BM25F and its length normalisation. */
export interface FieldSpec {
  name: string;
  /** How much one occurrence in this field counts relative to others (title 3, description 1 …). */
  weight: number;
  /** Length normalisation in [0, 1]: 0 ignores field length, 1 divides fully by relative length. */
  b: number;
}

/**
 * BM25 inverse document frequency (the Lucene / Robertson–Spärck Jones form, never negative):
 * idf = ln(1 + (N − df + 0.5) / (df + 0.5)).
 */
export function bm25Idf(documentCount: number, documentFrequency: number): number {
  return Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * BM25F pseudo term frequency (Robertson, Zaragoza & Taylor 2004, "Simple BM25 extension to
 * multiple weighted fields"): field frequencies are length-normalised per field, weighted and summed
 * before the one saturation, so a term in title and description is not counted as two terms:
 * tf̃ = Σ_f w_f · tf_f / (1 − b_f + b_f · len_f / avglen_f).
 */
export function bm25fPseudoFrequency(
  fields: readonly FieldSpec[],
  termFrequencies: ArrayLike<number>,
  fieldLengths: ArrayLike<number>,
  averageLengths: ArrayLike<number>,
): number {
  let pseudo = 0;
  for (let f = 0; f < fields.length; f++) {
    const tf = termFrequencies[f] ?? 0;
    if (tf === 0) continue;
    const spec = fields[f]!;
    const average = averageLengths[f] ?? 0;
    const relative = average > 0 ? (fieldLengths[f] ?? 0) / average : 1;
    pseudo += (spec.weight * tf) / (1 - spec.b + spec.b * relative);
  }
  return pseudo;
}

/** BM25 saturation of a (pseudo) term frequency: tf̃ · (k1 + 1) / (tf̃ + k1). */
export function bm25Saturation(pseudoFrequency: number, k1: number): number {
  return pseudoFrequency <= 0 ? 0 : (pseudoFrequency * (k1 + 1)) / (pseudoFrequency + k1);
}

/**
 * Per-field BM25 summed over fields (Lucene's "most fields"): Σ_f w_f · (δ + sat(tf_f / norm_f)), with
 * BM25+'s lower bound δ (Lv & Zhai 2011) so a long field never scores a present term near zero. A term
 * found in title, tags and brand counts in each, where BM25F saturates them together; measured on
 * the relevance sets this ranks products better (a product word in a title and in its tags says
 * more than one mention).
 */
export function summedFieldSaturation(
  fields: readonly FieldSpec[],
  termFrequencies: ArrayLike<number>,
  fieldLengths: ArrayLike<number>,
  averageLengths: ArrayLike<number>,
  k1: number,
  delta = 0,
): number {
  let score = 0;
  for (let f = 0; f < fields.length; f++) {
    const tf = termFrequencies[f] ?? 0;
    if (tf === 0) continue;
    const spec = fields[f]!;
    const average = averageLengths[f] ?? 0;
    const relative = average > 0 ? (fieldLengths[f] ?? 0) / average : 1;
    score += spec.weight * (delta + bm25Saturation(tf / (1 - spec.b + spec.b * relative), k1));
  }
  return score;
}
