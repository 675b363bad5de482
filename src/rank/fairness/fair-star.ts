import type { CandidateList, RerankResult } from './candidate-list.js';
import { completeOrder, unchanged } from './candidate-list.js';

export interface FairStarOptions {
  k: number;
  /** p, the minimum share of protected candidates the ranking must be statistically consistent with. */
  proportion: number;
  /** Significance α of each prefix's binomial test. */
  alpha: number;
  /** Correct α for testing k prefixes (Zehlike et al. 2017, §4.2), so the whole ranking fails with probability α. */
  adjust?: boolean;
}

/**
 * FA*IR's minimum table (Zehlike et al., CIKM 2017): m[i] is the fewest protected candidates the
 * prefix of length i + 1 must hold, the inverse binomial CDF F⁻¹(α; i + 1, p) — the smallest m with
 * P(X ≤ m) ≥ α for X ~ Binomial(i + 1, p), as scipy's `binom.ppf`.
 */
export function fairStarTable(k: number, proportion: number, alpha: number): Int32Array {
  const table = new Int32Array(k);
  for (let length = 1; length <= k; length++) table[length - 1] = binomialQuantile(alpha, length, proportion);
  return table;
}

/** Smallest m with P(Binomial(n, p) ≤ m) ≥ q. */
export function binomialQuantile(q: number, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  let pmf = Math.pow(1 - p, n);
  let cdf = pmf;
  let m = 0;
  // A relative tolerance keeps exact ties (q = P(X ≤ m)) on the side scipy puts them.
  while (cdf < q * (1 - 1e-12) && m < n) {
    pmf *= ((n - m) / (m + 1)) * (p / (1 - p));
    m++;
    cdf += pmf;
  }
  return m;
}

/**
 * Probability that a ranking drawn fairly (each position protected with probability p) violates
 * the table somewhere: dynamic programming over the count of protected candidates per prefix.
 */
export function tableFailureProbability(table: Int32Array, proportion: number): number {
  const k = table.length;
  let mass = new Float64Array(k + 2);
  let next = new Float64Array(k + 2);
  mass[0] = 1;
  for (let length = 1; length <= k; length++) {
    next.fill(0);
    for (let count = 0; count < length; count++) {
      const probability = mass[count]!;
      if (probability === 0) continue;
      next[count + 1]! += probability * proportion;
      next[count]! += probability * (1 - proportion);
    }
    const minimum = table[length - 1]!;
    for (let count = 0; count < minimum; count++) next[count] = 0;
    [mass, next] = [next, mass];
  }
  let survived = 0;
  for (let count = 0; count <= k; count++) survived += mass[count]!;
  return 1 - survived;
}

/**
 * The corrected significance α_c: the largest α_c ≤ α whose table fails a fair ranking with
 * probability at most α (bisection; the failure probability grows with α_c).
 */
export function adjustedAlpha(k: number, proportion: number, alpha: number): number {
  if (tableFailureProbability(fairStarTable(k, proportion, alpha), proportion) <= alpha) return alpha;
  let low = 0;
  let high = alpha;
  for (let step = 0; step < 40; step++) {
    const middle = (low + high) / 2;
    if (tableFailureProbability(fairStarTable(k, proportion, middle), proportion) <= alpha) low = middle;
    else high = middle;
  }
  return low;
}

const tables = new Map<string, Int32Array>();

/** The (possibly corrected) table, cached: requests reuse a handful of (k, p, α). */
export function fairStarMinimums(options: FairStarOptions): Int32Array {
  const key = `${options.k}|${options.proportion}|${options.alpha}|${options.adjust !== false}`;
  let table = tables.get(key);
  if (!table) {
    const alpha =
      options.adjust === false ? options.alpha : adjustedAlpha(options.k, options.proportion, options.alpha);
    table = fairStarTable(options.k, options.proportion, alpha);
    if (tables.size > 1000) tables.clear();
    tables.set(key, table);
  }
  return table;
}

/**
 * FA*IR ranked group fairness: fills positions 1..k best first, except that whenever the prefix
 * holds fewer protected candidates than the table demands, the best remaining protected candidate
 * goes next. Candidates keep their order within each group, so utility is lost only where the
 * constraint binds. Needs `protectedFlag`.
 */
export function fairStarRerank(list: CandidateList, options: FairStarOptions): RerankResult {
  const n = list.scores.length;
  const flags = list.protectedFlag;
  if (!flags || options.proportion <= 0 || n === 0) return unchanged(n);
  const k = Math.min(options.k, n);
  const minimums = fairStarMinimums({ ...options, k });
  const order = new Int32Array(n);
  const taken = new Uint8Array(n);
  let nextProtected = 0;
  let nextOther = 0;
  let protectedCount = 0;
  for (let position = 0; position < k; position++) {
    while (nextProtected < n && (flags[nextProtected] !== 1 || taken[nextProtected] === 1)) nextProtected++;
    while (nextOther < n && (flags[nextOther] === 1 || taken[nextOther] === 1)) nextOther++;
    const needProtected = protectedCount < minimums[position]!;
    let pick: number;
    if (nextProtected < n && (needProtected || nextOther >= n || nextProtected < nextOther))
      pick = nextProtected;
    else pick = nextOther;
    taken[pick] = 1;
    order[position] = pick;
    if (flags[pick] === 1) protectedCount++;
  }
  return completeOrder(order, k, taken);
}
