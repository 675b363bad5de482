import type { Item } from '../core/entities.js';
import { arrayOf, packArrays, unpackArrays } from '../text/binary-codec.js';
import { ensureCapacity } from '../text/growable.js';

/** Separator of category levels in paths, filters and facets. */
export const CATEGORY_SEPARATOR = ' > ';

/** Interned strings: id ↔ value. */
class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  id(value: string): number {
    return this.ids.get(value) ?? -1;
  }

  static from(values: readonly string[]): Dictionary {
    const dictionary = new Dictionary();
    for (const value of values) dictionary.intern(value);
    return dictionary;
  }
}

/**
 * What search needs of each item besides its text, in columns indexed by document number: id,
 * title, price, creation time, stock, brand, seller, category path, attributes, popularity and a
 * fingerprint of the item's content. Document numbers are stable per item and reused after deletion.
 */
export class DocTable {
  itemIds: (string | undefined)[] = [];
  titles: string[] = [];
  private readonly docOfItem = new Map<string, number>();
  private free: number[] = [];

  price = new Float64Array(0);
  createdAt = new Float64Array(0);
  available = new Uint8Array(0);
  brand = new Int32Array(0);
  seller = new Int32Array(0);
  category = new Int32Array(0);
  popularity = new Float32Array(0);
  fingerprint = new Uint32Array(0);
  /** Interned "key=value" attribute pairs per document. */
  attributes: Int32Array[] = [];

  readonly brands = new Dictionary();
  readonly sellers = new Dictionary();
  readonly categories = new Dictionary();
  readonly attributePairs = new Dictionary();
  /** For each category path id, the ids of the path and all its ancestors. */
  categoryAncestors: Int32Array[] = [];

  private slots = 0;

  /** Live documents. */
  get size(): number {
    return this.docOfItem.size;
  }

  /** One past the highest document number in use. */
  get documentSlots(): number {
    return this.slots;
  }

  docOf(itemId: string): number | undefined {
    return this.docOfItem.get(itemId);
  }

  /** Item ids of live documents. */
  liveItemIds(): IterableIterator<string> {
    return this.docOfItem.keys();
  }

  /** The document number of an item, allocating one (a freed number first) if it is new. */
  allocate(itemId: string): number {
    const known = this.docOfItem.get(itemId);
    if (known !== undefined) return known;
    const doc = this.free.pop() ?? this.slots;
    if (doc >= this.slots) this.slots = doc + 1;
    this.ensure(doc + 1);
    this.docOfItem.set(itemId, doc);
    this.itemIds[doc] = itemId;
    return doc;
  }

  /** Stores an item's columns under its document number. */
  set(doc: number, item: Item, fingerprint: number): void {
    this.ensure(doc + 1);
    this.titles[doc] = item.title;
    this.price[doc] = item.price ?? Number.NaN;
    this.createdAt[doc] = item.createdAt ?? Number.NaN;
    this.available[doc] = item.available ? 1 : 0;
    this.brand[doc] = item.brand ? this.brands.intern(item.brand) : -1;
    this.seller[doc] = item.sellerId ? this.sellers.intern(item.sellerId) : -1;
    this.category[doc] = item.categoryPath.length > 0 ? this.internPath(item.categoryPath) : -1;
    const pairs: number[] = [];
    for (const [key, value] of Object.entries(item.attributes)) {
      pairs.push(this.attributePairs.intern(`${key}=${String(value)}`));
    }
    this.attributes[doc] = Int32Array.from(pairs);
    this.fingerprint[doc] = fingerprint;
  }

  /** Frees an item's document number. */
  remove(itemId: string): number | undefined {
    const doc = this.docOfItem.get(itemId);
    if (doc === undefined) return undefined;
    this.docOfItem.delete(itemId);
    this.itemIds[doc] = undefined;
    this.titles[doc] = '';
    this.attributes[doc] = new Int32Array(0);
    this.popularity[doc] = 0;
    this.free.push(doc);
    return doc;
  }

  /** The category path ids a filter on `path` (a prefix, levels joined by " > ") accepts. */
  categoryIdsUnder(path: string): Set<number> {
    const wanted = this.categories.id(path);
    const ids = new Set<number>();
    if (wanted === -1) return ids;
    this.categoryAncestors.forEach((ancestors, id) => {
      if (ancestors.includes(wanted)) ids.add(id);
    });
    return ids;
  }

