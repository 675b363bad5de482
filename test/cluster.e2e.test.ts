import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiNode, runCli, startApiNode, stopApiNode } from './support/cluster.js';
import { tempDir } from './support/temp.js';

/**
 * `aisle serve --workers 2` on a SQLite file: requests on new connections reach both workers; an
 * event posted through either shows in the very next answer of either; /metrics counts every
 * worker's requests; a worker killed with SIGKILL is replaced while the other goes on serving.
 */
const temp = tempDir('aisle-cluster-');
let node: ApiNode;

interface Answer {
  status: number;
  worker: string;
  body: string;
}

/** One request on a connection of its own (no keep-alive), so the cluster picks a worker each time. */
function call(base: string, path: string, body?: unknown): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            worker: String(response.headers['x-aisle-worker']),
            body: text,
          }),
        );
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`${path}: no answer in 5 s`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  const db = join(temp.dir, 'cluster.db');
  const seeded = await runCli(['demo', '--no-serve', '--db', db], {});
  expect(seeded.code).toBe(0);
  const trained = await runCli(['train', '--model', 'itemknn', '--db', db], {});
  expect(trained.code).toBe(0);
  node = await startApiNode('cluster', { AISLE_DB: db }, ['--workers', '2']);
  // Both workers listen once both have printed their line.
  for (let tries = 0; tries < 200 && (node.output.join('').match(/serving on/g) ?? []).length < 2; tries++)
    await new Promise((done) => setTimeout(done, 100));
}, 180_000);
afterAll(async () => {
  await stopApiNode(node);
  temp.cleanup();
});

describe('several worker processes on one port', () => {
  it('answers from both workers', async () => {
    const workers = new Set<string>();
    for (let n = 0; n < 40 && workers.size < 2; n++) {
      const answer = await call(node.base, '/popular?k=3');
      expect(answer.status).toBe(200);
      workers.add(answer.worker);
    }
    expect([...workers].sort()).toEqual(['0', '1']);
  });

  it("shows an event posted through one worker in either worker's next answer", async () => {
    const profile = async () =>
      JSON.parse((await call(node.base, '/users/cluster-probe/profile')).body) as { events: number };
    // Warm both workers' history caches for the user.
    for (let n = 0; n < 10; n++) expect((await profile()).events ?? 0).toBe(0);
    for (let round = 1; round <= 6; round++) {
      const posted = await call(node.base, '/events', {
        userId: 'cluster-probe',
        itemId: 'p00003',
        type: 'view',
        eventId: `cluster-probe-${round}`,
      });
      expect(posted.status).toBe(200);
      // Several reads on fresh connections: whichever worker answers has seen the event.
      for (let n = 0; n < 4; n++) expect((await profile()).events).toBe(round);
    }
  });

  it('counts the requests of every worker in /metrics', async () => {
    const seen = new Set<string>();
    let sent = 0;
    while (seen.size < 2 || sent < 10) {
      seen.add((await call(node.base, '/popular?k=2&scenario=metrics-probe')).worker);
      sent++;
    }
    const text = (await call(node.base, '/metrics')).body;
    const line = text
      .split('\n')
      .find((entry) =>
        entry.startsWith('aisle_http_request_duration_seconds_count{method="GET",route="/popular"'),
      );
    expect(line).toBeDefined();
    // Every /popular request of this file so far, from both workers, is in one count.
    expect(Number(line!.split(' ').at(-1))).toBeGreaterThanOrEqual(sent + 2);
  });

  it('replaces a worker killed with SIGKILL and keeps answering meanwhile', async () => {
    const pidOf = async (worker: string): Promise<number> => {
      for (;;) {
        const answer = await call(node.base, '/health');
        if (answer.worker === worker) return (JSON.parse(answer.body) as { pid: number }).pid;
      }
    };
    const victim = await pidOf('1');
    process.kill(victim, 'SIGKILL');
    // A connection handed over in the instant before the primary sees the exit is lost (a load
    // balancer retries it); from then on the other worker takes every connection.
    for (let tries = 0; tries < 200 && !node.output.join('').includes('worker 1 exited'); tries++)
      await new Promise((done) => setTimeout(done, 25));
    for (let n = 0; n < 20; n++) expect((await call(node.base, '/popular?k=3')).status).toBe(200);
    let replaced = 0;
    for (let tries = 0; tries < 300 && !replaced; tries++) {
      const answer = await call(node.base, '/health');
      const pid = (JSON.parse(answer.body) as { pid: number }).pid;
      if (answer.worker === '1' && pid !== victim) replaced = pid;
      else await new Promise((done) => setTimeout(done, 50));
    }
    expect(replaced).toBeGreaterThan(0);
  }, 60_000);
});
