/**
 * Exponential backoff for transient failures (Dokploy down, git unreachable):
 * each consecutive failure doubles the wait up to a cap, and a success resets
 * it, so a daemon recovers by itself without hammering a struggling server.
 */

export interface BackoffOptions {
  /** Wait after the first failure. */
  initialMs: number;
  /** Upper bound of any wait. */
  maxMs: number;
  /**
   * Fraction of the wait randomised away (0..1), so several daemons do not
   * retry in lockstep. 0 makes the sequence exact (tests).
   */
  jitter: number;
  /** Source of randomness in [0,1); injected so tests are deterministic. */
  random?: () => number;
}

/** Defaults: 5s, 10s, 20s ... capped at 5 minutes, 20% jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 5_000, maxMs: 300_000, jitter: 0.2 };

/** Counts consecutive failures and turns them into the next wait. */
export class Backoff {
  readonly #options: BackoffOptions;
  #failures = 0;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    if (!(options.initialMs > 0) || !(options.maxMs >= options.initialMs)) {
      throw new RangeError(`backoff: expected 0 < initialMs <= maxMs, got ${options.initialMs} and ${options.maxMs}`);
    }
    this.#options = options;
  }

  /** Consecutive failures since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  fail(): number {
    this.#failures += 1;
    const { initialMs, maxMs, jitter } = this.#options;
    const exp = Math.min(maxMs, initialMs * 2 ** Math.min(this.#failures - 1, 30));
    const random = this.#options.random ?? Math.random;
    return Math.max(1, Math.round(exp * (1 - jitter * random())));
  }

  /** Records a success: the next failure starts from the initial wait again. */
  reset(): void {
    this.#failures = 0;
  }
}
