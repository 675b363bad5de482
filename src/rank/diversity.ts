/** A ranked candidate: an item, its relevance score and the group (category) diversity spreads over. */
export interface Candidate {
  index: number;
  score: number;
  group: string;
}

/**
 * Maximal marginal relevance by category (Carbonell & Goldstein 1998): picks `k` items greedily,
 * each maximising (1 − λ)·relevance − λ·redundancy, where relevance is the score scaled to [0, 1]
 * over the candidates and redundancy is the share of already picked items in the same category.
 * λ = 0 keeps the input order. Returns the picked candidates in order and which moved up.
 */
export function mmrByCategory(
  candidates: readonly Candidate[],
  k: number,
  lambda: number,
): { picked: Candidate[]; promoted: Set<number> } {
  if (lambda <= 0 || candidates.length <= 1) return { picked: candidates.slice(0, k), promoted: new Set() };
  const max = Math.max(...candidates.map((candidate) => candidate.score));
  const min = Math.min(...candidates.map((candidate) => candidate.score));
  const span = max - min || 1;
  const remaining = candidates.map((candidate, rank) => ({ candidate, rank }));
  const picked: Candidate[] = [];
  const promoted = new Set<number>();
  const perGroup = new Map<string, number>();
  while (picked.length < k && remaining.length > 0) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let n = 0; n < remaining.length; n++) {
      const { candidate } = remaining[n]!;
      const relevance = (candidate.score - min) / span;
      const redundancy = picked.length === 0 ? 0 : (perGroup.get(candidate.group) ?? 0) / picked.length;
      const value = (1 - lambda) * relevance - lambda * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = n;
      }
    }
    const [{ candidate, rank }] = remaining.splice(best, 1) as [{ candidate: Candidate; rank: number }];
    if (rank > picked.length) promoted.add(candidate.index);
    picked.push(candidate);
    perGroup.set(candidate.group, (perGroup.get(candidate.group) ?? 0) + 1);
  }
  return { picked, promoted };
}
