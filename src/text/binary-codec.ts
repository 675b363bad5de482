import { AisleError } from '../core/errors.js';

type Packable = Int32Array | Uint32Array | Float32Array | Float64Array | Uint8Array | Uint16Array;

const constructors = {
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  Uint8Array,
  Uint16Array,
} as const;
type ArrayKind = keyof typeof constructors;

interface Entry {
  name: string;
  kind: ArrayKind;
  offset: number;
  length: number;
}

const MAGIC = 0x41534c31; // "ASL1"

/**
 * Packs typed arrays and a JSON header into one byte array (a store artifact): a small header, then
 * each array at an 8-byte aligned offset, so decoding makes views without copying.
 *
 * @example
 * const bytes = packArrays({ vocabulary: ['a'] }, { vectors: new Float32Array(8) });
 * const { header, arrays } = unpackArrays(bytes);
 */
export function packArrays(header: unknown, arrays: Record<string, Packable>): Uint8Array {
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    entries.push({ name, kind: array.constructor.name as ArrayKind, offset, length: array.length });
    offset += align8(array.byteLength);
  }
  const json = new TextEncoder().encode(JSON.stringify({ header, entries }));
  const start = align8(8 + json.byteLength);
  const bytes = new Uint8Array(start + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.byteLength, true);
  bytes.set(json, 8);
  for (const entry of entries) {
    const array = arrays[entry.name]!;
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + entry.offset);
  }
  return bytes;
}

/** Reads what `packArrays` wrote. The arrays are views on one aligned copy of the bytes. */
export function unpackArrays(bytes: Uint8Array): {
  header: unknown;
  arrays: Record<string, Packable>;
} {
  // A Buffer from the store may sit at any offset of a shared pool: typed views need alignment.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  const view = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  if (aligned.byteLength < 8 || view.getUint32(0, true) !== MAGIC) {
    throw new AisleError(
      'CONFLICT',
      'The stored search artifact is not in a format this Aisle reads; rebuild it',
      {
        bytes: aligned.byteLength,
      },
    );
  }
  const jsonLength = view.getUint32(4, true);
  const parsed = JSON.parse(new TextDecoder().decode(aligned.subarray(8, 8 + jsonLength))) as {
    header: unknown;
    entries: Entry[];
  };
  const start = align8(8 + jsonLength);
  const arrays: Record<string, Packable> = {};
  for (const entry of parsed.entries) {
    const constructor = constructors[entry.kind];
    arrays[entry.name] = new constructor(
      aligned.buffer as ArrayBuffer,
      aligned.byteOffset + start + entry.offset,
      entry.length,
    ) as Packable;
  }
  return { header: parsed.header, arrays };
}

/** An array from `unpackArrays`, checked for its type. */
export function arrayOf<K extends ArrayKind>(
  arrays: Record<string, Packable>,
  name: string,
  kind: K,
): InstanceType<(typeof constructors)[K]> {
  const array = arrays[name];
  if (!(array instanceof constructors[kind])) {
    throw new AisleError('CONFLICT', `The stored search artifact lacks ${name}; rebuild it`, { name });
  }
  return array as InstanceType<(typeof constructors)[K]>;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