  encode(): Uint8Array {
    const slots = this.slots;
    const attributeOffsets = new Int32Array(slots + 1);
    for (let doc = 0; doc < slots; doc++) {
      attributeOffsets[doc + 1] = attributeOffsets[doc]! + (this.attributes[doc]?.length ?? 0);
    }
    const attributeIds = new Int32Array(attributeOffsets[slots]!);
    for (let doc = 0; doc < slots; doc++)
      attributeIds.set(this.attributes[doc] ?? [], attributeOffsets[doc]!);
    return packArrays(
      {
        itemIds: this.itemIds.slice(0, slots).map((id) => id ?? null),
        titles: this.titles.slice(0, slots),
        brands: this.brands.values,
        sellers: this.sellers.values,
        categories: this.categories.values,
        attributePairs: this.attributePairs.values,
        slots,
      },
      {
        price: this.price.slice(0, slots),
        createdAt: this.createdAt.slice(0, slots),
        available: this.available.slice(0, slots),
        brand: this.brand.slice(0, slots),
        seller: this.seller.slice(0, slots),
        category: this.category.slice(0, slots),
        popularity: this.popularity.slice(0, slots),
        fingerprint: this.fingerprint.slice(0, slots),
        attributeOffsets,
        attributeIds,
      },
    );
  }

  static decode(bytes: Uint8Array): DocTable {
    const { header, arrays } = unpackArrays(bytes);
    const meta = header as {
      itemIds: (string | null)[];
      titles: string[];
      brands: string[];
      sellers: string[];
      categories: string[];
      attributePairs: string[];
      slots: number;
    };
    const table = new DocTable();
    table.ensure(meta.slots);
    table.slots = meta.slots;
    for (const value of meta.brands) table.brands.intern(value);
    for (const value of meta.sellers) table.sellers.intern(value);
    for (const value of meta.attributePairs) table.attributePairs.intern(value);
    for (const value of meta.categories) table.internPath(value.split(CATEGORY_SEPARATOR));
    table.price.set(arrayOf(arrays, 'price', 'Float64Array'));
    table.createdAt.set(arrayOf(arrays, 'createdAt', 'Float64Array'));
    table.available.set(arrayOf(arrays, 'available', 'Uint8Array'));
    table.brand.set(arrayOf(arrays, 'brand', 'Int32Array'));
    table.seller.set(arrayOf(arrays, 'seller', 'Int32Array'));
    table.category.set(arrayOf(arrays, 'category', 'Int32Array'));
    table.popularity.set(arrayOf(arrays, 'popularity', 'Float32Array'));
    table.fingerprint.set(arrayOf(arrays, 'fingerprint', 'Uint32Array'));
    const offsets = arrayOf(arrays, 'attributeOffsets', 'Int32Array');
    const ids = arrayOf(arrays, 'attributeIds', 'Int32Array');
    for (let doc = 0; doc < meta.slots; doc++) {
      table.attributes[doc] = ids.slice(offsets[doc]!, offsets[doc + 1]!);
      const itemId = meta.itemIds[doc];
      table.titles[doc] = meta.titles[doc] ?? '';
      if (itemId === null || itemId === undefined) table.free.push(doc);
      else {
        table.itemIds[doc] = itemId;
        table.docOfItem.set(itemId, doc);
      }
    }
    return table;
  }

  private internPath(path: readonly string[]): number {
    let id = -1;
    for (let depth = 1; depth <= path.length; depth++) {
      const prefix = path.slice(0, depth).join(CATEGORY_SEPARATOR);
      const known = this.categories.id(prefix);
      id = known === -1 ? this.categories.intern(prefix) : known;
      if (known === -1) {
        const parent =
          depth > 1
            ? this.categoryAncestors[this.categories.id(path.slice(0, depth - 1).join(CATEGORY_SEPARATOR))]
            : undefined;
        this.categoryAncestors[id] = Int32Array.from([...(parent ?? []), id]);
      }
    }
    return id;
  }

  private ensure(length: number): void {
    if (this.price.length >= length) return;
    const capacity = Math.max(length, this.price.length * 2, 64);
    const grownFloat = this.price.length;
    this.price = ensureCapacity(this.price, capacity, Float64Array);
    this.price.fill(Number.NaN, grownFloat);
    this.createdAt = ensureCapacity(this.createdAt, capacity, Float64Array);
    this.createdAt.fill(Number.NaN, grownFloat);
    this.available = ensureCapacity(this.available, capacity, Uint8Array);
    this.brand = ensureCapacity(this.brand, capacity, Int32Array);
    this.seller = ensureCapacity(this.seller, capacity, Int32Array);
    this.category = ensureCapacity(this.category, capacity, Int32Array);
    this.popularity = ensureCapacity(this.popularity, capacity, Float32Array);
    this.fingerprint = ensureCapacity(this.fingerprint, capacity, Uint32Array);
  }
}
