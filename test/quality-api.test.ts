import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aisle, openAisle } from '../src/aisle.js';
import { configSchema } from '../src/core/config.js';
import { createRng } from '../src/core/rng.js';
import { createAttackContext } from '../src/quality/inject/attack-context.js';
import { injectBots } from '../src/quality/inject/bot-attack.js';
import { loadEventTable } from '../src/quality/load-events.js';
import { syntheticBrowsing } from '../src/quality/test-support/synthetic.js';
import { createServer } from '../src/server/app.js';
import { tempDir } from './support/temp.js';

/** The quality admin API through HTTP (in-process), against a real SQLite file. */
const temp = tempDir('aisle-quality-api-');
let aisle: Aisle;
let app: FastifyInstance;
const scopes = new Map<string, unknown>();
let bots: string[] = [];
const keys = {
  admin: 'quality-admin-key-0001',
  recommend: 'quality-shop-front-0001',
  ingest: 'quality-tracker-key-0001',
};
const as = (key: string) => ({ authorization: `Bearer ${key}` });
/** An operator's request: every quality route needs the admin scope. */
const admin = (request: InjectOptions) => app.inject({ ...request, headers: as(keys.admin) });

beforeAll(async () => {
  // The gate's work blocks the event loop for a moment: keep load shedding out of this test.
  aisle = await openAisle(
    configSchema.parse({
      database: join(temp.dir, 'quality.db'),
      server: {
        maxEventLoopDelayMs: 1e9,
        maxEventLoopUtilization: 1,
        apiKeys: [
          { name: 'ops', key: keys.admin, scopes: ['admin'] },
          { name: 'shop-front', key: keys.recommend, scopes: ['recommend'] },
          { name: 'tracker', key: keys.ingest, scopes: ['ingest'], requestsPerSecond: 10_000 },
        ],
      },
    }),
  );
  app = createServer(aisle);
  app.addHook('onRequest', async (request) => {
    scopes.set(`${request.method} ${request.routeOptions.url}`, request.routeOptions.config.scope);
  });
  const shoppers = syntheticBrowsing(createRng(2), { users: 120, items: 100 });
  for (let start = 0; start < shoppers.length; start += 5000) {
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: as(keys.ingest),
      payload: shoppers.slice(start, start + 5000),
    });
    expect(response.statusCode).toBe(200);
  }
  const attack = injectBots(
    createAttackContext(await loadEventTable(aisle.store)),
    { size: 0.02 },
    createRng(5),
  );
  bots = attack.attackers;
  for (let start = 0; start < attack.events.length; start += 5000) {
    const response = await app.inject({
      method: 'POST',
      url: '/events',
      headers: as(keys.ingest),
      payload: attack.events.slice(start, start + 5000),
    });
    expect(response.statusCode).toBe(200);
  }
});
afterAll(async () => {
  await app.close();
  await aisle.close();
  temp.cleanup();
});

