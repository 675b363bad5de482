import Fastify, { type FastifyInstance } from 'fastify';
import type { Aisle } from '../aisle.js';
import { handleError } from './http-errors.js';
import { buildOpenApiDocument } from './openapi.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerHomeRoute } from './routes/home.js';
import { registerIngestRoutes } from './routes/ingest.js';

export interface ServerOptions {
  /** Log requests (pino, JSON lines on stdout). Off in tests. */
  logger?: boolean;
}

/**
 * Builds the HTTP API over an engine. Routes are thin: parse, call the engine, format.
 *
 * @example
 * const app = createServer(aisle);
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
export function createServer(aisle: Aisle, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: aisle.config.server.bodyLimitBytes,
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` } });
  });
  const openApi = buildOpenApiDocument(aisle);
  app.get('/openapi.json', async () => openApi);
  registerHealthRoutes(app, aisle, Date.now());
  registerIngestRoutes(app, aisle);
  registerHomeRoute(app, aisle);
  return app;
}
