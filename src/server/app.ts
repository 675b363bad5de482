import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Aisle } from '../aisle.js';
import { AisleError } from '../core/errors.js';
import { searchItemsChanged } from '../search/engine-registry.js';
import { ServingRuntime } from '../serve/serving.js';
import { registerAuth } from './auth.js';
import { workerIndex } from './cluster.js';
import { handleError } from './http-errors.js';
import { registerLoadShedding } from './load-shedding.js';
import { registerMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { registerFairnessRoutes } from './routes/fairness.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerQualityRoutes } from './routes/quality.js';
import { registerQuarantineRoutes } from './routes/quarantine.js';
import { registerRecommendRoutes } from './routes/recommend.js';
import { registerSearchRoutes } from './routes/search.js';

export interface ServerOptions {
  /** Log requests (pino, JSON lines on stdout). Off in tests. */
  logger?: boolean;
  /**
   * The recommendation runtime (served model, catalogue, history reader). Without it the server has
   * no recommendation routes: ingestion, search and admin only. `startServer` creates one.
   */
  serving?: ServingRuntime;
  /**
   * Open the search engine as soon as the server is ready (load the stored index, or build it in a
   * worker thread) rather than at the first search, which would otherwise wait for the build.
   */
  prepareSearch?: boolean;
}

/**
 * Builds the HTTP API over an engine. Routes are thin: parse, call the engine, format. Every
 * request passes load shedding, API-key authentication (scopes per route) and the per-key rate
 * limit, in that order.
 *
 * @example
 * const app = createServer(aisle, { serving: await ServingRuntime.start(aisle, log) });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
export function createServer(aisle: Aisle, options: ServerOptions = {}): FastifyInstance {
  const { server } = aisle.config;
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: server.bodyLimitBytes,
  });
  app.setErrorHandler(handleError);
  const worker = workerIndex();
  if (worker !== undefined) {
    // Which worker answered (operations, and the cluster test): a number, nothing secret.
    const header = String(worker);
    app.addHook('onSend', async (_request, reply) => {
      void reply.header('x-aisle-worker', header);
    });
  }
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` } });
  });
  const shedding = registerLoadShedding(app, {
    maxEventLoopDelayMs: server.maxEventLoopDelayMs,
    maxEventLoopUtilization: server.maxEventLoopUtilization,
  });
  registerAuth(app, server.apiKeys, server.openRequestsPerSecond);
  void app.register(rateLimit, {
    global: true,
    timeWindow: 1000,
    // Counted per worker process (each has its own counters): a key's share of the limit per worker.
    max: (request) =>
      Math.max(
        1,
        Math.ceil((request.apiKey?.requestsPerSecond ?? server.openRequestsPerSecond) / server.workers),
      ),
    // Per key; the built-in open key (no keys configured) and anonymous callers per address.
    keyGenerator: (request) =>
      request.apiKey && request.apiKey.name !== 'open' ? `key:${request.apiKey.name}` : `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new AisleError(
        'RATE_LIMITED',
        `More than ${context.max * server.workers} requests per second for this key; retry in ${Math.ceil(context.ttl / 1000)} s`,
        { limit: context.max * server.workers, retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      ),
  });
  const serving = options.serving;
  void app.register(async (api) => {
    const openApi = buildOpenApiDocument(aisle);
    api.get('/openapi.json', { config: { scope: 'public' } }, async () => openApi);
    registerHealthRoutes(api, aisle, Date.now());
    registerMetrics(api, { ...(serving ? { serving } : {}), shedding });
    registerIngestRoutes(api, aisle, {
      onItems: (ids) => {
        searchItemsChanged(aisle);
        return serving?.itemsChanged(ids);
      },
      onEvents: (userIds) => serving?.eventsChanged(userIds),
    });
    registerQuarantineRoutes(api, aisle, async (kind) => {
      if (kind === 'item') searchItemsChanged(aisle);
      await serving?.dataChanged(kind);
    });
    registerQualityRoutes(api, aisle);
    registerFairnessRoutes(api, aisle, serving);
    registerSearchRoutes(api, aisle, { prepare: options.prepareSearch === true });
    if (serving) registerRecommendRoutes(api, aisle, serving);
    registerDashboardRoutes(api, aisle);
  });
  return app;
}

/**
 * Starts the serving runtime (loading or training a model) and builds the server on it; closing
 * the server stops the runtime's timers and waits for a running training.
 */
export async function startServer(
  aisle: Aisle,
  options: Omit<ServerOptions, 'serving'> = {},
): Promise<FastifyInstance> {
  const messages: { level: 'info' | 'error'; message: string; error?: unknown }[] = [];
  // Messages logged before the server (and its logger) exists are replayed into it.
  const server: { app?: FastifyInstance } = {};
  const log = {
    info: (message: string) =>
      server.app ? server.app.log.info(message) : messages.push({ level: 'info', message }),
    error: (message: string, error?: unknown) =>
      server.app
        ? server.app.log.error({ err: error }, message)
        : messages.push({ level: 'error', message, error }),
  };
  const serving = await ServingRuntime.start(aisle, log);
  const app = createServer(aisle, { ...options, serving });
  server.app = app;
  for (const entry of messages)
    if (entry.level === 'info') app.log.info(entry.message);
    else app.log.error({ err: entry.error }, entry.message);
  app.addHook('onClose', async () => serving.stop());
  return app;
}
