import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { AisleError } from '../core/errors.js';
import { synonymGroupsSchema } from '../text/synonyms.js';

const weight = z.number().min(0).max(100);
const fraction = z.number().min(0).max(1);

/**
 * Search settings, every one with a default (an empty object is valid). Read from the file named by
 * `AISLE_SEARCH_CONFIG` (TOML or JSON) or given in code; `docs/search.md` documents each field.
 * Settings marked "index" are baked into the stored index: changing them rebuilds it on next load.
 */
export const searchConfigSchema = z
  .object({
    fields: z
      .object({
        /** BM25F weight of each field (index). */
        title: weight.default(3),
        brand: weight.default(1),
        category: weight.default(1.5),
        description: weight.default(0.6),
        attributes: weight.default(2),
        /** Chinese character pairs of title and brand: the fallback when words do not match. */
        bigrams: weight.default(2),
      })
      .prefault({}),
    bm25: z
      .object({
        /** Term-frequency saturation (index). */
        k1: z.number().min(0).max(10).default(1.2),
        /** Length normalisation of titles and descriptions (index); short fields use half of it. */
        b: fraction.default(0.75),
        /**
         * How fields combine (index): `sum` saturates each field and adds them up (a term in title
         * and tags counts twice); `bm25f` adds weighted frequencies and saturates once.
         */
        fieldCombination: z.enum(['sum', 'bm25f']).default('sum'),
        /** BM25+ lower bound for a present term (index): keeps long titles from burying a match. */
        delta: z.number().min(0).max(5).default(0.5),
      })
      .prefault({}),
    /** Ranking factor for documents that miss some query words: score × (matched / words)^coverage. */
    coverage: z.number().min(0).max(8).default(2),
    proximity: z
      .object({
        /**
         * Multi-word queries: a result's score × (1 + weight × the share of consecutive query words
         * that stand together, in order, in one of its fields). 0 turns it off.
         */
        weight: z.number().min(0).max(2).default(0.2),
        /** Most index terms from one word to the next that count as together (3: adjacent or one short word between). */
        window: z.number().int().min(1).max(16).default(3),
      })
      .prefault({}),
    categoryFeedback: z
      .object({
        /**
         * The best results vote for their category; each result's score × (1 + weight × its
         * category's share of the votes). 0 turns it off.
         */
        weight: z.number().min(0).max(2).default(0.4),
        /** The best results that vote. */
        depth: z.number().int().min(1).max(1000).default(30),
        /** A result votes only with at least this fraction of the best result's score. */
        minRelativeScore: fraction.default(0.8),
      })
      .prefault({}),
    typo: z
      .object({
        enabled: z.boolean().default(true),
        oneTypoFrom: z.number().int().min(1).max(64).default(5),
        twoTyposFrom: z.number().int().min(1).max(64).default(9),
        /** Score multiplier of a match with one typo; two typos get its square. */
        weight: fraction.default(0.6),
      })
      .prefault({}),
    prefix: z
      .object({
        /** Treat the last query word as a prefix (search as you type). */
        enabled: z.boolean().default(true),
        /** Shortest prefix that expands. */
        minLength: z.number().int().min(1).max(10).default(2),
        /** Most completions of one prefix (the most frequent terms). */
        maxExpansions: z.number().int().min(1).max(500).default(30),
        weight: fraction.default(0.7),
      })
      .prefault({}),
    pinyin: z
      .object({
        enabled: z.boolean().default(true),
        /** Multiplier for full pinyin ("hongse" → 红色) and for homophones (红涩 → 红色). */
        weight: fraction.default(0.85),
        /** Multiplier for initials ("hs" → 红色): ambiguous, so lower. */
        initialsWeight: fraction.default(0.5),
      })
      .prefault({}),
    translation: z
      .object({
        /** zh ↔ en expansion from CC-CEDICT (index: the table is built with the index). */
        enabled: z.boolean().default(true),
        weight: fraction.default(0.55),
      })
      .prefault({}),
    synonyms: z
      .object({
        groups: synonymGroupsSchema.default([]),
        weight: fraction.default(0.9),
      })
      .prefault({}),
    /** Attribute keys not searched (index): bookkeeping such as a data set's split; keys ending in "Id" are never searched. */
    skipAttributes: z.array(z.string().min(1)).default(['split']),
    /** Extra stop words (index). */
    stopWords: z.array(z.string().min(1)).default([]),
    /** Words the Chinese segmenter must keep whole: brands, product names (index). */
    customWords: z.array(z.string().min(1)).default([]),
    semantic: z
      .object({
        /**
         * `auto`: an ONNX model if one is found (AISLE_MODEL_DIR, ./models/<model>), else the trained
         * encoder; `trained`; `onnx` (fails without a model); `none` (lexical only).
         */
        encoder: z.enum(['auto', 'trained', 'onnx', 'none']).default('auto'),
        /** For `onnx`: the model's directory name under ./models, or a path; AISLE_MODEL_DIR wins. */
        model: z.string().min(1).default('multilingual-e5-small'),
        /** Below this many items the vector search is an exact scan; above, a usearch HNSW index. */
        exactBelow: z.number().int().min(0).default(5000),
        /** Nearest items fetched per query before fusion. */
        candidates: z.number().int().min(1).max(5000).default(200),
        /** Semantic hits below this cosine similarity are not results (but still rank lexical ones). */
        minSimilarity: z.number().min(-1).max(1).default(0.45),
        /** Items encoded per batch at import. */
        batchSize: z.number().int().min(1).max(10_000).default(256),
        /** Training of the `trained` encoder. */
        dimensions: z.number().int().min(8).max(512).default(64),
        epochs: z.number().int().min(1).max(100).default(5),
        seed: z.number().int().default(1),
        /**
         * Worker threads for training. A server's background build uses at most (cores − 2), so the
         * build thread and the serving thread keep a core each.
         */
        threads: z.number().int().min(1).max(64).default(2),
        /** Train the encoder during a full build when none is stored. */
        trainOnBuild: z.boolean().default(true),
      })
      .prefault({}),
    fusion: z
      .object({
        /** `blend` (weighted sum of normalised scores) or `rrf` (reciprocal rank fusion). */
        method: z.enum(['rrf', 'blend']).default('blend'),
        /**
         * Weight of the semantic side; a request may override it. Tuned on the relevance sets' tuning
         * half (docs/search.md): the trained encoder is a tie-breaker and a recall net, not a ranker.
         */
        semanticWeight: fraction.default(0.05),
        /** RRF's rank constant (Cormack et al. use 60). */
        rrfK: z.number().min(1).max(1000).default(60),
        /** How deep each list goes into the fusion. */
        depth: z.number().int().min(10).max(10_000).default(1000),
      })
      .prefault({}),
    personalization: z
      .object({
        enabled: z.boolean().default(true),
        /** The most a user's profile can raise a hit's score (fraction): relevance still dominates. */
        maxBoost: fraction.default(0.15),
        /** History events read per request. */
        historyEvents: z.number().int().min(1).max(5000).default(200),
        /** Top hits re-ranked. */
        rerankDepth: z.number().int().min(1).max(1000).default(100),
      })
      .prefault({}),
    /** Results per page unless the request says. */
    pageSize: z.number().int().min(1).max(100).default(10),
    /** Seconds between checks of the store for changed items (0: only on demand). */
    refreshSeconds: z.number().min(0).default(5),
    /**
     * Build a missing index in a worker thread, so a serving process keeps answering (on a store a
     * second connection can open; an in-memory one always builds inline). `false` builds on the
     * calling thread, with no second copy of the index in memory while the new one loads.
     */
    buildInWorker: z.boolean().default(true),
  })
  .strict();

