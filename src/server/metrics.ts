import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServingRuntime } from '../serve/serving.js';
import { clusterMetrics, workerIndex } from './cluster.js';
import type { LoadSheddingState } from './load-shedding.js';

/**
 * Prometheus metrics of one API node: request latency per route and status, the served model and
 * its version, the history cache hit rate, load shedding, and Node's process metrics. Each server
 * has its own registry (tests start several in one process). Under `server.workers` > 1 /metrics
 * answers for all workers of the node (src/server/cluster.ts): counters and histograms summed,
 * gauges as each one's `aggregator` says.
 */
export function registerMetrics(
  app: FastifyInstance,
  sources: { serving?: ServingRuntime; shedding: LoadSheddingState },
): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aisle_' });
  const latency = new Histogram({
    name: 'aisle_http_request_duration_seconds',
    help: 'Time from request to response, per route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const { serving, shedding } = sources;
  new Gauge({
    name: 'aisle_model_version',
    help: 'Version of the served recommendation model (0: the popularity stand-in before the first training)',
    labelNames: ['model'] as const,
    registers: [registry],
    // Across workers: the oldest version still served (they swap within a refresh interval).
    aggregator: 'min',
    collect() {
      this.reset();
      const served = serving?.models.current;
      if (served) this.set({ model: served.trained.info.model }, served.version);
    },
  });
  new Gauge({
    name: 'aisle_model_age_seconds',
    help: 'Seconds since the served model was trained',
    registers: [registry],
    aggregator: 'max',
    collect() {
      const served = serving?.models.current;
      if (served) this.set((Date.now() - served.trained.info.trainedAt) / 1000);
    },
  });
  new Counter({
    name: 'aisle_history_cache_hits_total',
    help: 'Requests that found the user history in memory',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(serving?.activity.hits ?? 0);
    },
  });
  new Counter({
    name: 'aisle_history_cache_misses_total',
    help: 'Requests that read the user history from the store',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(serving?.activity.misses ?? 0);
    },
  });
  new Gauge({
    name: 'aisle_history_cache_hit_ratio',
    help: 'Share of history reads answered from memory since start',
    registers: [registry],
    aggregator: 'average',
    collect() {
      const hits = serving?.activity.hits ?? 0;
      const total = hits + (serving?.activity.misses ?? 0);
      this.set(total === 0 ? 0 : hits / total);
    },
  });
  new Gauge({
    name: 'aisle_load_shed_fraction',
    help: 'Share of requests currently refused with 503 to keep the node responsive',
    registers: [registry],
    aggregator: 'average',
    collect() {
      this.set(shedding.shedFraction);
    },
  });
  new Counter({
    name: 'aisle_load_shed_total',
    help: 'Requests refused with 503 because the node was overloaded',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(shedding.shed);
    },
  });
  new Gauge({
    name: 'aisle_training_running',
    help: '1 while the server trains a model in the background',
    registers: [registry],
    aggregator: 'max',
    collect() {
      this.set(serving?.trainingStatus.running ? 1 : 0);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  const allWorkers = workerIndex() === undefined ? undefined : clusterMetrics(registry);
  app.get('/metrics', { config: { scope: 'admin' } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return allWorkers ? allWorkers() : registry.metrics();
  });
  return registry;
}
