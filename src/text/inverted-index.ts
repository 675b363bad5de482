import { AisleError } from '../core/errors.js';
import { runSteps, runStepsInSlices } from '../core/yield.js';
import { arrayOf, packArrays, unpackArrays } from './binary-codec.js';
import {
  type FieldSpec,
  bm25Idf,
  bm25Saturation,
  bm25fPseudoFrequency,
  summedFieldSaturation,
} from './bm25f.js';
import { Float32List, Int32List, ensureCapacity } from './growable.js';

export interface InvertedIndexOptions {
  /** At most 8 fields (a posting records the fields a term occurs in as one byte). */
  fields: readonly FieldSpec[];
  /** BM25 term-frequency saturation. */
  k1: number;
  /** `bm25f`: fields weighted and summed, then saturated once; `sum`: each field saturated, then summed. */
  combination?: 'bm25f' | 'sum';
  /** BM25+ lower bound added to each present term's saturated frequency (0: plain BM25). */
  delta?: number;
}

/** Postings appended since the last compaction, with the document version that wrote them. */
interface DeltaPostings {
  docs: Int32List;
  scores: Float32List;
  fields: Int32List;
  versions: Int32List;
}

/** A posting list slice: `docs[i]`, `scores[i]` (saturated BM25F frequency) and `fields[i]` (bit mask). */
export interface PostingSlice {
  docs: Int32Array;
  scores: Float32Array;
  fields: Uint8Array | Int32Array;
  start: number;
  end: number;
}

const FIELD_BITS = 3;
const FIELD_MASK = (1 << FIELD_BITS) - 1;

/** The term id of a forward-index token (`documentTokens`). */
export function tokenTerm(token: number): number {
  return token >> FIELD_BITS;
}

/** The field of a forward-index token (`documentTokens`). */
export function tokenField(token: number): number {
  return token & FIELD_MASK;
}

/**
 * An inverted index with BM25F scoring over weighted fields, for a catalogue that changes.
 *
 * Documents are numbered by the caller (a stable number per item). Postings live in a compacted CSR
 * segment (`Int32Array` offsets and documents, `Float32Array` saturated BM25F frequencies, one byte of
 * field mask each) plus a delta of postings written since the last compaction; an updated document's
 * old postings stay in the CSR segment but are skipped (`inMain` is cleared), and delta postings carry
 * the document version that wrote them. A forward index (each document's tokens) lets `compact` rebuild
 * the CSR segment without analysing text again, and keeps document frequencies exact on deletion.
 * Per-posting scores use the average field lengths at the time they were written; compaction
 * refreshes them.
 */
export class InvertedIndex {
  readonly fields: readonly FieldSpec[];
  readonly k1: number;
  readonly combination: 'bm25f' | 'sum';
  readonly lowerBound: number;

  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  private docFrequency = new Int32Array(1024);

  private capacity = 0;
  /** 1 while the document exists. */
  alive = new Uint8Array(0);
  /** 1 when the document's current postings are in the CSR segment. */
  inMain = new Uint8Array(0);
  /** Bumped on each write of a document; delta postings of older versions are stale. */
  version = new Int32Array(0);
  private fieldLengths = new Float32Array(0);
  private readonly lengthSums: Float64Array;
  private liveDocuments = 0;

  private tokenStart = new Int32Array(0);
  private tokenCount = new Int32Array(0);
  private tokens = new Int32List(1024);

  private mainOffsets = new Int32Array(1);
  private mainDocs = new Int32Array(0);
  private mainScores = new Float32Array(0);
  private mainFields = new Uint8Array(0);
  private delta = new Map<number, DeltaPostings>();
  private deltaSize = 0;
  private staleTokens = 0;
  /** Documents written or removed, ever; and how many of those the CSR segment holds. */
  private writes = 0;
  private compactedWrites = 0;

  constructor(options: InvertedIndexOptions) {
    if (options.fields.length === 0 || options.fields.length > 1 << FIELD_BITS) {
      throw new AisleError('INVALID_ARGUMENT', `An index needs 1 to ${1 << FIELD_BITS} fields`, {
        fields: options.fields.length,
      });
    }
    this.fields = options.fields;
    this.k1 = options.k1;
    this.combination = options.combination ?? 'bm25f';
    this.lowerBound = options.delta ?? 0;
    this.lengthSums = new Float64Array(options.fields.length);
  }