export type SearchConfig = z.output<typeof searchConfigSchema>;
export type SearchConfigInput = z.input<typeof searchConfigSchema>;

/** The defaults with `input` applied; a bad value raises CONFIG_INVALID naming the field. */
export function parseSearchConfig(input: unknown = {}): SearchConfig {
  const result = searchConfigSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new AisleError(
      'CONFIG_INVALID',
      `Search configuration: ${path} ${issue?.message ?? 'is invalid'}`,
      {
        path,
      },
    );
  }
  return result.data;
}

/** Reads a search configuration file (TOML, or JSON by extension). */
export function readSearchConfigFile(path: string): SearchConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AisleError(
      'FILE_NOT_FOUND',
      `No such search configuration file: ${path}`,
      { path },
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    throw new AisleError(
      'CONFIG_INVALID',
      `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'TOML'}: ${String(error)}`,
      {
        path,
      },
      { cause: error },
    );
  }
  return parseSearchConfig(parsed);
}

/** The configuration from `AISLE_SEARCH_CONFIG`, or the defaults. */
export function searchConfigFromEnv(env: Record<string, string | undefined> = process.env): SearchConfig {
  const path = env['AISLE_SEARCH_CONFIG'];
  return path ? readSearchConfigFile(path) : parseSearchConfig({});
}

/** The settings a stored index was built with; a different fingerprint means rebuild. */
export function indexFingerprint(config: SearchConfig): string {
  return JSON.stringify({
    fields: config.fields,
    bm25: config.bm25,
    stopWords: config.stopWords,
    skipAttributes: config.skipAttributes,
    customWords: config.customWords,
    translation: config.translation.enabled,
    format: 1,
  });
}
