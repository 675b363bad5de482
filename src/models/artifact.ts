import { AisleError } from '../core/errors.js';
import type { ModelArtifact, NumericArray } from './model.js';

const MAGIC = 'AISLEMD1';
const ARRAY_TYPES = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
type ArrayType = keyof typeof ARRAY_TYPES;

function typeOf(array: NumericArray): ArrayType {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Float64Array) return 'f64';
  if (array instanceof Int32Array) return 'i32';
  return 'u8';
}

/**
 * Serialises a model artifact: an 8-byte magic, a little-endian u32 header length, a JSON header
 * (model, config, meta, array directory), then each typed array's bytes, 8-byte aligned.
 * Little-endian throughout, as every platform Node runs on.
 */
export function encodeArtifact(artifact: ModelArtifact): Uint8Array {
  const directory: { name: string; type: ArrayType; length: number; offset: number }[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(artifact.arrays)) {
    directory.push({ name, type: typeOf(array), length: array.length, offset });
    offset += align(array.byteLength);
  }
  const header = Buffer.from(
    JSON.stringify({
      model: artifact.model,
      config: artifact.config,
      meta: artifact.meta,
      arrays: directory,
    }),
  );
  const headerEnd = align(12 + header.length);
  const out = new Uint8Array(headerEnd + offset);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  for (const entry of directory) {
    const array = artifact.arrays[entry.name]!;
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), headerEnd + entry.offset);
  }
  return out;
}

/** Reads an artifact written by `encodeArtifact`; arrays are copies aligned for their type. */
export function decodeArtifact(bytes: Uint8Array): ModelArtifact {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('ascii') !== MAGIC) {
    throw new AisleError('UNSUPPORTED_FORMAT', 'Not an Aisle model artifact (bad magic); retrain the model');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as {
    model: string;
    config: Record<string, unknown>;
    meta: Record<string, unknown>;
    arrays: { name: string; type: ArrayType; length: number; offset: number }[];
  };
  const headerEnd = align(12 + headerLength);
  const arrays: Record<string, NumericArray> = {};
  for (const entry of header.arrays) {
    const Type = ARRAY_TYPES[entry.type];
    const start = bytes.byteOffset + headerEnd + entry.offset;
    const byteLength = entry.length * Type.BYTES_PER_ELEMENT;
    // Copy so the array is aligned and owns its memory.
    arrays[entry.name] = new Type(bytes.buffer.slice(start, start + byteLength) as ArrayBuffer);
  }
  return { model: header.model, config: header.config, meta: header.meta, arrays };
}

function align(bytes: number): number {
  return (bytes + 7) & ~7;
}

/** Reads a named array of an artifact, checking its type (a corrupt or foreign artifact fails clearly). */
export function artifactArray<T extends NumericArray>(
  artifact: ModelArtifact,
  name: string,
  type: new (length: number) => T,
): T {
  const array = artifact.arrays[name];
  if (!(array instanceof type)) {
    throw new AisleError(
      'UNSUPPORTED_FORMAT',
      `Model artifact ${artifact.model} lacks array "${name}"; retrain the model`,
    );
  }
  return array;
}
