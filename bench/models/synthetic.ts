import { createRng } from '../../src/core/rng.js';
import { csrFromTriplets } from '../../src/matrix/csr.js';
import { emptyItemFeatures } from '../../src/models/data/training-data.js';
import type { TrainingData } from '../../src/models/model.js';

export interface SyntheticShape {
  users: number;
  items: number;
  interactions: number;
  seed: number;
}

/** MovieLens 1M's shape: 6,040 users, 3,706 items, 1,000,209 ratings. */
export const ML1M_SHAPE: SyntheticShape = { users: 6040, items: 3706, interactions: 1_000_209, seed: 1 };
/** The scaling shape of the models issue: 20,000 items, 5 million interactions. */
export const LARGE_SHAPE: SyntheticShape = { users: 60_000, items: 20_000, interactions: 5_000_000, seed: 1 };

/**
 * A seeded interaction matrix with power-law item popularity and user activity, and a latent taste
 * structure (users and items belong to overlapping clusters) so similarities are not pure noise.
 */
export function syntheticTrainingData(shape: SyntheticShape): TrainingData {
  const rng = createRng(shape.seed);
  const clusters = 20;
  const clusterItems: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < shape.items; i++) clusterItems[i % clusters]!.push(i);
  // Power-law activity: user u's share ∝ (u + 10)^-0.9, at least 20 and at most half the items each,
  // scaled (by bisection) so the counts add up to the requested number of interactions.
  const shares = Array.from({ length: shape.users }, (_, u) => (u + 10) ** -0.9);
  const cap = Math.floor(shape.items / 2);
  const countsFor = (scale: number) =>
    shares.map((share) => Math.min(cap, Math.max(20, Math.round(share * scale))));
  let low = 0;
  let high = shape.interactions * 100;
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2;
    if (countsFor(middle).reduce((a, b) => a + b, 0) < shape.interactions) low = middle;
    else high = middle;
  }
  const counts = countsFor(high);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < shape.users && rows.length < shape.interactions; u++) {
    const chosen = new Set<number>();
    const want = Math.min(counts[u]!, shape.interactions - rows.length);
    while (chosen.size < want) {
      const pool = rng.next() < 0.7 ? clusterItems[u % clusters]! : undefined;
      // Power-law popularity within the user's cluster (or the whole catalogue).
      const rank = rng.next() ** 2.2;
      chosen.add(pool ? pool[Math.floor(pool.length * rank)]! : Math.floor(shape.items * rank));
    }
    for (const item of chosen) {
      rows.push(u);
      cols.push(item);
    }
  }
  const interactions = csrFromTriplets(
    shape.users,
    shape.items,
    Int32Array.from(rows),
    Int32Array.from(cols),
    new Float32Array(rows.length).fill(1),
  );
  return {
    users: Array.from({ length: shape.users }, (_, u) => `u${u}`),
    items: Array.from({ length: shape.items }, (_, i) => `i${i}`),
    interactions,
    lastSeen: new Float64Array(interactions.indices.length).fill(Date.UTC(2026, 0, 1)),
    baskets: csrFromTriplets(0, shape.items, new Int32Array(0), new Int32Array(0), new Float32Array(0)),
    features: emptyItemFeatures(shape.items),
    now: Date.UTC(2026, 0, 1),
  };
}
