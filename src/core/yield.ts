/**
 * Lets the event loop run what is waiting (timers, I/O, requests) before the caller goes on: a long
 * synchronous job split at these points keeps a serving thread answering in between.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Time slices for a long loop on a serving thread: `pause()` yields to the event loop once a slice
 * has passed since the last yield and returns at once otherwise, so a loop over many records holds
 * requests up for about one slice at a time, whatever the records cost.
 *
 * @example
 * const slices = new TimeSlices();
 * for (const item of items) { index(item); await slices.pause(); }
 */
export class TimeSlices {
  private last = performance.now();

  constructor(private readonly sliceMs = 10) {}

  async pause(): Promise<void> {
    if (performance.now() - this.last < this.sliceMs) return;
    await yieldToEventLoop();
    this.last = performance.now();
  }
}

/** Runs a job written as steps (a generator that stops between them) to its end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a job written as steps to its end, pausing for the event loop between steps every slice. */
export async function runStepsInSlices<T>(steps: Generator<void, T>): Promise<T> {
  const slices = new TimeSlices();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await slices.pause();
  }
}
