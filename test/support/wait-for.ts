// The one way a test waits: poll a condition until it holds or a deadline passes.
// The deadline only bounds a failure; nothing is timed, nothing sleeps a fixed while.

/** Polls `check` until it returns a value (not undefined/false), then returns it; fails naming `what`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}
