/**
 * Catalogue-sized buffers reused across requests. A request's ranking (scores, then the top-k
 * selection) runs synchronously once its history is read, so one set per process is never in use
 * by two requests at once. On a 200,000-item catalogue a fresh score vector and exclusion mask per
 * request were 1 MB of large-object allocations each: at 500 requests/s the old-generation
 * collections they caused dominated the tail latency.
 */
export class RequestScratch {
  private scores = new Float32Array(0);
  private mask = new Uint8Array(0);

  /** A score vector of length n (contents undefined: the caller overwrites every entry). */
  scoresOf(n: number): Float32Array {
    if (this.scores.length !== n) this.scores = new Float32Array(n);
    return this.scores;
  }

  /** A zeroed mask of length n. */
  maskOf(n: number): Uint8Array {
    if (this.mask.length !== n) this.mask = new Uint8Array(n);
    else this.mask.fill(0);
    return this.mask;
  }
}
