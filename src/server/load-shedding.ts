import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { AisleError } from '../core/errors.js';
import { scopeOf } from './auth.js';

export interface LoadSheddingOptions {
  /** Mean event-loop delay (ms) over a sample above which load is shed. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) over a sample above which load is shed. */
  maxEventLoopUtilization: number;
  /** Sample length in milliseconds. */
  sampleMs?: number;
}

/** What the shedder reports to /metrics. */
export interface LoadSheddingState {
  shedFraction: number;
  shed: number;
  eventLoopDelayMs: number;
  eventLoopUtilization: number;
}

/**
 * Sheds a share of requests with 503 + Retry-After when the node is overloaded, so the requests it
 * keeps are answered in time and it stays up. The share follows the load each sample (raised by a
 * step while delay or utilisation is over its limit, halved each sample under it): a refusal costs
 * microseconds, so at twice saturation the node keeps serving near its capacity.
 *
 * Written here rather than with @fastify/under-pressure, which refuses all requests or none per
 * sample and so swings between an idle node and a refusing one under steady overload.
 */
export function registerLoadShedding(app: FastifyInstance, options: LoadSheddingOptions): LoadSheddingState {
  const sampleMs = options.sampleMs ?? 250;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let utilisation = performance.eventLoopUtilization();
  const state: LoadSheddingState = { shedFraction: 0, shed: 0, eventLoopDelayMs: 0, eventLoopUtilization: 0 };
  let lastTick = performance.now();
  let arrivals = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    state.eventLoopUtilization = performance.eventLoopUtilization(now, utilisation).utilization;
    utilisation = now;
    // Two views of the lag: this timer's own lateness (sees one long block, which leaves the
    // histogram nearly empty) and the histogram's mean (sees many short ones; it includes its own
    // 10 ms resolution, and is NaN when it took no sample).
    const tick = performance.now();
    const lateness = Math.max(0, tick - lastTick - sampleMs);
    lastTick = tick;
    const mean = Number.isFinite(delay.mean) ? Math.max(0, delay.mean / 1e6 - 10) : 0;
    state.eventLoopDelayMs = Math.max(lateness, mean);
    delay.reset();
    // A busy loop that keeps up (high utilisation, short delays) is not overloaded: utilisation only
    // counts once requests also start to queue, so a CPU-heavy moment alone sheds nothing.
    // Only while requests arrive: refusing them later cannot undo a lag no request waited in.
    const serving = arrivals > 0;
    arrivals = 0;
    const over =
      serving &&
      (state.eventLoopDelayMs > options.maxEventLoopDelayMs ||
        (state.eventLoopUtilization > options.maxEventLoopUtilization &&
          state.eventLoopDelayMs > options.maxEventLoopDelayMs / 4));
    // Up by steps while over; halved each calm sample, so a node back under its limit serves
    // everyone again within a second or so rather than refusing for several.
    state.shedFraction = over
      ? Math.min(0.95, state.shedFraction + 0.1)
      : state.shedFraction < 0.02
        ? 0
        : state.shedFraction / 2;
  }, sampleMs);
  timer.unref();
  // Deterministic spacing: an accumulator refuses every 1/fraction-th request, not a random share.
  let credit = 0;
  app.addHook('onRequest', async (request, reply) => {
    arrivals++;
    if (state.shedFraction === 0 || scopeOf(request) === 'public') return;
    credit += state.shedFraction;
    if (credit < 1) return;
    credit -= 1;
    state.shed++;
    void reply.header('retry-after', '1');
    throw new AisleError('OVERLOADED', 'The server is overloaded; retry after the Retry-After delay');
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    delay.disable();
  });
  return state;
}
