/**
 * Bounded waiting for tests: retry a check until it passes or a deadline
 * expires, then fail with the check's last error. Never an unbounded wait,
 * never a fixed sleep standing in for an assertion.
 */

export interface EventuallyOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 25 ms). */
  intervalMs?: number;
}

/**
 * Runs `fn` until it returns without throwing (and, if it returns a value,
 * that value is not `false`), then returns its value. On timeout, rejects
 * with the last error so the test shows why it was not met.
 */
export async function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Exclude<T, false>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error("condition was never checked");
  for (;;) {
    try {
      const value = await fn();
      if (value !== false) return value as Exclude<T, false>;
      lastError = new Error("condition returned false");
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const err = new Error(`eventually: not met within ${timeoutMs} ms: ${(lastError as Error)?.message ?? String(lastError)}`);
      (err as Error & { cause?: unknown }).cause = lastError;
      throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves after `ms`; for pacing test actions only, never as an assertion. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
