import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import type { Csr } from '../matrix/csr.js';
import type { Contribution, Recommender, UserHistory } from '../models/model.js';
import { measureExplanationFidelity } from './fidelity.js';
import { fromContributions } from './contrast-list.js';
import { reasonsFrom, reasonsInList } from './reasons.js';

/**
 * A small additive model: score(j) = Σ_h weight(h) · S[h][j], with each item tied to two items by
 * a strong link and two weak ones. `explain` returns the exact terms, or (the liar) the same weights
 * credited to the wrong history items.
 */
function linearModel(items: number, seed: number, lie = false): Recommender {
  const rng = createRng(seed);
  const similarity = new Float32Array(items * items);
  for (let j = 0; j < items; j++)
    for (let link = 0; link < 3; link++) {
      const at = rng.int(items) * items + j;
      similarity[at] = similarity[at]! + (link === 0 ? 1 + rng.next() : 0.2 * rng.next());
    }
  const terms = (history: UserHistory, item: number): Contribution[] =>
    Array.from(history.items, (h, n) => ({
      kind: 'history' as const,
      item: h,
      weight: history.weights[n]! * similarity[h * items + item]!,
    })).filter((term) => term.weight !== 0);
  return {
    name: 'linear',
    itemCount: items,
    score(history, out) {
      out.fill(0);
      for (let n = 0; n < history.items.length; n++)
        for (let j = 0; j < items; j++)
          out[j]! += history.weights[n]! * similarity[history.items[n]! * items + j]!;
    },
    explain(history, item) {
      const exact = terms(history, item).sort((a, b) => b.weight - a.weight);
      if (!lie) return exact;
      const shuffled = createRng(item).shuffle(Array.from(history.items));
      return exact.map((term, n) => ({ ...term, item: shuffled[n % shuffled.length]! }));
    },
    toArtifact: () => ({ model: 'linear', config: {}, meta: {}, arrays: {} }),
  };
}

function histories(users: number, items: number, seed: number): Csr {
  const rng = createRng(seed);
  const rows = Array.from({ length: users }, () => {
    const picked = new Set<number>();
    while (picked.size < 6) picked.add(rng.int(items));
    return [...picked].sort((a, b) => a - b);
  });
  const indptr = new Int32Array(users + 1);
  rows.forEach((row, u) => (indptr[u + 1] = indptr[u]! + row.length));
  const indices = Int32Array.from(rows.flat());
  return { rows: users, cols: items, indptr, indices, data: new Float32Array(indices.length).fill(1) };
}

describe('explanation fidelity (removal test)', () => {
  const data = histories(60, 80, 5);
  const options = () => ({ k: 10, users: 60, rng: createRng(9) });

  it('finds that removing an honest top reason costs the result rank', () => {
    const result = measureExplanationFidelity(linearModel(80, 2), data, options());
    expect(result.testable).toBeGreaterThan(0.8 * result.results);
    expect(result.share).toBeGreaterThanOrEqual(0.9);
    expect(result.fell + result.heldOrRose).toBe(result.testable);
  });

  it('catches explanations that name the wrong evidence', () => {
    const honest = measureExplanationFidelity(linearModel(80, 2), data, options());
    const liar = measureExplanationFidelity(linearModel(80, 2, true), data, options());
    expect(liar.share).toBeLessThan(honest.share - 0.2);
  });
});

describe('reasons weighed against rivals', () => {
  const context = {
    itemIds: ['blockbuster', 'niche', 'target', 'rival'],
    titleOf: () => undefined,
    actionOf: () => undefined,
    categoryOf: () => '',
  };
  const target: Contribution[] = [
    { kind: 'history', item: 0, weight: 0.6 },
    { kind: 'history', item: 1, weight: 0.3 },
  ];
  const rival: Contribution[] = [{ kind: 'history', item: 0, weight: 0.58 }];

  it('lists the largest contribution first without rivals', () => {
    expect(reasonsFrom(target, context).map((reason) => reason.evidence.itemId)).toEqual([
      'blockbuster',
      'niche',
    ]);
  });

  it('lists first the evidence that lifts the item above the results below it, keeping the weights', () => {
    const list = fromContributions([target, rival], [0.9, 0.58]);
    const reasons = reasonsInList(list, 0, context, 3);
    expect(reasons.map((reason) => reason.evidence.itemId)).toEqual(['niche', 'blockbuster']);
    expect(reasons.map((reason) => reason.weight)).toEqual([0.3, 0.6]);
  });
});
