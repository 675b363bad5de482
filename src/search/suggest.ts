import { arrayOf, packArrays, unpackArrays } from '../text/binary-codec.js';
import { hasHan, normalizeText } from '../text/normalize.js';
import { quickPinyinKeys } from '../text/pinyin.js';
import { topK } from '../text/top-k.js';

/** One completion. */
export interface Suggestion {
  text: string;
  /** A past query or a catalogue term (brand, category, product word). */
  source: 'query' | 'catalogue';
  /** How the typed prefix matched: the text itself, its full pinyin, or its pinyin initials. */
  match: 'prefix' | 'pinyin' | 'initials';
  score: number;
}

/** A candidate completion with its popularity (query count, or items holding the term). */
export interface SuggestEntry {
  text: string;
  source: 'query' | 'catalogue';
  weight: number;
}

type KeyKind = 'key' | 'pinyin' | 'initials';

/** Lower-cased normalised text: what typed prefixes are compared with. */
export function suggestKey(text: string): string {
  return normalizeText(text).toLowerCase();
}

/**
 * Completions for a typed prefix, from past queries and catalogue terms: matched on the text itself
 * ("红色纯" → 红色纯棉t恤), on full pinyin ("hongse" → 红色…) and on pinyin initials ("hs" → 红色).
 * Three sorted key arrays answer a prefix by binary search; the range is ranked by weight (queries
 * count double: a shopper typed them) with shorter texts first on ties.
 */
export class SuggestIndex {
  private texts: string[] = [];
  private sources = new Uint8Array(0);
  private weights = new Float32Array(0);
  private keys: Record<KeyKind, string[]> = { key: [], pinyin: [], initials: [] };
  private order: Record<KeyKind, Int32Array> = {
    key: new Int32Array(0),
    pinyin: new Int32Array(0),
    initials: new Int32Array(0),
  };
  private readonly pending: SuggestEntry[] = [];
  private lastMerge = 0;

  get size(): number {
    return this.texts.length + this.pending.length;
  }

  static build(entries: Iterable<SuggestEntry>): SuggestIndex {
    const index = new SuggestIndex();
    index.rebuild(entries);
    return index;
  }

  /** Adds a query typed just now (merged in batches: every 100 queries or 30 seconds). */
  add(entry: SuggestEntry): void {
    this.pending.push(entry);
  }

  suggest(typed: string, limit = 10): Suggestion[] {
    if (this.pending.length >= 100 || (this.pending.length > 0 && Date.now() - this.lastMerge > 30_000)) {
      this.rebuild(this.pending.splice(0));
    }
    const prefix = suggestKey(typed);
    if (prefix.length === 0) return [];
    const compact = prefix.replace(/\s+/g, '');
    const found = new Map<number, Suggestion['match']>();
    this.collect('key', prefix, 'prefix', found);
    if (/^[a-z]+$/.test(compact)) {
      this.collect('pinyin', compact, 'pinyin', found);
      if (compact.length <= 6) this.collect('initials', compact, 'initials', found);
    }
    const ids = Int32Array.from(found.keys());
    const scores = new Float32Array(ids.length);
    ids.forEach((id, i) => {
      // Prefer matches on the text itself, then popular, then short completions.
      const exactness = found.get(id) === 'prefix' ? 1 : found.get(id) === 'pinyin' ? 0.8 : 0.5;
      scores[i] =
        exactness * Math.log1p(this.weights[id]! * (this.sources[id] === 1 ? 2 : 1)) -
        this.texts[id]!.length * 1e-3;
    });
    const best = topK(ids, scores, ids.length, limit);
    return Array.from(best.ids, (id, i) => ({
      text: this.texts[id]!,
      source: this.sources[id] === 1 ? ('query' as const) : ('catalogue' as const),
      match: found.get(id)!,
      score: Math.round(best.scores[i]! * 1000) / 1000,
    }));
  }

  encode(): Uint8Array {
    if (this.pending.length > 0) this.rebuild(this.pending.splice(0));
    return packArrays(
      { texts: this.texts, keys: this.keys },
      { sources: this.sources, weights: this.weights },
    );
  }

  static decode(bytes: Uint8Array): SuggestIndex {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as { texts: string[]; keys: Record<KeyKind, string[]> };
    const index = new SuggestIndex();
    index.texts = meta.texts;
    index.keys = meta.keys;
    index.sources = new Uint8Array(arrayOf(arrays, 'sources', 'Uint8Array'));
    index.weights = new Float32Array(arrayOf(arrays, 'weights', 'Float32Array'));
    index.sortKeys();
    return index;
  }

  private collect(
    kind: KeyKind,
    prefix: string,
    match: Suggestion['match'],
    found: Map<number, Suggestion['match']>,
  ): void {
    const keys = this.keys[kind];
    const order = this.order[kind];
    let low = 0;
    let high = order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (keys[order[middle]!]! < prefix) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < order.length; i++) {
      const id = order[i]!;
      if (!keys[id]!.startsWith(prefix)) break;
      if (!found.has(id)) found.set(id, match);
    }
  }

  /** Merges entries (same text: weights add) and rebuilds the sorted key arrays. */
  private rebuild(entries: Iterable<SuggestEntry>): void {
    this.lastMerge = Date.now();
    const merged = new Map<
      string,
      { text: string; source: number; weight: number; pinyin?: string; initials?: string }
    >();
    for (let id = 0; id < this.texts.length; id++) {
      merged.set(this.keys.key[id]!, {
        text: this.texts[id]!,
        source: this.sources[id]!,
        weight: this.weights[id]!,
        pinyin: this.keys.pinyin[id]!,
        initials: this.keys.initials[id]!,
      });
    }
    for (const entry of entries) {
      const key = suggestKey(entry.text);
      if (key.length === 0) continue;
      const known = merged.get(key);
      const source = entry.source === 'query' ? 1 : 0;
      if (known) {
        known.weight += entry.weight;
        known.source = Math.max(known.source, source);
      } else merged.set(key, { text: entry.text.trim(), source, weight: entry.weight });
    }
    const all = [...merged];
    this.texts = all.map(([, value]) => value.text);
    this.sources = Uint8Array.from(all.map(([, value]) => value.source));
    this.weights = Float32Array.from(all.map(([, value]) => value.weight));
    this.keys.key = all.map(([key]) => key);
    this.keys.pinyin = [];
    this.keys.initials = [];
    for (const [key, value] of all) {
      if (value.pinyin !== undefined && value.initials !== undefined) {
        this.keys.pinyin.push(value.pinyin);
        this.keys.initials.push(value.initials);
        continue;
      }
      const pinyin = hasHan(key) ? quickPinyinKeys(key) : undefined;
      this.keys.pinyin.push(pinyin ? pinyin.full : '');
      this.keys.initials.push(pinyin ? pinyin.initials : '');
    }
    this.sortKeys();
  }

  private sortKeys(): void {
    for (const kind of ['key', 'pinyin', 'initials'] as const) {
      const keys = this.keys[kind];
      // Native string sort of "key\u0000id" beats a comparator over ids by an order of magnitude.
      const tagged: string[] = [];
      keys.forEach((key, id) => {
        if (key.length > 0) tagged.push(`${key}\u0000${id}`);
      });
      tagged.sort();
      this.order[kind] = Int32Array.from(tagged, (entry) =>
        Number(entry.slice(entry.lastIndexOf('\u0000') + 1)),
      );
    }
  }
}
