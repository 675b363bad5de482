/** Reads the Prometheus text format of /metrics into per-route request counts and latencies. */

/** One sample: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (comments skipped; label values unescaped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    for (const label of (match[2] ?? '').matchAll(labelPattern))
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Requests and latency of one route (all methods and statuses together). */
export interface RouteLatency {
  route: string;
  count: number;
  sumSeconds: number;
  /** Cumulative bucket counts by upper bound (seconds), ascending. */
  buckets: [number, number][];
}

/** Sums a histogram's series per `route` label. */
export function latencyByRoute(samples: readonly Sample[], histogram: string): RouteLatency[] {
  const routes = new Map<string, { count: number; sum: number; buckets: Map<number, number> }>();
  for (const sample of samples) {
    const route = sample.labels['route'];
    if (route === undefined) continue;
    let entry = routes.get(route);
    if (!entry) routes.set(route, (entry = { count: 0, sum: 0, buckets: new Map() }));
    if (sample.name === `${histogram}_count`) entry.count += sample.value;
    else if (sample.name === `${histogram}_sum`) entry.sum += sample.value;
    else if (sample.name === `${histogram}_bucket`) {
      const bound = sample.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels['le']);
      entry.buckets.set(bound, (entry.buckets.get(bound) ?? 0) + sample.value);
    }
  }
  return [...routes.entries()]
    .filter(([, entry]) => entry.count > 0)
    .map(([route, entry]) => ({
      route,
      count: entry.count,
      sumSeconds: entry.sum,
      buckets: [...entry.buckets.entries()].sort((a, b) => a[0] - b[0]),
    }))
    .sort((a, b) => b.count - a.count);
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside its bucket (as
 * Prometheus' histogram_quantile does); the largest finite bound when it falls in the +Inf bucket.
 */
export function quantile(buckets: readonly [number, number][], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket === 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}
