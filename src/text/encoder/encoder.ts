/** What a text is encoded for: some encoders (e5) prefix queries and documents differently. */
export type EncodePurpose = 'query' | 'document';

/** The implementations Aisle ships, chosen by name in the search configuration. */
export type EncoderKind = 'trained' | 'onnx';

/**
 * A text encoder: texts in, one L2-normalised vector per text out, so cosine similarity is a dot
 * product. Two implementations: `trained` (subword embeddings trained on the shop's own text and
 * behaviour, `trained-encoder.ts`) and `onnx` (a transformer model directory run with
 * @huggingface/transformers on onnxruntime-node, `onnx-encoder.ts`).
 */
export interface Encoder {
  readonly kind: EncoderKind;
  /**
   * Identifies the model and its version: vectors computed under another id are stale and must be
   * computed again (the item-embedding cache keys on it).
   */
  readonly id: string;
  readonly dimensions: number;
  /** Row-major `texts.length × dimensions`, each row of unit length (all zero for an empty text). */
  encode(texts: readonly string[], purpose: EncodePurpose): Promise<Float32Array>;
  /** What /health and the logs report about this encoder. */
  describe(): Record<string, unknown>;
  /** Releases native sessions. */
  close(): Promise<void>;
}

/** Scales each row of a row-major matrix to unit length (zero rows stay zero). */
export function normalizeRows(matrix: Float32Array, dimensions: number): Float32Array {
  const rows = matrix.length / dimensions;
  for (let row = 0; row < rows; row++) {
    const base = row * dimensions;
    let norm = 0;
    for (let i = 0; i < dimensions; i++) norm += matrix[base + i]! * matrix[base + i]!;
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) matrix[base + i]! *= scale;
  }
  return matrix;
}
