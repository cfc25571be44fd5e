/**
 * A token bucket per notification target: a burst of messages goes out at
 * once, then at most one per refill period. Messages over the limit are
 * dropped and counted, and the next message that goes out says how many were
 * suppressed, so a flapping deployment cannot flood a chat channel and nobody
 * is left thinking all is quiet.
 */

export interface RateLimitOptions {
  /** Messages that may go out back to back. */
  burst: number;
  /** One more message is allowed every this many milliseconds. */
  refillMs: number;
  now?: () => number;
}

/** Default: 10 at once, then one a minute. */
export const DEFAULT_RATE_LIMIT: Omit<RateLimitOptions, "now"> = { burst: 10, refillMs: 60_000 };

/** One target's bucket. */
export class RateLimiter {
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;
  #suppressed = 0;

  constructor(options: RateLimitOptions) {
    if (!(options.burst >= 1) || !(options.refillMs > 0)) throw new RangeError("rate limit: burst must be >= 1 and refill > 0");
    this.#burst = options.burst;
    this.#refillMs = options.refillMs;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.burst;
    this.#updated = this.#now();
  }

  /**
   * Takes a token. Returns undefined when the message must be dropped, else
   * how many messages were dropped since the last one that went out.
   */
  take(): number | undefined {
    const now = this.#now();
    const refilled = Math.floor((now - this.#updated) / this.#refillMs);
    if (refilled > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + refilled);
      this.#updated = this.#tokens === this.#burst ? now : this.#updated + refilled * this.#refillMs;
    }
    if (this.#tokens < 1) {
      this.#suppressed++;
      return undefined;
    }
    this.#tokens--;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return suppressed;
  }
}