describe('HTTP API: quality (admin)', () => {
  it('screens API traffic on a scan', async () => {
    const scan = await admin({ method: 'POST', url: '/quality/scan' });
    expect(scan.statusCode).toBe(200);
    expect(scan.json()).toMatchObject({ ran: true, cleared: 0 });
    const findings = (
      await admin({ method: 'GET', url: '/quality/findings?detector=bot&subject=user' })
    ).json() as {
      findings: { id: number; subjectId: string; action: string }[];
    };
    expect(findings.findings.map((finding) => finding.subjectId).sort()).toEqual([...bots].sort());
  });

  it('reports checks with their trend and the most suspicious users with evidence', async () => {
    const response = await admin({ method: 'GET', url: '/quality/report?runs=5&top=5' });
    expect(response.statusCode).toBe(200);
    const report = response.json() as {
      checks: Record<string, { trend: unknown[]; latest: { status: string } | null }>;
      topUsers: { id: string; detector: string; evidence: Record<string, unknown> }[];
    };
    expect(Object.keys(report.checks)).toEqual([
      'completeness',
      'uniqueness',
      'validity',
      'freshness',
      'drift',
    ]);
    expect(report.checks['uniqueness']!.trend.length).toBeGreaterThan(1);
    expect(report.topUsers[0]).toMatchObject({ detector: 'bot' });
    expect(bots).toContain(report.topUsers[0]!.id);
    expect(report.topUsers[0]!.evidence).toHaveProperty('peakPerMinute');
  });

  it('shows a finding, takes a review decision and validates what it is sent', async () => {
    const [first] = (
      (await admin({ method: 'GET', url: '/quality/findings?detector=bot' })).json() as {
        findings: { id: number }[];
      }
    ).findings;
    const detail = await admin({ method: 'GET', url: `/quality/findings/${first!.id}` });
    expect(detail.json()).toMatchObject({ flag: { id: first!.id }, recentEvents: expect.any(Array) });
    const review = await admin({
      method: 'POST',
      url: `/quality/findings/${first!.id}/review`,
      payload: { decision: 'confirm', note: 'checked the logs' },
    });
    expect(review.json()).toMatchObject({ status: 'confirmed', note: 'checked the logs' });
    const bad = await admin({
      method: 'POST',
      url: `/quality/findings/${first!.id}/review`,
      payload: { decision: 'delete' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await admin({ method: 'GET', url: '/quality/findings/999999' })).statusCode).toBe(404);
    expect((await admin({ method: 'GET', url: '/quality/findings?limit=lots' })).statusCode).toBe(400);
  });

  it('re-admits a finding: its events count fully in training again, and a later scan keeps it so', async () => {
    const { findings } = (
      await admin({ method: 'GET', url: '/quality/findings?detector=bot&subject=user&status=open' })
    ).json() as { findings: { id: number; subjectId: string; action: string }[] };
    const finding = findings[0]!;
    expect(finding.action).toBe('quarantine');
    const weights = async () => {
      const seen: number[] = [];
      for await (const page of aisle.store.scanTrainingEvents({ includeExcluded: true }))
        for (const event of page) if (event.userId === finding.subjectId) seen.push(event.weight);
      return seen;
    };
    const before = await weights();
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((weight) => weight === 0)).toBe(true);
    const readmit = await admin({
      method: 'POST',
      url: `/quality/findings/${finding.id}/review`,
      payload: { decision: 'readmit', note: 'a load test of ours' },
    });
    expect(readmit.statusCode).toBe(200);
    expect(readmit.json()).toMatchObject({ id: finding.id, status: 'readmitted' });
    expect((await weights()).every((weight) => weight === 1)).toBe(true);
    expect((await admin({ method: 'POST', url: '/quality/scan' })).statusCode).toBe(200);
    const after = (await admin({ method: 'GET', url: `/quality/findings/${finding.id}` })).json() as {
      flag: { status: string };
    };
    expect(after.flag.status).toBe('readmitted');
    expect((await weights()).every((weight) => weight === 1)).toBe(true);
  });

  it('refuses the quality routes to callers without the admin scope', async () => {
    const routes = [
      { method: 'GET', url: '/quality/report' },
      { method: 'GET', url: '/quality/findings' },
      { method: 'GET', url: '/quality/findings/1' },
      { method: 'POST', url: '/quality/findings/1/review', payload: { decision: 'readmit' } },
      { method: 'POST', url: '/quality/scan' },
      { method: 'GET', url: '/quality/policy' },
      { method: 'PUT', url: '/quality/policy', payload: {} },
      { method: 'GET', url: '/quality/runs' },
    ] as const;
    const status = async () =>
      ((await admin({ method: 'GET', url: '/quality/findings/1' })).json() as { flag: { status: string } })
        .flag.status;
    const statusBefore = await status();
    for (const route of routes) {
      for (const key of [keys.recommend, keys.ingest]) {
        const response = await app.inject({ ...route, headers: as(key) });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      }
      const anonymous = await app.inject({ ...route });
      expect(anonymous.statusCode, `${route.method} ${route.url} without a key`).toBe(401);
    }
    // The refused review changed nothing.
    expect(await status()).toBe(statusBefore);
  });

  it('reads and sets the policy, rejecting invalid ones', async () => {
    const set = await admin({
      method: 'PUT',
      url: '/quality/policy',
      payload: { detectors: { burst: { action: 'down-weight' } } },
    });
    expect(set.statusCode).toBe(200);
    expect((await admin({ method: 'GET', url: '/quality/policy' })).json()).toMatchObject({
      detectors: { burst: { action: 'down-weight', weight: 0.25 } },
    });
    const invalid = await admin({
      method: 'PUT',
      url: '/quality/policy',
      payload: { detectors: { burst: { action: 'burn' } } },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await admin({ method: 'GET', url: '/quality/runs?limit=2' })).json()).toMatchObject({
      runs: [{}, {}],
    });
  });

  it('marks every quality route admin-only, in the routes and in the OpenAPI document', async () => {
    const quality = [...scopes].filter(([route]) => route.includes('/quality'));
    expect(quality.length).toBeGreaterThanOrEqual(6);
    expect(quality.every(([, scope]) => scope === 'admin')).toBe(true);
    const document = (await admin({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(document.paths['/quality/report']!['get']!['x-aisle-scope']).toBe('admin');
    expect(document.paths['/quality/findings/{id}/review']!['post']!['x-aisle-scope']).toBe('admin');
  });
});
