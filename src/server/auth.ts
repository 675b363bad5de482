import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AisleError } from '../core/errors.js';
import type { ApiKeyConfig, ApiScope } from '../core/serving-config.js';

/** The scope a route needs: an API scope, or `public` (health, the API document). */
export type RouteScope = ApiScope | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The scope a route needs. Unmarked routes need `recommend` for GET and `admin` for anything
     * that writes, so a route someone forgets to mark is never more open than a read.
     */
    scope?: RouteScope;
  }
  interface FastifyRequest {
    /**
     * The caller's key; the built-in `open` key (every scope) when no keys are configured (the API
     * then runs on loopback only); null for a caller without a key on a public route.
     */
    apiKey: AuthenticatedKey | null;
  }
}

/** The key a request authenticated with. */
export interface AuthenticatedKey {
  name: string;
  scopes: readonly ApiScope[];
  requestsPerSecond: number;
}

interface KnownKey extends AuthenticatedKey {
  digest: Buffer;
}

/** The scope a request needs: the route's mark, else by method. */
export function scopeOf(request: FastifyRequest): RouteScope {
  const marked = request.routeOptions.config.scope;
  if (marked) return marked;
  return request.method === 'GET' || request.method === 'HEAD' ? 'recommend' : 'admin';
}

/** True when the caller may see admin-only data (protected attributes, quarantine, findings). */
export function isAdmin(request: FastifyRequest): boolean {
  return request.apiKey?.scopes.includes('admin') ?? false;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function digestOf(key: ApiKeyConfig): Buffer {
  return key.key.startsWith('sha256:')
    ? Buffer.from(key.key.slice('sha256:'.length), 'hex')
    : sha256(key.key);
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = request.headers['x-api-key'];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * API-key authentication and scopes. Keys are compared by SHA-256 digest in constant time, so the
 * config may hold `sha256:<hex>` instead of the secret. `admin` holds every scope. With no keys
 * configured every request is let through with the `open` key (an operator's); `aisle serve` refuses to
 * listen beyond loopback then.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: readonly ApiKeyConfig[],
  openRequestsPerSecond: number,
): void {
  const open: AuthenticatedKey = {
    name: 'open',
    scopes: ['ingest', 'recommend', 'admin'],
    requestsPerSecond: openRequestsPerSecond,
  };
  const known: KnownKey[] = keys.map((key) => ({
    name: key.name,
    scopes: key.scopes,
    requestsPerSecond: key.requestsPerSecond,
    digest: digestOf(key),
  }));
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request) => {
    if (known.length === 0) {
      request.apiKey = open;
      return;
    }
    if (request.is404) return;
    const scope = scopeOf(request);
    const presented = presentedKey(request);
    const key = presented === undefined ? undefined : findKey(known, sha256(presented));
    if (scope === 'public') {
      if (key) request.apiKey = key;
      return;
    }
    if (presented === undefined)
      throw new AisleError(
        'UNAUTHORIZED',
        'This API needs a key: send Authorization: Bearer <key> or X-API-Key: <key>',
      );
    if (!key) throw new AisleError('UNAUTHORIZED', 'The API key is not known to this server');
    if (!key.scopes.includes(scope) && !key.scopes.includes('admin'))
      throw new AisleError(
        'FORBIDDEN',
        `The key "${key.name}" lacks the "${scope}" scope this request needs (it has: ${key.scopes.join(', ')})`,
        { scope, key: key.name },
      );
    request.apiKey = key;
  });
}

function findKey(known: readonly KnownKey[], digest: Buffer): KnownKey | undefined {
  // Every key is compared, in constant time, so timing tells nothing about which one nearly matched.
  let found: KnownKey | undefined;
  for (const key of known)
    if (key.digest.length === digest.length && timingSafeEqual(key.digest, digest)) found = key;
  return found;
}
