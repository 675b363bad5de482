import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * An open-loop, constant-rate HTTP load generator: request n is due at start + n/rate and is sent
 * then (spread evenly, not in bursts), whatever the earlier requests are doing; its latency counts
 * from the moment it was due, so time spent waiting for a free connection or a slow server counts
 * too (no coordinated omission).
 *
 * Written here because autocannon's `overallRate` is a per-second quota per connection: every
 * connection fires its quota back to back at the start of each second and then idles, so at
 * 500/s over 32 connections the server sees 32 requests at once, every second, and the latencies
 * measure that burst rather than the server at 500/s.
 */
export interface OpenLoopOptions {
  base: string;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Keep-alive connections at most (requests beyond wait for one, and that wait counts). */
  connections: number;
  nextPath: () => string;
  /** Per-request timeout in ms (counted as an error). */
  timeoutMs?: number;
}

export interface OpenLoopResult {
  sent: number;
  /** Status code → count. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Latencies (ms from the due time) of 2xx responses. */
  latencies: Float64Array;
  seconds: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.base);
  const total = Math.round(options.rate * options.seconds);
  const latencies = new Float64Array(total);
  let answered = 0;
  const statuses: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let finished = 0;
  let sent = 0;
  const started = performance.now();
  const interval = 1000 / options.rate;
  let done: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (done = resolve));

  const fire = (due: number): void => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: options.nextPath(),
        agent,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const code = String(response.statusCode);
          statuses[code] = (statuses[code] ?? 0) + 1;
          if (response.statusCode !== undefined && response.statusCode < 300)
            latencies[answered++] = performance.now() - due;
          if (++finished === total) done();
        });
      },
    );
    req.on('timeout', () => {
      timeouts++;
      req.destroy(new Error('timeout'));
    });
    req.on('error', () => {
      errors++;
      if (++finished === total) done();
    });
    req.end();
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      // Everything due by now goes out now, each stamped with its own due time.
      while (sent < total && started + sent * interval <= now) fire(started + sent++ * interval);
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, started + sent * interval - now)));
    };
    tick();
  });
  if (total > 0) await allDone;
  agent.destroy();
  return {
    sent,
    statuses,
    errors,
    timeouts,
    latencies: latencies.slice(0, answered).sort(),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The p-th percentile (0–100) of sorted values. */
export function percentileOf(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Polls `GET /health` every `pollMs` until the server answers it; throws after `maxTries` refusals. */
export async function waitForHealth(base: string, pollMs: number, maxTries = 1200): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      if (tries > maxTries) throw new Error('the server did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
