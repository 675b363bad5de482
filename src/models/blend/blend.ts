import { z } from 'zod';
import { AisleError } from '../../core/errors.js';
import type { Csr } from '../../matrix/csr.js';
import { topK } from '../../matrix/top-k.js';
import type {
  Contribution,
  FitContext,
  ModelArtifact,
  ModelDefinition,
  NumericArray,
  DenseContributions,
  Recommender,
  TrainingData,
  UserHistory,
} from '../model.js';

/** One model inside a blend: its name, its config and its weight. */
export const blendComponentSchema = z.object({
  model: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
  weight: z.number().min(0).default(1),
});

/**
 * Blend configuration. The default mixes the models that do best on the MovieLens benchmarks; the
 * tuner (src/eval/tune.ts) tunes each component and then the weights on the validation split.
 */
export const blendConfigSchema = z
  .object({
    components: z
      .array(blendComponentSchema)
      .min(1)
      .default([
        { model: 'ease', config: {}, weight: 1 },
        { model: 'ials', config: {}, weight: 1.5 },
      ]),
    /** Fallback for users with no usable history: popularity, fitted alongside. */
    coldStart: z.enum(['popularity', 'none']).default('popularity'),
    /**
     * How a component's scores are put on one scale per user before weighting: divided by their
     * maximum (`max`), or standardised to mean 0 and deviation 1 over the catalogue (`zscore`).
     */
    normalization: z.enum(['max', 'zscore']).default('zscore'),
  })
  .strict();

export type BlendConfig = z.output<typeof blendConfigSchema>;
export type BlendComponent = z.output<typeof blendComponentSchema>;

/** Looks models up by name (the registry passes itself in, avoiding an import cycle). */
export type ModelLookup = (name: string) => ModelDefinition<object>;

/**
 * A weighted blend of several recommenders. Each component's scores are divided by their maximum
 * for the user (so models on different scales mix), then summed with the weights; contributions are
 * the components' own, scaled the same way, so a blend's explanation still adds up to its score.
 * Users with no history get popularity.
 */
export function createBlendModel(lookup: ModelLookup): ModelDefinition<BlendConfig> {
  return {
    name: 'blend',
    description:
      'Weighted blend of several models (weights tuned on validation data), popularity for cold-start users',
    configSchema: blendConfigSchema,
    searchSpace: {},
    async fit(data: TrainingData, config: BlendConfig, context: FitContext) {
      const components: { recommender: Recommender; weight: number }[] = [];
      for (const [index, component] of config.components.entries()) {
        const definition = lookup(component.model);
        const parsed = definition.configSchema.parse(component.config);
        context.onProgress?.(index / config.components.length, `fitting ${component.model}`);
        components.push({
          recommender: await definition.fit(data, parsed, { rng: context.rng.fork() }),
          weight: component.weight,
        });
      }
      const fallback =
        config.coldStart === 'popularity' ? await fitPopularity(lookup, data, context) : undefined;
      return new BlendRecommender(components, fallback, config);
    },
    load(artifact) {
      const config = blendConfigSchema.parse(artifact.config);
      const parts = (artifact.meta['parts'] ?? []) as {
        model: string;
        weight: number;
        prefix: string;
        meta: Record<string, unknown>;
        config: Record<string, unknown>;
      }[];
      const rebuild = (part: (typeof parts)[number]): Recommender => {
        const arrays: Record<string, NumericArray> = {};
        for (const [name, array] of Object.entries(artifact.arrays))
          if (name.startsWith(part.prefix)) arrays[name.slice(part.prefix.length)] = array;
        return lookup(part.model).load({ model: part.model, config: part.config, meta: part.meta, arrays });
      };
      const components = parts
        .filter((part) => part.prefix !== 'fallback.')
        .map((part) => ({ recommender: rebuild(part), weight: part.weight }));
      const fallbackPart = parts.find((part) => part.prefix === 'fallback.');
      return new BlendRecommender(components, fallbackPart ? rebuild(fallbackPart) : undefined, config);
    },
  };
}

async function fitPopularity(
  lookup: ModelLookup,
  data: TrainingData,
  context: FitContext,
): Promise<Recommender> {
  const popularity = lookup('popularity');
  return popularity.fit(data, popularity.configSchema.parse({}), { rng: context.rng.fork() });
}

export class BlendRecommender implements Recommender {
  readonly name = 'blend';
  /** Each component is divided by the user's maximum or standardised over the user's scores. */
  readonly scoresNormalisedPerUser = true;
  readonly itemCount: number;
  private readonly scratch: Float32Array;
  private lastScored: { history: UserHistory; normalizers: [number, number][] } | undefined;

  constructor(
    readonly components: { recommender: Recommender; weight: number }[],
    private readonly fallback: Recommender | undefined,
    private readonly config: BlendConfig,
  ) {
    const first = components[0];
    if (!first) throw new AisleError('INVALID_ARGUMENT', 'A blend needs at least one component');
    this.itemCount = first.recommender.itemCount;
    this.scratch = new Float32Array(this.itemCount);
  }

  score(history: UserHistory, out: Float32Array): void {
    if (history.items.length === 0 && this.fallback) {
      this.fallback.score(history, out);
      return;
    }
    out.fill(0);
    const normalizers: [number, number][] = [];
    for (const { recommender, weight } of this.components) {
      if (weight === 0) continue;
      recommender.score(history, this.scratch);
      const [shift, factor] = normalizer(this.scratch, weight, this.config.normalization);
      normalizers.push([shift, factor]);
      for (let j = 0; j < this.itemCount; j++) out[j]! += factor * (this.scratch[j]! - shift);
    }
    this.lastScored = { history, normalizers };
  }

