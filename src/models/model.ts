import type { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Csr } from '../matrix/csr.js';

/** Catalogue facts per item index, as parallel arrays (absent values: -1, NaN or ''). */
export interface ItemFeatures {
  /** Index into `categories` of the item's leaf category path, or -1. */
  category: Int32Array;
  /** Category paths joined with ' > '. */
  categories: string[];
  /** Index into `brands`, or -1. */
  brand: Int32Array;
  brands: string[];
  price: Float32Array;
  /** Epoch ms the item entered the catalogue, or NaN. */
  createdAt: Float64Array;
  /** Title, description, tags and attribute values, for text models ('' when unknown). */
  text: string[];
  /** 1 when the item may be recommended (in the catalogue and available). */
  available: Uint8Array;
}

/**
 * What a model learns from. Built from the events that passed the quality gate; protected
 * attributes are never part of it (DESIGN.md §3).
 */
export interface TrainingData {
  /** Index → user id. */
  users: readonly string[];
  /** Index → item id. */
  items: readonly string[];
  /** users × items: the summed event weight of each (user, item) pair. */
  interactions: Csr;
  /** Aligned with `interactions.data`: the latest time (epoch ms) of the pair. */
  lastSeen: Float64Array;
  /** baskets × items (1 per item): sessions or orders with carts or purchases, for bought-together. */
  baskets: Csr;
  features: ItemFeatures;
  /** Reference time for time decay: the latest event. */
  now: number;
}

/** A user's history as a model reads it: item indices (ascending) and their summed weights. */
export interface UserHistory {
  items: Int32Array;
  weights: Float32Array;
}

/** What drives part of a score. Contributions of one item sum to its score where the model is additive. */
export interface Contribution {
  /** `history` (an item the user interacted with), `popularity`, `co-purchase`, `content`, `bias`. */
  kind: 'history' | 'popularity' | 'co-purchase' | 'content' | 'bias';
  /** The history item (index) that contributes, for `history`, `co-purchase` and `content`. */
  item?: number;
  weight: number;
  /** The model that produced it (inside a blend). */
  model?: string;
}

/** Contributions of a history to several items (see Recommender.explainMany). */
export interface DenseContributions {
  kind: Contribution['kind'];
  weights: Float32Array;
}

/** A fitted recommender. Scores are over all items; higher is better. */
export interface Recommender {
  readonly name: string;
  readonly itemCount: number;
  /**
   * True when the scores are normalised per user (each user's own maximum or spread), so they
   * compare within one user's list but not across users. Re-ranking that trades relevance between
   * users' lists (`amortized-exposure`) then scales each list by itself.
   */
  readonly scoresNormalisedPerUser?: boolean;
  /** Scores every item for a history into `out` (length itemCount). */
  score(history: UserHistory, out: Float32Array): void;
  /**
   * Scores many histories (rows of a users × items CSR) into `out` (rows × itemCount). Models with
   * a batched kernel override the default row-by-row loop.
   */
  scoreBatch?(histories: Csr, out: Float32Array): void;
  /** The contributions to one item's score, largest first. */
  explain(history: UserHistory, item: number): Contribution[];
  /**
   * The contributions of every history position to several items at once, as a dense
   * items × history matrix (`weights[e * history.items.length + h]`, all of one kind): what
   * `explain` gives, without an object per contribution, for explaining a whole ranked list per
   * request. Each row plus an item-independent term sums to the item's score. Undefined when the
   * model cannot (contributions of mixed kinds).
   */
  explainMany?(history: UserHistory, items: Int32Array): DenseContributions | undefined;
  /** Items most like `item`, best first. */
  similarItems?(item: number, k: number): { indices: Int32Array; scores: Float32Array };
  /** Everything needed to rebuild the model with `load`. */
  toArtifact(): ModelArtifact;
}

export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A model as plain data: its config, small JSON facts and typed arrays (see artifact.ts). */
export interface ModelArtifact {
  model: string;
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  arrays: Record<string, NumericArray>;
}

export interface FitContext {
  rng: Rng;
  /** Called with a fraction 0..1 and a short message. */
  onProgress?: (fraction: number, message: string) => void;
}

/**
 * A recommender family: its config schema (with the defaults beside the model), the
 * hyper-parameters the tuner searches, and how to fit and reload it.
 */
export interface ModelDefinition<Config extends object = Record<string, unknown>> {
  name: string;
  description: string;
  configSchema: z.ZodType<Config, unknown>;
  /** Values the tuner tries on the validation split, per hyper-parameter. */
  searchSpace: Partial<Record<keyof Config, readonly (number | string | boolean)[]>>;
  fit(data: TrainingData, config: Config, context: FitContext): Promise<Recommender> | Recommender;
  load(artifact: ModelArtifact): Recommender;
}
