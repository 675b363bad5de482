import { z } from 'zod';
import { topK } from '../../matrix/top-k.js';
import { artifactArray } from '../artifact.js';
import type {
  Contribution,
  ModelArtifact,
  ModelDefinition,
  Recommender,
  TrainingData,
  UserHistory,
} from '../model.js';

const DAY_MS = 86_400_000;

/** Popularity configuration. */
export const popularityConfigSchema = z
  .object({
    /** An interaction counts half as much after this many days (0 = no decay). */
    halfLifeDays: z.number().min(0).default(30),
    /** Count users (1 per user and item) rather than summed event weights. */
    binary: z.boolean().default(true),
    /**
     * How much a user's category shares lift items of those categories (0 = plain global popularity):
     * score = popularity · (1 + categoryBoost · share of the history in the item's category).
     */
    categoryBoost: z.number().min(0).default(0),
  })
  .strict();

export type PopularityConfig = z.output<typeof popularityConfigSchema>;

/**
 * Time-decayed popularity, globally and per category: the cold-start fallback for new users and
 * the "trending" source of candidates.
 */
export const popularityModel: ModelDefinition<PopularityConfig> = {
  name: 'popularity',
  description: 'Time-decayed popularity (global and per category), the cold-start fallback',
  configSchema: popularityConfigSchema,
  searchSpace: { halfLifeDays: [0, 7, 30, 90, 365], categoryBoost: [0, 1, 4] },
  fit(data, config) {
    return new PopularityRecommender(decayedPopularity(data, config), data.features.category, config);
  },
  load(artifact) {
    return new PopularityRecommender(
      artifactArray(artifact, 'popularity', Float32Array),
      artifactArray(artifact, 'category', Int32Array),
      popularityConfigSchema.parse(artifact.config),
    );
  },
};

function decayedPopularity(data: TrainingData, config: PopularityConfig): Float32Array {
  const { interactions, lastSeen, now } = data;
  const popularity = new Float32Array(interactions.cols);
  const rate = config.halfLifeDays > 0 ? Math.LN2 / (config.halfLifeDays * DAY_MS) : 0;
  for (let p = 0; p < interactions.indices.length; p++) {
    const weight = config.binary ? 1 : interactions.data[p]!;
    popularity[interactions.indices[p]!]! += weight * Math.exp(-rate * Math.max(0, now - lastSeen[p]!));
  }
  return popularity;
}

export class PopularityRecommender implements Recommender {
  readonly name = 'popularity';
  readonly itemCount: number;

  constructor(
    readonly popularity: Float32Array,
    private readonly category: Int32Array,
    private readonly config: PopularityConfig,
  ) {
    this.itemCount = popularity.length;
  }

  score(history: UserHistory, out: Float32Array): void {
    out.set(this.popularity);
    if (this.config.categoryBoost === 0 || history.items.length === 0) return;
    const shares = this.categoryShares(history);
    for (let j = 0; j < this.itemCount; j++) {
      const share = shares.get(this.category[j]!) ?? 0;
      out[j] = this.popularity[j]! * (1 + this.config.categoryBoost * share);
    }
  }

  explain(history: UserHistory, item: number): Contribution[] {
    const base = this.popularity[item]!;
    const contributions: Contribution[] = [{ kind: 'popularity', weight: base }];
    if (this.config.categoryBoost > 0 && history.items.length > 0) {
      const share = this.categoryShares(history).get(this.category[item]!) ?? 0;
      if (share > 0) contributions.push({ kind: 'bias', weight: base * this.config.categoryBoost * share });
    }
    return contributions;
  }

  /** The most popular items of one category (or all categories for -1). */
  popularIn(category: number, k: number): { indices: Int32Array; scores: Float32Array } {
    if (category < 0) return topK(this.popularity, k);
    const scores = Float32Array.from(this.popularity, (value, j) =>
      this.category[j] === category ? value : Number.NEGATIVE_INFINITY,
    );
    return topK(scores, k);
  }

  toArtifact(): ModelArtifact {
    return {
      model: 'popularity',
      config: { ...this.config },
      meta: {},
      arrays: { popularity: this.popularity, category: this.category },
    };
  }

  private categoryShares(history: UserHistory): Map<number, number> {
    const shares = new Map<number, number>();
    let total = 0;
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h]!;
      if (item >= this.itemCount) continue;
      const category = this.category[item]!;
      if (category < 0) continue;
      shares.set(category, (shares.get(category) ?? 0) + history.weights[h]!);
      total += history.weights[h]!;
    }
    for (const [category, weight] of shares) shares.set(category, weight / (total || 1));
    return shares;
  }
}
