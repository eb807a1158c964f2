/** Polls `ok` until it holds, or fails after `timeoutMs`: waits on state another process or socket changes, without a fixed sleep. */
export async function until(ok: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
