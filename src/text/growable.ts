type NumericArray = Int32Array | Float32Array | Uint8Array | Float64Array | Uint32Array;
type NumericArrayConstructor<T extends NumericArray> = new (length: number) => T;

/**
 * Returns `array` when it holds at least `length` elements, else a copy grown to at least twice its
 * size (amortised O(1) appends on typed arrays, as `std::vector` does).
 */
export function ensureCapacity<T extends NumericArray>(
  array: T,
  length: number,
  constructor: NumericArrayConstructor<T>,
): T {
  if (array.length >= length) return array;
  const grown = new constructor(Math.max(length, array.length * 2, 16));
  grown.set(array as never);
  return grown;
}

/** An append-only Int32 list on a typed array. */
export class Int32List {
  data: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.data = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.data = ensureCapacity(this.data, this.length + 1, Int32Array);
    this.data[this.length++] = value;
  }

  /** The elements as a right-sized copy. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** An append-only Float32 list on a typed array. */
export class Float32List {
  data: Float32Array;
  length = 0;

  constructor(capacity = 16) {
    this.data = new Float32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length)
      this.data = ensureCapacity(this.data, this.length + 1, Float32Array);
    this.data[this.length++] = value;
  }

  toArray(): Float32Array {
    return this.data.slice(0, this.length);
  }
}