  /** Each component's normaliser for a history: from the last score() of it, or scored again. */
  private normalizersOf(history: UserHistory): [number, number][] {
    if (this.lastScored?.history === history) return this.lastScored.normalizers;
    return this.components
      .filter(({ weight }) => weight !== 0)
      .map(({ recommender, weight }) => {
        recommender.score(history, this.scratch);
        return normalizer(this.scratch, weight, this.config.normalization);
      });
  }

  scoreBatch(histories: Csr, out: Float32Array): void {
    const n = this.itemCount;
    out.fill(0);
    const part = new Float32Array(histories.rows * n);
    for (const { recommender, weight } of this.components) {
      if (weight === 0) continue;
      if (recommender.scoreBatch) recommender.scoreBatch(histories, part);
      else {
        for (let r = 0; r < histories.rows; r++) {
          const start = histories.indptr[r]!;
          const end = histories.indptr[r + 1]!;
          recommender.score(
            { items: histories.indices.subarray(start, end), weights: histories.data.subarray(start, end) },
            part.subarray(r * n, (r + 1) * n),
          );
        }
      }
      for (let r = 0; r < histories.rows; r++) {
        const row = part.subarray(r * n, (r + 1) * n);
        const [shift, factor] = normalizer(row, weight, this.config.normalization);
        for (let j = 0; j < n; j++) out[r * n + j]! += factor * (row[j]! - shift);
      }
    }
  }

  explain(history: UserHistory, item: number): Contribution[] {
    if (history.items.length === 0 && this.fallback) {
      return this.fallback
        .explain(history, item)
        .map((contribution) => ({ ...contribution, model: this.fallback!.name }));
    }
    const contributions: Contribution[] = [];
    const normalizers = this.normalizersOf(history);
    const active = this.components.filter(({ weight }) => weight !== 0);
    for (const [c, { recommender }] of active.entries()) {
      const [shift, factor] = normalizers[c]!;
      for (const contribution of recommender.explain(history, item)) {
        contributions.push({
          ...contribution,
          weight: contribution.weight * factor,
          model: recommender.name,
        });
      }
      // Standardising shifts every score by the same amount: an item-independent term.
      if (shift !== 0) contributions.push({ kind: 'bias', weight: -shift * factor, model: recommender.name });
    }
    return contributions.sort((a, b) => b.weight - a.weight);
  }

  explainMany(history: UserHistory, items: Int32Array): DenseContributions | undefined {
    if (history.items.length === 0) return undefined;
    const weights = new Float32Array(items.length * history.items.length);
    let kind: Contribution['kind'] | undefined;
    const normalizers = this.normalizersOf(history);
    const active = this.components.filter(({ weight }) => weight !== 0);
    for (const [c, { recommender }] of active.entries()) {
      const part = recommender.explainMany?.(history, items);
      if (!part || (kind !== undefined && part.kind !== kind)) return undefined;
      kind = part.kind;
      const [, factor] = normalizers[c]!;
      for (let p = 0; p < weights.length; p++) weights[p]! += factor * part.weights[p]!;
    }
    return kind === undefined ? undefined : { kind, weights };
  }

  similarItems(item: number, k: number): { indices: Int32Array; scores: Float32Array } {
    const scores = new Float32Array(this.itemCount);
    for (const { recommender, weight } of this.components) {
      if (!recommender.similarItems || weight === 0) continue;
      const similar = recommender.similarItems(item, Math.max(k * 4, 50));
      const top = similar.scores[0] ?? 1;
      for (let n = 0; n < similar.indices.length; n++)
        scores[similar.indices[n]!]! += (weight * similar.scores[n]!) / (top || 1);
    }
    scores[item] = Number.NEGATIVE_INFINITY;
    return topK(scores, k);
  }

  toArtifact(): ModelArtifact {
    const arrays: Record<string, NumericArray> = {};
    const parts: {
      model: string;
      weight: number;
      prefix: string;
      meta: Record<string, unknown>;
      config: Record<string, unknown>;
    }[] = [];
    const add = (recommender: Recommender, weight: number, prefix: string): void => {
      const artifact = recommender.toArtifact();
      for (const [name, array] of Object.entries(artifact.arrays)) arrays[`${prefix}${name}`] = array;
      parts.push({ model: artifact.model, weight, prefix, meta: artifact.meta, config: artifact.config });
    };
    this.components.forEach(({ recommender, weight }, index) => add(recommender, weight, `c${index}.`));
    if (this.fallback) add(this.fallback, 0, 'fallback.');
    return { model: 'blend', config: { ...this.config }, meta: { parts }, arrays };
  }
}

/**
 * The shift and factor that put one component's scores for one user on the blend's scale:
 * score' = factor·(score − shift), factor including the component's weight.
 */
function normalizer(
  scores: Float32Array,
  weight: number,
  method: BlendConfig['normalization'],
): [number, number] {
  if (method === 'max') {
    let max = 0;
    for (let j = 0; j < scores.length; j++) if (scores[j]! > max) max = scores[j]!;
    return [0, weight / (max > 0 ? max : 1)];
  }
  let sum = 0;
  let squares = 0;
  for (let j = 0; j < scores.length; j++) {
    sum += scores[j]!;
    squares += scores[j]! * scores[j]!;
  }
  const mean = sum / scores.length;
  const deviation = Math.sqrt(Math.max(squares / scores.length - mean * mean, 0));
  return [mean, weight / (deviation > 0 ? deviation : 1)];
}
