import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { handleError } from './http-errors.js';
import { registerLoadShedding } from './load-shedding.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('load shedding', () => {
  it('refuses a share of requests with 503 and Retry-After while the loop lags, then recovers', async () => {
    const app = Fastify();
    app.setErrorHandler(handleError);
    const state = registerLoadShedding(app, {
      maxEventLoopDelayMs: 20,
      maxEventLoopUtilization: 0.9,
      sampleMs: 50,
    });
    app.get('/work', async () => ({ ok: true }));
    app.get('/health', { config: { scope: 'public' } }, async () => ({ ok: true }));
    await app.ready();
    // Requests keep coming while the loop is blocked in long slices, as on an overloaded node.
    for (let round = 0; round < 40 && state.shedFraction < 0.5; round++) {
      void app.inject('/work');
      busy(120);
      await sleep(1);
    }
    expect(state.shedFraction).toBeGreaterThanOrEqual(0.5);
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.inject('/work')));
    const refused = responses.filter((response) => response.statusCode === 503);
    // A share, not all: the node keeps serving most of what it can.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(20);
    expect(refused[0]!.headers['retry-after']).toBe('1');
    expect(refused[0]!.json()).toMatchObject({ error: { code: 'OVERLOADED' } });
    // Public routes (health checks) are never shed.
    expect((await app.inject('/health')).statusCode).toBe(200);
    // Idle again: the share falls back to zero and every request is served.
    for (let wait = 0; wait < 100 && state.shedFraction > 0; wait++) await sleep(50);
    expect(state.shedFraction).toBe(0);
    const after = await Promise.all(Array.from({ length: 20 }, () => app.inject('/work')));
    expect(after.every((response) => response.statusCode === 200)).toBe(true);
    await app.close();
  });

  it('does not shed when the loop lags with no request waiting', async () => {
    const app = Fastify();
    const state = registerLoadShedding(app, {
      maxEventLoopDelayMs: 20,
      maxEventLoopUtilization: 0.9,
      sampleMs: 50,
    });
    await app.ready();
    for (let round = 0; round < 10; round++) {
      busy(120);
      await sleep(1);
    }
    expect(state.eventLoopDelayMs).toBeGreaterThan(20);
    expect(state.shedFraction).toBe(0);
    await app.close();
  });

  it('does not shed a loop that is busy but keeps up', async () => {
    const app = Fastify();
    const state = registerLoadShedding(app, {
      maxEventLoopDelayMs: 200,
      maxEventLoopUtilization: 0.5,
      sampleMs: 50,
    });
    await app.ready();
    // Short slices of work: high utilisation, short delays.
    const until = performance.now() + 600;
    while (performance.now() < until) {
      void app.inject('/');
      busy(3);
      await sleep(0);
    }
    expect(state.shedFraction).toBe(0);
    await app.close();
  });
});
