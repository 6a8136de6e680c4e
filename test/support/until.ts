/** Polls a condition until it holds, or fails the test naming what it waited for. */
export async function until(
  cond: () => boolean,
  timeoutMs: number,
  what: string | (() => string),
  stepMs = 10,
): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
