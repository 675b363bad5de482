/**
 * Lets the event loop run what is waiting (timers, I/O, requests) before the caller goes on: a long
 * synchronous job split at these points keeps a serving thread answering in between.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
