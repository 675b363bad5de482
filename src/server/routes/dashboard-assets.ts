import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AisleError } from '../../core/errors.js';

/** The folder of the dashboard's compiled scripts and its stylesheet (`npm run build` writes it). */
export const dashboardDir = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

/** True when the dashboard has been built (the home page then loads it). */
export function dashboardBuilt(): boolean {
  return existsSync(join(dashboardDir, 'main.js'));
}

/**
 * The dashboard's modules (paths under /dashboard/), for `<link rel="modulepreload">`: the browser
 * then fetches them all at once instead of discovering them import by import.
 */
export function dashboardModules(): string[] {
  if (!dashboardBuilt()) return [];
  const modules: string[] = [];
  for (const entry of readdirSync(dashboardDir, { recursive: true, encoding: 'utf8' }))
    if (entry.endsWith('.js')) modules.push(entry.split(sep).join('/'));
  return modules.sort();
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function echartsPath(): string {
  // echarts' package exports do not list dist/: find the package folder from its main entry.
  // (dist/ holds a package.json of its own, a module-type marker: look for the named one.)
  let folder = dirname(createRequire(import.meta.url).resolve('echarts'));
  while (!isEcharts(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return join(folder, 'dist', 'echarts.min.js');
}

function isEcharts(folder: string): boolean {
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest)) return false;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'echarts';
}

/**
 * Static files of the dashboard, public (they hold no data): `GET /dashboard/<file>.js|.css` from
 * dist/dashboard, and `GET /vendor/echarts.min.js` from the installed echarts package, so nothing is
 * fetched from a CDN. Files are read once and served with an ETag (304 when unchanged).
 */
export function registerDashboardAssets(app: FastifyInstance): void {
  const cache = new Map<string, Asset>();
  const load = (path: string): Asset => {
    let asset = cache.get(path);
    if (!asset) {
      const body = readFileSync(path);
      const extension = path.slice(path.lastIndexOf('.') + 1);
      asset = {
        body,
        type: TYPES[extension] ?? 'application/octet-stream',
        etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      };
      cache.set(path, asset);
    }
    return asset;
  };
  const send = (request: FastifyRequest, reply: FastifyReply, path: string) => {
    if (!existsSync(path))
      throw new AisleError('NOT_FOUND', `No dashboard file ${request.url}; build it with npm run build`);
    const asset = load(path);
    void reply.header('etag', asset.etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.type(asset.type).send(asset.body);
  };
  const open = { config: { scope: 'public' as const } };

  app.get<{ Params: { '*': string } }>('/dashboard/*', open, async (request, reply) => {
    const file = request.params['*'];
    if (!/^(?:[a-z0-9-]+\/)?[a-z0-9-]+\.(?:js|css)$/.test(file))
      throw new AisleError('NOT_FOUND', `No dashboard file ${request.url}`);
    return send(request, reply, join(dashboardDir, file));
  });

  app.get('/vendor/echarts.min.js', open, async (request, reply) => send(request, reply, echartsPath()));
}
