/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Every random choice in
 * models, splitters, generators and tests takes one of these, so a seed reproduces a run exactly.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(values: readonly T[]): T;
  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T>(values: T[]): T[];
  /** An independent generator derived from this one (for workers or sub-tasks). */
  fork(): Rng;
}

/**
 * @example
 * const rng = createRng(42);
 * rng.int(10); // same value for seed 42 on every machine
 */
export function createRng(seed: number): Rng {
  let sm = seed >>> 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  const next = (): number => nextU32() / 4294967296;
  let spareNormal: number | undefined;

  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    pick: (values) => {
      if (values.length === 0) throw new RangeError('pick() needs a non-empty array');
      return values[Math.floor(next() * values.length)] as (typeof values)[number];
    },
    shuffle: (values) => {
      for (let i = values.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = values[i] as (typeof values)[number];
        values[i] = values[j] as (typeof values)[number];
        values[j] = tmp;
      }
      return values;
    },
    fork: () => createRng(nextU32()),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