  /** Live documents. */
  get documentCount(): number {
    return this.liveDocuments;
  }

  /** One past the highest document number ever written (size buffers indexed by document with it). */
  get documentSlots(): number {
    return this.alive.length === 0 ? 0 : this.highestSlot + 1;
  }
  private highestSlot = -1;

  get termCount(): number {
    return this.terms.length;
  }

  /** Postings written since the last compaction. */
  get pendingPostings(): number {
    return this.deltaSize;
  }

  /** The id of a term, or -1 when no document ever held it. */
  termId(term: string): number {
    return this.termIds.get(term) ?? -1;
  }

  term(termId: number): string {
    return this.terms[termId] ?? '';
  }

  /** Every term, in id order (for vocabulary structures built beside the index). */
  allTerms(): readonly string[] {
    return this.terms;
  }

  documentFrequency(termId: number): number {
    return termId >= 0 && termId < this.terms.length ? (this.docFrequency[termId] ?? 0) : 0;
  }

  idf(termId: number): number {
    return bm25Idf(this.liveDocuments, this.documentFrequency(termId));
  }

  averageFieldLength(field: number): number {
    return this.liveDocuments > 0 ? (this.lengthSums[field] ?? 0) / this.liveDocuments : 0;
  }

  /**
   * Writes (adds or replaces) a document: `fieldTerms[f]` are the terms of field f in order.
   * With `bulk`, postings are left for the next `compact()` (a full build compacts once at the end;
   * searches before that miss the document).
   */
  setDocument(doc: number, fieldTerms: readonly (readonly string[])[], bulk = false): void {
    if (!Number.isInteger(doc) || doc < 0) {
      throw new AisleError('INVALID_ARGUMENT', `Document numbers are non-negative integers, not ${doc}`);
    }
    if (fieldTerms.length !== this.fields.length) {
      throw new AisleError(
        'INVALID_ARGUMENT',
        `Expected ${this.fields.length} fields, got ${fieldTerms.length}`,
      );
    }
    this.ensureSlot(doc);
    if (this.alive[doc] === 1) this.removeDocument(doc);
    const fieldCount = this.fields.length;
    const start = this.tokens.length;
    for (let f = 0; f < fieldCount; f++) {
      const terms = fieldTerms[f]!;
      for (const term of terms) this.tokens.push((this.internTerm(term) << FIELD_BITS) | f);
      this.fieldLengths[doc * fieldCount + f] = terms.length;
      this.lengthSums[f]! += terms.length;
    }
    this.tokenStart[doc] = start;
    this.tokenCount[doc] = this.tokens.length - start;
    this.alive[doc] = 1;
    this.inMain[doc] = 0;
    this.writes++;
    this.version[doc]! += 1;
    this.liveDocuments++;
    const version = this.version[doc]!;
    const averages = this.averageLengths();
    this.forEachDistinctTerm(doc, (termId, frequencies, mask) => {
      this.docFrequency[termId]! += 1;
      if (bulk) return;
      let list = this.delta.get(termId);
      if (!list) {
        list = {
          docs: new Int32List(4),
          scores: new Float32List(4),
          fields: new Int32List(4),
          versions: new Int32List(4),
        };
        this.delta.set(termId, list);
      }
      list.docs.push(doc);
      list.scores.push(this.postingScore(doc, frequencies, averages));
      list.fields.push(mask);
      list.versions.push(version);
      this.deltaSize++;
    });
  }

  /** Removes a document; its number may be written again later. */
  removeDocument(doc: number): void {
    if (doc < 0 || doc >= this.capacity || this.alive[doc] !== 1) return;
    this.forEachDistinctTerm(doc, (termId) => {
      this.docFrequency[termId]! -= 1;
    });
    const fieldCount = this.fields.length;
    for (let f = 0; f < fieldCount; f++) this.lengthSums[f]! -= this.fieldLengths[doc * fieldCount + f]!;
    this.staleTokens += this.tokenCount[doc]!;
    this.tokenCount[doc] = 0;
    this.alive[doc] = 0;
    this.inMain[doc] = 0;
    this.writes++;
    this.liveDocuments--;
  }

  /** True when the document exists. */
  has(doc: number): boolean {
    return doc >= 0 && doc < this.capacity && this.alive[doc] === 1;
  }

