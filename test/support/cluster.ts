import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cliPath } from './datasets.js';

/**
 * Several `aisle serve` processes on one store, a load generator that spreads recommend, search and
 * event requests over them (as a load balancer would), and a trainer. Used by the multi-node test
 * (test/multi-node.e2e.test.ts) and its 60-second benchmark (bench/postgres/multi-node.ts).
 */

/** One API node: a child process of the built CLI. */
export interface ApiNode {
  name: string;
  base: string;
  process: ChildProcess;
  output: string[];
}

/** Starts `aisle serve` on a free loopback port and resolves once it listens. */
export async function startApiNode(
  name: string,
  env: Record<string, string>,
  extraArgs: readonly string[] = [],
): Promise<ApiNode> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--no-log', ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      const match = /serving on (http:\/\/[^\s]+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve({ name, base: match[1]!, process: child, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${output.join('')}`));
    });
  });
}

/** Stops a node with SIGTERM (graceful) and waits for it to exit. */
export async function stopApiNode(node: ApiNode): Promise<void> {
  if (node.process.exitCode !== null || node.process.signalCode !== null) return;
  const exited = new Promise((done) => node.process.once('exit', done));
  node.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
  if (node.process.exitCode === null && node.process.signalCode === null) node.process.kill('SIGKILL');
}

/** Runs the CLI to completion (e.g. `train --publish`); resolves with its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

export type Operation = 'recommend' | 'search' | 'events';

export interface RequestFailure {
  node: string;
  operation: Operation;
  status: number | string;
  at: number;
}

export interface LoadResult {
  requests: number;
  byOperation: Record<Operation, number>;
  failures: RequestFailure[];
  /** Event ids the API acknowledged as stored (accepted, or duplicates of a stored retry). */
  acknowledgedEventIds: Set<string>;
  /** Latencies in ms per operation. */
  latencies: Record<Operation, number[]>;
  seconds: number;
}

export interface LoadOptions {
  /** The nodes requests go to now (a load balancer's healthy set; read before every request). */
  targets: () => readonly ApiNode[];
  durationMs: number;
  /** Concurrent clients. */
  clients: number;
  users: number;
  items: number;
  /** Events per POST /events. */
  eventsPerPost?: number;
  /** A node counted as gone (killed): its failures are expected and its events are re-sent elsewhere. */
  isGone?: (node: ApiNode) => boolean;
}

const QUERIES = ['红色', 'shirt', 'mug', 'item 12', 'T恤', 'blue shoes'];

/**
 * Spreads mixed requests over the target nodes for `durationMs`: a third each of recommendations,
 * searches and event batches (every event with a unique id). A request to a node that has been killed
 * is re-sent to a live one, as a load balancer would, with the same event ids (idempotent).
 */
export async function runMixedLoad(options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    requests: 0,
    byOperation: { recommend: 0, search: 0, events: 0 },
    failures: [],
    acknowledgedEventIds: new Set(),
    latencies: { recommend: [], search: [], events: [] },
    seconds: 0,
  };
  const started = performance.now();
  const end = started + options.durationMs;
  let sequence = 0;
  const perPost = options.eventsPerPost ?? 5;

  async function send(operation: Operation, n: number, events?: Record<string, unknown>[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const targets = options.targets();
      const node = targets[(n + attempt) % targets.length]!;
      const t0 = performance.now();
      let status: number | string;
      let body: { accepted?: number; duplicates?: number } | undefined;
      try {
        let response: Response;
        if (operation === 'recommend') {
          response = await fetch(`${node.base}/recommend/u${n % options.users}?k=10`);
        } else if (operation === 'search') {
          response = await fetch(`${node.base}/search?q=${encodeURIComponent(QUERIES[n % QUERIES.length]!)}`);
        } else {
          response = await fetch(`${node.base}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events }),
          });
        }
        status = response.status;
        const text = await response.text();
        if (operation === 'events' && response.ok) body = JSON.parse(text) as typeof body;
      } catch (error) {
        status =
          error instanceof Error
            ? `${error.name}: ${(error as { cause?: Error }).cause?.message ?? error.message}`
            : String(error);
      }
      result.requests++;
      result.byOperation[operation]++;
      const ok = typeof status === 'number' && status >= 200 && status < 300;
      if (ok) {
        result.latencies[operation].push(performance.now() - t0);
        if (events && body && (body.accepted ?? 0) + (body.duplicates ?? 0) === events.length) {
          for (const event of events) result.acknowledgedEventIds.add(event['eventId'] as string);
        }
        return;
      }
      const gone = options.isGone?.(node) ?? false;
      if (!gone)
        result.failures.push({ node: node.name, operation, status, at: performance.now() - started });
      // A request lost with a killed node goes to a live one (same event ids: stored at most once).
      if (!gone || attempt >= 5) return;
    }
  }

  async function client(id: number): Promise<void> {
    while (performance.now() < end) {
      const n = sequence++;
      const kind = n % 3;
      if (kind === 0) await send('recommend', n);
      else if (kind === 1) await send('search', n);
      else {
        const events = Array.from({ length: perPost }, (_, at) => ({
          eventId: `load-${id}-${n}-${at}`,
          userId: `u${(n + at) % options.users}`,
          itemId: `i${(n * 7 + at) % options.items}`,
          type: at % 4 === 0 ? 'click' : 'view',
          timestamp: Date.now() - 1000,
        }));
        await send('events', n, events);
      }
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_, id) => client(id)));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** The p-th percentile (0–100) of the values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
