/**
 * Runs `work` and counts the turns the event loop took meanwhile (a `setImmediate` chain): 0 when
 * the work never gave the loop a turn, however many promises it awaited.
 */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let ended = false;
  const count = () => {
    if (ended) return;
    turns++;
    setImmediate(count);
  };
  setImmediate(count);
  try {
    return { result: await work(), turns };
  } finally {
    ended = true;
  }
}
