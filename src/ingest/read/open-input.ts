import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AisleError } from '../../core/errors.js';

/** A file opened for streaming: its bytes (gunzipped when the file is gzip) and progress counters. */
export interface InputFile {
  path: string;
  /** Size on disk (compressed size for gzip files). */
  sizeBytes: number;
  gzip: boolean;
  /** Decompressed byte chunks, read lazily: a 1 GB file is never held in memory. */
  chunks: AsyncIterable<Buffer>;
  /** Bytes of the file on disk consumed so far, for progress and ETA. */
  bytesRead(): number;
}

/**
 * Opens a file for streaming. Gzip is detected from the file's magic bytes, not its name.
 *
 * @example
 * const input = await openInput('../shared/datasets/taobao-userbehavior/rdav27-flink_ecommerce/UserBehavior.csv.gz');
 * for await (const chunk of input.chunks) { … }
 */
export async function openInput(path: string): Promise<InputFile> {
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new AisleError(
        'INVALID_ARGUMENT',
        `${path} is a directory; give a file (or use a data-set adapter)`,
        { path },
      );
    }
    sizeBytes = info.size;
  } catch (error) {
    if (error instanceof AisleError) throw error;
    throw new AisleError('FILE_NOT_FOUND', `Cannot read ${path}: no such file`, { path }, { cause: error });
  }
  const gzip = await hasGzipMagic(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  let consumed = 0;
  raw.on('data', (chunk) => {
    consumed += chunk.length;
  });
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (error) => stream.destroy(error));
  return {
    path,
    sizeBytes,
    gzip,
    chunks: readChunks(stream, path),
    bytesRead: () => consumed,
  };
}

async function* readChunks(stream: Readable, path: string): AsyncIterable<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    const truncatedGzip = error instanceof Error && /unexpected end of file/i.test(error.message);
    throw new AisleError(
      'UNSUPPORTED_FORMAT',
      truncatedGzip
        ? `${path} is a truncated gzip file; the records before the cut were imported`
        : `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { path },
      { cause: error },
    );
  }
}

async function hasGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(2);
    const { bytesRead } = await handle.read(header, 0, 2, 0);
    return bytesRead === 2 && header[0] === 0x1f && header[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
