// Test helper shared by the clock and deadline queue tests (no tests of its own).

/** Counts the calls of the global setTimeout and clearTimeout while `run` runs. */
export async function countingTimers(
  run: () => Promise<void> | void,
): Promise<{ set: number; cleared: number }> {
  const [set, clear] = [globalThis.setTimeout, globalThis.clearTimeout];
  const counts = { set: 0, cleared: 0 };
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    counts.set++;
    return set(...args);
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id?: number) => {
    counts.cleared++;
    return clear(id);
  }) as typeof clearTimeout;
  try {
    await run();
  } finally {
    [globalThis.setTimeout, globalThis.clearTimeout] = [set, clear];
  }
  return counts;
}