  /**
   * Rebuilds the CSR segment from the forward index: every live document's postings, scored with the
   * current average field lengths; drops stale postings and tokens.
   */
  compact(): void {
    runSteps(this.compactSteps());
  }

  /**
   * `compact`, pausing for the event loop every few milliseconds (0.35 s in one piece on 100,000
   * items): searches meanwhile read the segment and delta from before, and the new segment is
   * swapped in at the end. A write that comes meanwhile is not lost: the compaction then runs again
   * at once, whole.
   */
  async compactInSlices(): Promise<void> {
    const writes = this.writes;
    await runStepsInSlices(this.compactSteps());
    if (this.writes !== writes) this.compact();
  }

  /** Whether a write came after the last compaction. */
  get uncompacted(): boolean {
    return this.writes !== this.compactedWrites;
  }

  /** The compaction, stopping every 1,024 document slots; nothing changes until its last step. */
  private *compactSteps(): Generator<void, void> {
    const writes = this.writes;
    const termCount = this.terms.length;
    const counts = new Int32Array(termCount + 1);
    const slots = this.documentSlots;
    for (let doc = 0; doc < slots; doc++) {
      if ((doc & 1023) === 1023) yield;
      if (this.alive[doc] !== 1) continue;
      this.forEachDistinctTerm(doc, (termId) => {
        counts[termId + 1]! += 1;
      });
    }
    for (let t = 0; t < termCount; t++) counts[t + 1]! += counts[t]!;
    const total = counts[termCount]!;
    const docs = new Int32Array(total);
    const scores = new Float32Array(total);
    const masks = new Uint8Array(total);
    const cursor = counts.slice(0, termCount);
    const averages = this.averageLengths();
    for (let doc = 0; doc < slots; doc++) {
      if ((doc & 1023) === 1023) yield;
      if (this.alive[doc] !== 1) continue;
      this.forEachDistinctTerm(doc, (termId, frequencies, mask) => {
        const at = cursor[termId]!++;
        docs[at] = doc;
        scores[at] = this.postingScore(doc, frequencies, averages);
        masks[at] = mask;
      });
    }
    // A write during the slices makes this segment stale: the caller compacts again.
    if (this.writes !== writes) return;
    for (let doc = 0; doc < slots; doc++) if (this.alive[doc] === 1) this.inMain[doc] = 1;
    this.mainOffsets = counts;
    this.mainDocs = docs;
    this.mainScores = scores;
    this.mainFields = masks;
    this.delta.clear();
    this.deltaSize = 0;
    this.compactedWrites = writes;
    if (this.staleTokens > this.tokens.length / 4) this.compactTokens();
  }

  /** The CSR postings of a term (documents ascending); callers skip documents whose `inMain` is 0. */
  mainPostings(termId: number): PostingSlice {
    const valid = termId >= 0 && termId + 1 < this.mainOffsets.length;
    return {
      docs: this.mainDocs,
      scores: this.mainScores,
      fields: this.mainFields,
      start: valid ? this.mainOffsets[termId]! : 0,
      end: valid ? this.mainOffsets[termId + 1]! : 0,
    };
  }

  /**
   * The delta postings of a term, or undefined. A delta posting counts only while
   * `version[doc] === versions[i]` and the document is alive.
   */
  deltaPostings(
    termId: number,
  ):
    | { docs: Int32Array; scores: Float32Array; fields: Int32Array; versions: Int32Array; length: number }
    | undefined {
    const list = this.delta.get(termId);
    if (!list) return undefined;
    return {
      docs: list.docs.data,
      scores: list.scores.data,
      fields: list.fields.data,
      versions: list.versions.data,
      length: list.docs.length,
    };
  }

