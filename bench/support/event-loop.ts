import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Watches this thread's event loop with a 2 ms timer: `stop()` ends it and gives the longest gap
 * between ticks, counting a stall still under way when it is called; `gaps` holds each gap of
 * `longMs` or more as [end, length] in `performance.now()` ms, to place it in the work watched.
 */
export function watchStalls(longMs = 50): { stop(): number; gaps: [number, number][] } {
  let longest = 0;
  let lastTick = performance.now();
  const gaps: [number, number][] = [];
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - lastTick);
    if (now - lastTick >= longMs) gaps.push([now, now - lastTick]);
    lastTick = now;
  }, 2);
  return {
    gaps,
    stop() {
      clearInterval(ticker);
      return Math.max(longest, performance.now() - lastTick);
    },
  };
}

/**
 * Starts bench/serve/http-parts.ts's open-loop HTTP client in another process against `url`
 * (`rate` requests/s for `seconds`); `done` gives the requests sent and the three longest waits.
 */
export function startHttpClient(
  url: string,
  rate: number,
  seconds: number,
): { done: Promise<{ requests: number; longestMs: number[] }> } {
  const client = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join('bench', 'serve', 'http-parts.ts'),
      '--client',
      url,
      '--rate',
      String(rate),
      '--for',
      String(seconds),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ requests: number; longestMs: number[] }>((resolve, reject) => {
    client.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as { requests: number; longestMs: number[] });
      else reject(new Error(`The HTTP client exited with ${code}`));
    });
  });
  return { done };
}
