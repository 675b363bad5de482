import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpClient } from '../support/event-loop.js';

/**
 * How long HTTP requests wait while a serving thread does long work in parts, with a turn of the
 * event loop (`setImmediate`) between the parts. A Node `http` server answers "ok"; a client in
 * another process sends `--rate` requests/s for 5 s (latency from each request's due time); after
 * 2 s the server thread works for `--seconds` in parts of each `--parts` length. One JSON line per
 * part length: the parts run and the longest waits. It shows why the search refresh pauses every
 * 10 ms (docs/benchmarks.md, "Over HTTP").
 *
 * Usage: node --import tsx bench/serve/http-parts.ts [--parts 10,50,100,200] [--seconds 1.4] [--rate 100]
 * (`--client <url> [--for s]` is the client side, also used by bench/search/import-refresh-http.ts)
 */
const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
};
const rate = Number(argument('rate') ?? 100);

if (argument('client') !== undefined) {
  // The client: open loop, one request every 1000 / rate ms for `--for` seconds (5).
  const base = argument('client')!;
  const duration = Number(argument('for') ?? 5);
  const waits: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; n < duration * rate; n++) {
    const due = start + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      fetch(base)
        .then((response) => response.text())
        .then(() => {
          waits.push(performance.now() - due);
        }),
    );
  }
  await Promise.all(pending);
  waits.sort((a, b) => b - a);
  process.stdout.write(JSON.stringify({ requests: waits.length, longestMs: waits.slice(0, 3) }));
} else {
  const parts = (argument('parts') ?? '10,50,100,200').split(',').map(Number);
  const seconds = Number(argument('seconds') ?? 1.4);
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  for (const part of parts) {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = startHttpClient(`http://127.0.0.1:${port}/`, rate, 5);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    let turns = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      busy(part);
      turns++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await client.done;
    server.close();
    console.log(
      JSON.stringify({
        bench: 'http-parts',
        partMs: part,
        parts: turns,
        rate,
        requests: result.requests,
        longestWaitMs: result.longestMs.map(Math.round),
      }),
    );
  }
}