  /**
   * The saturated BM25F frequency and field mask of one (term, document) pair, or undefined when the
   * document does not hold the term (binary search in the CSR segment, scan of the delta).
   */
  posting(termId: number, doc: number): { score: number; fields: number } | undefined {
    if (!this.has(doc) || termId < 0) return undefined;
    if (this.inMain[doc] === 1) {
      const { start, end } = this.mainPostings(termId);
      let low = start;
      let high = end - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const value = this.mainDocs[middle]!;
        if (value === doc) return { score: this.mainScores[middle]!, fields: this.mainFields[middle]! };
        if (value < doc) low = middle + 1;
        else high = middle - 1;
      }
      return undefined;
    }
    const delta = this.deltaPostings(termId);
    if (!delta) return undefined;
    const version = this.version[doc]!;
    for (let i = delta.length - 1; i >= 0; i--) {
      if (delta.docs[i] === doc && delta.versions[i] === version) {
        return { score: delta.scores[i]!, fields: delta.fields[i]! };
      }
    }
    return undefined;
  }

  /**
   * A live document's tokens from the forward index, field after field and in text order within a
   * field, each `(termId << 3) | field` (see `tokenTerm` and `tokenField`). A view: read it before
   * the next write to the index.
   */
  documentTokens(doc: number): Int32Array {
    return this.forwardTokens.subarray(this.tokenOffset(doc), this.tokenOffset(doc) + this.tokenLength(doc));
  }

  /**
   * The forward index's token array, for scans over many documents without a view per document:
   * document d's tokens are `[tokenOffset(d), tokenOffset(d) + tokenLength(d))`. Valid until the next
   * write to the index.
   */
  get forwardTokens(): Int32Array {
    return this.tokens.data;
  }

  /** Where a document's tokens start in `forwardTokens` (0 for a document that does not exist). */
  tokenOffset(doc: number): number {
    return this.has(doc) ? this.tokenStart[doc]! : 0;
  }

  /** How many tokens a document has in `forwardTokens` (0 for a document that does not exist). */
  tokenLength(doc: number): number {
    return this.has(doc) ? this.tokenCount[doc]! : 0;
  }

  /** The distinct terms of a live document with their field masks (for explanations and tests). */
  documentTerms(doc: number): { term: string; fields: number }[] {
    const result: { term: string; fields: number }[] = [];
    if (!this.has(doc)) return result;
    this.forEachDistinctTerm(doc, (termId, _frequencies, mask) => {
      result.push({ term: this.terms[termId]!, fields: mask });
    });
    return result;
  }

  /**
   * Serialises the whole index, compacting first when anything was written since the last
   * compaction, so the CSR segment holds everything (a save right after a refresh's compaction
   * does not compact again: 0.2 s on 100,000 items).
   */
  encode(): Uint8Array {
    if (this.uncompacted) this.compact();
    const slots = this.documentSlots;
    const fieldCount = this.fields.length;
    return packArrays(
      {
        fields: this.fields,
        k1: this.k1,
        combination: this.combination,
        delta: this.lowerBound,
        terms: this.terms,
        slots,
        version: 1,
      },
      {
        docFrequency: this.docFrequency.slice(0, this.terms.length),
        alive: this.alive.slice(0, slots),
        version: this.version.slice(0, slots),
        fieldLengths: this.fieldLengths.slice(0, slots * fieldCount),
        lengthSums: this.lengthSums,
        tokenStart: this.tokenStart.slice(0, slots),
        tokenCount: this.tokenCount.slice(0, slots),
        tokens: this.tokens.toArray(),
        mainOffsets: this.mainOffsets,
        mainDocs: this.mainDocs,
        mainScores: this.mainScores,
        mainFields: this.mainFields,
      },
    );
  }

  /** Reads what `encode` wrote. */
  static decode(bytes: Uint8Array): InvertedIndex {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as {
      fields: FieldSpec[];
      k1: number;
      combination: 'bm25f' | 'sum';
      delta: number;
      terms: string[];
      slots: number;
    };
    const index = new InvertedIndex({
      fields: meta.fields,
      k1: meta.k1,
      combination: meta.combination,
      delta: meta.delta,
    });
    meta.terms.forEach((term, id) => {
      index.termIds.set(term, id);
      index.terms.push(term);
    });
    index.docFrequency = new Int32Array(arrayOf(arrays, 'docFrequency', 'Int32Array'));
    index.ensureSlot(Math.max(meta.slots - 1, 0));
    if (meta.slots === 0) index.highestSlot = -1;
    index.alive.set(arrayOf(arrays, 'alive', 'Uint8Array'));
    index.version.set(arrayOf(arrays, 'version', 'Int32Array'));
    index.fieldLengths.set(arrayOf(arrays, 'fieldLengths', 'Float32Array'));
    index.lengthSums.set(arrayOf(arrays, 'lengthSums', 'Float64Array'));
    index.tokenStart.set(arrayOf(arrays, 'tokenStart', 'Int32Array'));
    index.tokenCount.set(arrayOf(arrays, 'tokenCount', 'Int32Array'));
    const tokens = arrayOf(arrays, 'tokens', 'Int32Array');
    index.tokens = new Int32List(Math.max(tokens.length, 16));
    index.tokens.data.set(tokens);
    index.tokens.length = tokens.length;
    index.mainOffsets = arrayOf(arrays, 'mainOffsets', 'Int32Array');
    index.mainDocs = arrayOf(arrays, 'mainDocs', 'Int32Array');
    index.mainScores = arrayOf(arrays, 'mainScores', 'Float32Array');
    index.mainFields = arrayOf(arrays, 'mainFields', 'Uint8Array');
    let live = 0;
    for (let doc = 0; doc < meta.slots; doc++) {
      if (index.alive[doc] === 1) {
        index.inMain[doc] = 1;
        live++;
      }
    }
    index.liveDocuments = live;
    return index;
  }

  private internTerm(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
      this.docFrequency = ensureCapacity(this.docFrequency, id + 1, Int32Array);
    }
    return id;
  }

  private ensureSlot(doc: number): void {
    if (doc > this.highestSlot) this.highestSlot = doc;
    if (doc < this.capacity) return;
    const capacity = Math.max(doc + 1, this.capacity * 2, 64);
    const fieldCount = this.fields.length;
    this.alive = ensureCapacity(this.alive, capacity, Uint8Array);
    this.inMain = ensureCapacity(this.inMain, capacity, Uint8Array);
    this.version = ensureCapacity(this.version, capacity, Int32Array);
    this.tokenStart = ensureCapacity(this.tokenStart, capacity, Int32Array);
    this.tokenCount = ensureCapacity(this.tokenCount, capacity, Int32Array);
    this.fieldLengths = ensureCapacity(this.fieldLengths, capacity * fieldCount, Float32Array);
    this.capacity = this.alive.length;
  }

  private readonly scratchFrequencies = new Float64Array(1 << FIELD_BITS);
  private scratchTokens = new Int32Array(64);

  /** Visits each distinct term of a document with its per-field frequencies and field mask. */
  private forEachDistinctTerm(
    doc: number,
    visit: (termId: number, frequencies: Float64Array, mask: number) => void,
  ): void {
    const count = this.tokenCount[doc]!;
    if (count === 0) return;
    const start = this.tokenStart[doc]!;
    this.scratchTokens = ensureCapacity(this.scratchTokens, count, Int32Array);
    const sorted = this.scratchTokens.subarray(0, count);
    sorted.set(this.tokens.data.subarray(start, start + count));
    sorted.sort();
    const frequencies = this.scratchFrequencies;
    let i = 0;
    while (i < count) {
      const termId = sorted[i]! >> FIELD_BITS;
      frequencies.fill(0);
      let mask = 0;
      while (i < count && sorted[i]! >> FIELD_BITS === termId) {
        const field = sorted[i]! & FIELD_MASK;
        frequencies[field]! += 1;
        mask |= 1 << field;
        i++;
      }
      visit(termId, frequencies, mask);
    }
  }

  private averageLengths(): Float64Array {
    const averages = new Float64Array(this.fields.length);
    for (let f = 0; f < averages.length; f++) averages[f] = this.averageFieldLength(f);
    return averages;
  }

  private postingScore(doc: number, frequencies: Float64Array, averages: Float64Array): number {
    const fieldCount = this.fields.length;
    const lengths = this.fieldLengths.subarray(doc * fieldCount, doc * fieldCount + fieldCount);
    if (this.combination === 'sum') {
      return summedFieldSaturation(this.fields, frequencies, lengths, averages, this.k1, this.lowerBound);
    }
    return (
      this.lowerBound +
      bm25Saturation(bm25fPseudoFrequency(this.fields, frequencies, lengths, averages), this.k1)
    );
  }

  private compactTokens(): void {
    const fresh = new Int32List(Math.max(this.tokens.length - this.staleTokens, 16));
    const slots = this.documentSlots;
    for (let doc = 0; doc < slots; doc++) {
      const count = this.tokenCount[doc]!;
      const start = this.tokenStart[doc]!;
      this.tokenStart[doc] = fresh.length;
      for (let i = 0; i < count; i++) fresh.push(this.tokens.data[start + i]!);
    }
    this.tokens = fresh;
    this.staleTokens = 0;
  }
}
