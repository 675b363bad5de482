/**
 * Statistics the checks and detectors share: robust location and scale (median, MAD), robust
 * z-scores, distribution tails (chi-square, Poisson, binomial) and divergences. Plain functions on
 * numbers and typed arrays.
 */

/** Scales a median absolute deviation to the standard deviation of a normal distribution. */
export const MAD_TO_SD = 1.4826;

/** The median of the values (NaN for none). Does not modify its input. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const middle = n >> 1;
  return n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The q-quantile (0 ≤ q ≤ 1, linear interpolation) of the values; NaN for none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const at = q * (n - 1);
  const low = Math.floor(at);
  const high = Math.min(n - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** Median and scaled MAD (a robust standard deviation) of the values. */
export function robustScale(values: ArrayLike<number>): { median: number; scale: number } {
  const center = median(values);
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs(values[i]! - center);
  return { median: center, scale: MAD_TO_SD * median(deviations) };
}

/**
 * Robust z-score of each value against the values' own median and MAD (Iglewicz & Hoaglin).
 * `minScale` floors the scale so that a feature almost everyone shares (MAD 0) does not turn tiny
 * differences into huge scores.
 */
export function robustZ(values: ArrayLike<number>, minScale: number): Float64Array {
  const { median: center, scale } = robustScale(values);
  const divisor = Math.max(scale, minScale);
  const z = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) z[i] = (values[i]! - center) / divisor;
  return z;
}

/** Maps an excess over a threshold to a score in [0, 1): 0 at `start`, 0.5 at `start + halfAt`. */
export function excessScore(value: number, start: number, halfAt: number): number {
  if (!(value > start)) return 0;
  const excess = (value - start) / halfAt;
  return excess / (1 + excess);
}

/** Combines independent pieces of evidence in [0, 1] (noisy-or): 1 − Π(1 − s). */
export function noisyOr(scores: readonly number[]): number {
  let keep = 1;
  for (const score of scores) keep *= 1 - Math.min(1, Math.max(0, score));
  return 1 - keep;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, about 15 digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized lower incomplete gamma function P(a, x) (series or continued fraction). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  return 1 - gammaQ(a, x);
}

/** The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x) (Lentz's continued fraction). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaP(a, x);
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.max(0, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** P(χ²_df ≥ statistic): the p-value of a chi-square test. */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  if (degreesOfFreedom <= 0) return 1;
  return gammaQ(degreesOfFreedom / 2, statistic / 2);
}

/** P(X ≥ k) for X ~ Poisson(λ). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  return gammaP(k, lambda);
}

/** The regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes §6.4). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return incompleteBeta(p, k, n - k + 1);
}

/**
 * Compares observed counts with a reference distribution over the same categories: Pearson's
 * chi-square goodness of fit (p-value) and the Kullback–Leibler divergence KL(observed ‖ reference)
 * in nats. Both distributions are smoothed with `alpha` pseudo-counts per category so categories new
 * to either side give finite values.
 */
export function compareDistributions(
  observed: readonly number[],
  reference: readonly number[],
  alpha = 0.5,
): { chiSquare: number; degreesOfFreedom: number; pValue: number; kl: number } {
  const k = observed.length;
  let observedTotal = 0;
  let referenceTotal = 0;
  for (let i = 0; i < k; i++) {
    observedTotal += observed[i]!;
    referenceTotal += reference[i]!;
  }
  if (k < 2 || observedTotal === 0 || referenceTotal === 0) {
    return { chiSquare: 0, degreesOfFreedom: 0, pValue: 1, kl: 0 };
  }
  let chiSquare = 0;
  let kl = 0;
  const observedSmoothed = observedTotal + alpha * k;
  const referenceSmoothed = referenceTotal + alpha * k;
  for (let i = 0; i < k; i++) {
    const p = (observed[i]! + alpha) / observedSmoothed;
    const q = (reference[i]! + alpha) / referenceSmoothed;
    const expected = q * observedTotal;
    chiSquare += (observed[i]! - expected) ** 2 / expected;
    kl += p * Math.log(p / q);
  }
  return { chiSquare, degreesOfFreedom: k - 1, pValue: chiSquareSurvival(chiSquare, k - 1), kl };
}
