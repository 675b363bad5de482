import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { AisleError } from '../../core/errors.js';
import { normalizeText } from '../normalize.js';
import { type EncodePurpose, type Encoder, normalizeRows } from './encoder.js';

/** Optional `aisle-encoder.json` in a model directory: how to pool and prefix. */
const encoderSettingsSchema = z
  .object({
    pooling: z.enum(['mean', 'cls']).default('mean'),
    queryPrefix: z.string().optional(),
    documentPrefix: z.string().optional(),
    maxLength: z.number().int().min(8).max(8192).default(256),
  })
  .passthrough();

export interface OnnxEncoderOptions {
  /** A Hugging Face model directory: config.json, tokenizer files and onnx/model.onnx. */
  modelDir: string;
  /** Texts per inference call. */
  batchSize?: number;
  /** onnxruntime intra-op threads (the machine's cores are shared with the server). */
  threads?: number;
}

/**
 * Where a pretrained encoder is, in DESIGN.md's order: `AISLE_MODEL_DIR`, then `./models/<name>`;
 * undefined when neither holds a model. Models are never downloaded.
 */
export function resolveModelDir(
  name: string,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  const candidates = [
    env['AISLE_MODEL_DIR'],
    resolve(cwd, 'models', name),
    existsSync(name) ? name : undefined,
  ];
  for (const candidate of candidates) {
    if (candidate && existsSync(join(candidate, 'config.json'))) return resolve(candidate);
  }
  return undefined;
}

/**
 * The `onnx` encoder: a transformer (or any encoder exported the Hugging Face way) run by
 * @huggingface/transformers on onnxruntime-node, with remote loading switched off. Texts are
 * normalised as the lexical index normalises them (NFKC, traditional → simplified), prefixed as the
 * model asks (e5: "query: " / "passage: "), tokenized, run in batches, then mean- or CLS-pooled over
 * the attention mask and L2-normalised.
 *
 * @example
 * const encoder = await createOnnxEncoder({ modelDir: resolveModelDir('multilingual-e5-small')! });
 */
export async function createOnnxEncoder(options: OnnxEncoderOptions): Promise<Encoder> {
  const dir = resolve(options.modelDir);
  const modelFile = join(dir, 'onnx', 'model.onnx');
  if (!existsSync(join(dir, 'config.json')) || !existsSync(modelFile)) {
    throw new AisleError(
      'FILE_NOT_FOUND',
      `${dir} is not an ONNX model directory: it needs config.json, tokenizer.json and onnx/model.onnx`,
      { modelDir: dir },
    );
  }
  const settingsPath = join(dir, 'aisle-encoder.json');
  const settings = encoderSettingsSchema.parse(
    existsSync(settingsPath) ? (JSON.parse(readFileSync(settingsPath, 'utf8')) as unknown) : {},
  );
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
    hidden_size?: number;
    model_type?: string;
  };
  const e5 = /e5/i.test(basename(dir));
  const queryPrefix = settings.queryPrefix ?? (e5 ? 'query: ' : '');
  const documentPrefix = settings.documentPrefix ?? (e5 ? 'passage: ' : '');

  const transformers = await import('@huggingface/transformers');
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  let tokenizer: Awaited<ReturnType<typeof transformers.AutoTokenizer.from_pretrained>>;
  let model: Awaited<ReturnType<typeof transformers.AutoModel.from_pretrained>>;
  try {
    tokenizer = await transformers.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    model = await transformers.AutoModel.from_pretrained(dir, {
      local_files_only: true,
      dtype: 'fp32',
      device: 'cpu',
      session_options: { intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1 },
    });
  } catch (error) {
    throw new AisleError(
      'CONFIG_INVALID',
      `Cannot load the ONNX encoder in ${dir}: ${error instanceof Error ? error.message : String(error)}`,
      { modelDir: dir },
      { cause: error },
    );
  }
  const stat = statSync(modelFile);
  const batchSize = options.batchSize ?? 32;
  let dimensions = config.hidden_size ?? 0;

  const encodeBatch = async (texts: readonly string[]): Promise<Float32Array> => {
    const inputs = tokenizer([...texts], { padding: true, truncation: true, max_length: settings.maxLength });
    const output = (await model(inputs)) as Record<
      string,
      { data: Float32Array; dims: number[] } | undefined
    >;
    const hidden = output['last_hidden_state'] ?? output['token_embeddings'];
    if (!hidden) {
      throw new AisleError('CONFIG_INVALID', `The model in ${dir} has no last_hidden_state output`, {
        modelDir: dir,
      });
    }
    const [batch, sequence, width] = hidden.dims as [number, number, number];
    dimensions = width;
    const mask = (inputs as { attention_mask: { data: BigInt64Array | Int32Array } }).attention_mask.data;
    const pooled = new Float32Array(batch * width);
    for (let b = 0; b < batch; b++) {
      if (settings.pooling === 'cls') {
        pooled.set(hidden.data.subarray(b * sequence * width, b * sequence * width + width), b * width);
        continue;
      }
      let tokens = 0;
      for (let t = 0; t < sequence; t++) {
        if (Number(mask[b * sequence + t]) === 0) continue;
        tokens++;
        const base = (b * sequence + t) * width;
        for (let k = 0; k < width; k++) pooled[b * width + k]! += hidden.data[base + k]!;
      }
      if (tokens > 0) for (let k = 0; k < width; k++) pooled[b * width + k]! /= tokens;
    }
    return normalizeRows(pooled, width);
  };

  return {
    kind: 'onnx',
    id: `onnx:${basename(dir)}:${stat.size}:${Math.round(stat.mtimeMs)}`,
    get dimensions() {
      return dimensions;
    },
    async encode(texts: readonly string[], purpose: EncodePurpose): Promise<Float32Array> {
      const prefix = purpose === 'query' ? queryPrefix : documentPrefix;
      const prepared = texts.map((text) => `${prefix}${normalizeText(text)}`);
      const parts: Float32Array[] = [];
      for (let start = 0; start < prepared.length; start += batchSize) {
        parts.push(await encodeBatch(prepared.slice(start, start + batchSize)));
      }
      const out = new Float32Array(texts.length * dimensions);
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      return out;
    },
    describe: () => ({
      kind: 'onnx',
      modelDir: dir,
      modelType: config.model_type,
      dimensions,
      pooling: settings.pooling,
      runtime: 'onnxruntime-node (CPU)',
    }),
    close: async () => {
      await model.dispose();
    },
  };
}
