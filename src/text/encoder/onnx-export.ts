import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasHan } from '../normalize.js';
import { encodeOnnxModel, floatTensor, int64Tensor, OnnxType } from './onnx-proto.js';
import type { TrainedEncoder } from './trained-encoder.js';

export interface OnnxExportOptions {
  /** Most vocabulary words exported (the most frequent); characters and letters always are. */
  maxWords: number;
  /** Longest input in tokens the tokenizer keeps. */
  maxLength: number;
}

/** What an export wrote. */
export interface OnnxExport {
  dir: string;
  vocabularySize: number;
  dimensions: number;
}

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
/** Inflections the light stemmer strips: WordPiece finds "charg" + "##ing"; they carry no meaning. */
const SUFFIXES = ['s', 'es', 'e', 'ed', 'ing', 'ies', 'y'];
/** Characters BERT's pre-tokenizer splits on: a token holding one could never be produced. */
const SPLITS = /[\s\p{P}\p{S}]/u;

/**
 * Exports a trained encoder as a Hugging Face model directory that @huggingface/transformers loads
 * like any BERT-style encoder: `config.json`, `tokenizer.json` (a WordPiece tokenizer whose vocabulary
 * is the encoder's words, their "##" continuations, Han characters and letters), `tokenizer_config.json`,
 * `aisle-encoder.json` (pooling and prefixes) and `onnx/model.onnx`, a graph of standard operators
 * (Gather → Cast → Unsqueeze → Mul) mapping token ids to SIF-weighted word vectors, masked.
 *
 * Mean pooling of its output reproduces the trained encoder's SIF-weighted mean wherever WordPiece's
 * greedy longest-match cut agrees with the analyzer's segmentation; jieba cannot run inside a
 * tokenizer, so Chinese runs are cut by longest match — an approximation of the same model.
 *
 * @example
 * exportToOnnx(encoder, './models/aisle-trained'); // then AISLE_MODEL_DIR=./models/aisle-trained
 */
export function exportToOnnx(
  encoder: TrainedEncoder,
  dir: string,
  options: Partial<OnnxExportOptions> = {},
): OnnxExport {
  const { maxWords, maxLength } = { maxWords: 50_000, maxLength: 128, ...options };
  const d = encoder.dimensions;
  const { words, wordCounts } = encoder.data;
  const tokens: string[] = [...SPECIAL_TOKENS];
  const vectors: Float32Array[] = SPECIAL_TOKENS.map(() => new Float32Array(d));
  const seen = new Set<string>(tokens);
  const addToken = (token: string, vector: Float32Array) => {
    if (seen.has(token)) return;
    seen.add(token);
    tokens.push(token);
    vectors.push(vector);
  };
  const wordVector = (word: string): Float32Array => {
    const vector = new Float32Array(d);
    encoder.addWordVector(word, vector, encoder.wordWeight(word));
    return vector;
  };

  const ranked = words
    .map((word, id) => ({ word, count: wordCounts[id]! }))
    .filter(({ word }) => word.length > 0 && !SPLITS.test(word))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : 1))
    .slice(0, maxWords);
  const characters = new Set<string>();
  for (const { word } of ranked) {
    const vector = wordVector(word);
    addToken(word, vector);
    addToken(`##${word}`, vector);
    if (hasHan(word)) for (const char of word) characters.add(char);
  }
  for (const char of [...characters, ...'abcdefghijklmnopqrstuvwxyz0123456789']) {
    const vector = wordVector(char);
    addToken(char, vector);
    addToken(`##${char}`, vector);
  }
  for (const suffix of SUFFIXES) addToken(`##${suffix}`, new Float32Array(d));

  const embeddings = new Float32Array(tokens.length * d);
  vectors.forEach((vector, id) => embeddings.set(vector, id * d));
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), onnxGraph(embeddings, tokens.length, d));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(tokens)));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      {
        tokenizer_class: 'BertTokenizer',
        do_lower_case: true,
        model_max_length: maxLength,
        pad_token: '[PAD]',
        unk_token: '[UNK]',
        cls_token: '[CLS]',
        sep_token: '[SEP]',
        mask_token: '[MASK]',
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      {
        model_type: 'bert',
        architectures: ['BertModel'],
        hidden_size: d,
        vocab_size: tokens.length,
        num_hidden_layers: 0,
        num_attention_heads: 1,
        intermediate_size: d,
        max_position_embeddings: maxLength,
        type_vocab_size: 1,
        pad_token_id: 0,
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'aisle-encoder.json'),
    JSON.stringify(
      {
        pooling: 'mean',
        queryPrefix: '',
        documentPrefix: '',
        maxLength,
        source: `Aisle trained encoder ${encoder.id}, exported to ONNX`,
      },
      null,
      2,
    ),
  );
  return { dir, vocabularySize: tokens.length, dimensions: d };
}

function onnxGraph(embeddings: Float32Array, vocabularySize: number, d: number): Uint8Array {
  return encodeOnnxModel({
    name: 'aisle_trained_encoder',
    nodes: [
      {
        opType: 'Gather',
        name: 'lookup',
        inputs: ['embeddings', 'input_ids'],
        outputs: ['token_vectors'],
        attributes: [{ name: 'axis', int: 0 }],
      },
      {
        opType: 'Cast',
        name: 'mask_to_float',
        inputs: ['attention_mask'],
        outputs: ['mask_float'],
        attributes: [{ name: 'to', int: OnnxType.FLOAT }],
      },
      { opType: 'Unsqueeze', name: 'mask_expand', inputs: ['mask_float', 'mask_axes'], outputs: ['mask_3d'] },
      {
        opType: 'Mul',
        name: 'apply_mask',
        inputs: ['token_vectors', 'mask_3d'],
        outputs: ['last_hidden_state'],
      },
    ],
    initializers: [
      floatTensor('embeddings', [vocabularySize, d], embeddings),
      int64Tensor('mask_axes', [1], [2]),
    ],
    inputs: [
      { name: 'input_ids', elemType: OnnxType.INT64, shape: ['batch', 'sequence'] },
      { name: 'attention_mask', elemType: OnnxType.INT64, shape: ['batch', 'sequence'] },
    ],
    outputs: [{ name: 'last_hidden_state', elemType: OnnxType.FLOAT, shape: ['batch', 'sequence', d] }],
  });
}

function tokenizerJson(tokens: readonly string[]): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    // Han characters are not split apart (handle_chinese_chars off): WordPiece's longest match cuts
    // Chinese runs into the encoder's words.
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: false,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}
