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
  /** Key → id, built at the first merge after a build or decode. */
  private idOfKey: Map<string, number> | undefined;

  get size(): number {
    return this.texts.length + this.pending.length;
  }

  static build(entries: Iterable<SuggestEntry>): SuggestIndex {
    const index = new SuggestIndex();
    index.merge(entries);
    return index;
  }

  /** Adds a query typed just now (merged in batches: every 100 queries or 30 seconds). */
  add(entry: SuggestEntry): void {
    this.pending.push(entry);
  }

  suggest(typed: string, limit = 10): Suggestion[] {
    if (this.pending.length >= 100 || (this.pending.length > 0 && Date.now() - this.lastMerge > 30_000)) {
      this.merge(this.pending.splice(0));
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
    if (this.pending.length > 0) this.merge(this.pending.splice(0));
    // The sorted orders are stored too: sorting every key again took most of a load's time.
    return packArrays(
      { texts: this.texts, keys: this.keys },
      {
        sources: this.sources,
        weights: this.weights,
        orderKey: this.order.key,
        orderPinyin: this.order.pinyin,
        orderInitials: this.order.initials,
      },
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
    if (arrays['orderKey'] && arrays['orderPinyin'] && arrays['orderInitials']) {
      index.order = {
        key: new Int32Array(arrayOf(arrays, 'orderKey', 'Int32Array')),
        pinyin: new Int32Array(arrayOf(arrays, 'orderPinyin', 'Int32Array')),
        initials: new Int32Array(arrayOf(arrays, 'orderInitials', 'Int32Array')),
      };
    } else index.sortKeys(); // written before the orders were stored
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

  /**
   * Merges entries: a known text adds its weight, a new one is appended (ids never move), and the
   * new keys are sorted on their own and merged into each sorted order in one linear pass. Live
   * query logging merges every 100 queries; re-sorting every key each time took about 400 ms on a
   * 100,000-query log, on the serving thread.
   */
  private merge(entries: Iterable<SuggestEntry>): void {
    this.lastMerge = Date.now();
    const idOf = (this.idOfKey ??= new Map(this.keys.key.map((key, id) => [key, id])));
    const before = this.texts.length;
    const addedSources: number[] = [];
    const addedWeights: number[] = [];
    const weights = this.weights;
    for (const entry of entries) {
      const key = suggestKey(entry.text);
      if (key.length === 0) continue;
      const source = entry.source === 'query' ? 1 : 0;
      const id = idOf.get(key);
      if (id !== undefined && id < before) {
        weights[id] = weights[id]! + entry.weight;
        if (source > this.sources[id]!) this.sources[id] = source;
      } else if (id !== undefined) {
        // Appended earlier in this same merge.
        addedWeights[id - before] = addedWeights[id - before]! + entry.weight;
        addedSources[id - before] = Math.max(addedSources[id - before]!, source);
      } else {
        idOf.set(key, this.texts.length);
        this.texts.push(entry.text.trim());
        this.keys.key.push(key);
        const pinyin = hasHan(key) ? quickPinyinKeys(key) : undefined;
        this.keys.pinyin.push(pinyin ? pinyin.full : '');
        this.keys.initials.push(pinyin ? pinyin.initials : '');
        addedSources.push(source);
        addedWeights.push(entry.weight);
      }
    }
    if (addedSources.length === 0) return;
    const sources = new Uint8Array(this.texts.length);
    sources.set(this.sources);
    sources.set(addedSources, before);
    this.sources = sources;
    const grown = new Float32Array(this.texts.length);
    grown.set(weights);
    grown.set(addedWeights, before);
    this.weights = grown;
    for (const kind of ['key', 'pinyin', 'initials'] as const) {
      this.order[kind] = mergeOrders(this.keys[kind], this.order[kind], sortedIds(this.keys[kind], before));
    }
  }

  private sortKeys(): void {
    for (const kind of ['key', 'pinyin', 'initials'] as const)
      this.order[kind] = sortedIds(this.keys[kind], 0);
  }
}

/**
 * Ids from `from` on with a non-empty key, ordered by key, then by id. A native sort of
 * "key\u0000<padded id>" strings beats a comparator over ids by an order of magnitude.
 */
function sortedIds(keys: readonly string[], from: number): Int32Array {
  const tagged: string[] = [];
  for (let id = from; id < keys.length; id++) {
    if (keys[id]!.length > 0) tagged.push(`${keys[id]}\u0000${String(id).padStart(10, '0')}`);
  }
  tagged.sort();
  return Int32Array.from(tagged, (entry) => Number(entry.slice(entry.lastIndexOf('\u0000') + 1)));
}

/** Two id lists, each ordered by (key, id), merged into one in the same order. */
function mergeOrders(keys: readonly string[], a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  while (i < a.length && j < b.length) {
    const left = keys[a[i]!]!;
    const right = keys[b[j]!]!;
    out[o++] = left < right || (left === right && a[i]! < b[j]!) ? a[i++]! : b[j++]!;
  }
  while (i < a.length) out[o++] = a[i++]!;
  while (j < b.length) out[o++] = b[j++]!;
  return out;
}
