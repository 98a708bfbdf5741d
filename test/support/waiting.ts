// Waiting for effects that land after the answer. For a plain pause, tests use node:timers/promises.

/**
 * Polls `probe` every 50 ms until it finds something (anything but undefined): for effects that land
 * after the answer (housekeeping, follow-ups delivered to another shard, a relay's cursor).
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
