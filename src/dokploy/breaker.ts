/**
 * A circuit breaker for one Dokploy server. When Dokploy keeps failing
 * (network errors, timeouts, 5xx), every reconcile pass would otherwise spend
 * its whole retry budget against a dead server and pile load onto one that is
 * struggling to come back. After `failureThreshold` consecutive transient
 * failures the breaker opens and calls fail fast; after `coolDownMs` one probe
 * is let through (half-open); its outcome closes or re-opens the circuit.
 * Answers in the 4xx range mean the server is up and count as successes.
 */

/** `closed`: calls flow; `open`: calls fail fast; `half-open`: one probe is in flight or allowed. */
export type BreakerState = "closed" | "open" | "half-open";

/** Breaker settings and collaborators. `now` is injectable so tests need no real waiting. */
export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
  now: () => number;
  onChange?: (state: BreakerState) => void;
}

/** A ticket for one attempt: report its outcome exactly once. */
export interface BreakerTicket {
  /** The server answered (any status below 500 except 429). */
  success(): void;
  /** A transient failure: network, timeout, 5xx, 429. */
  failure(): void;
  /** The attempt ended without telling anything about the server (e.g. cancelled locally). */
  release(): void;
}

/** Tracks consecutive failures and decides whether a call may go out. */
export class CircuitBreaker {
  readonly #options: BreakerOptions;
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;

  constructor(options: BreakerOptions) {
    if (!(options.failureThreshold >= 1)) {
      throw new RangeError(`breaker.failureThreshold: expected an integer >= 1, got ${options.failureThreshold}`);
    }
    if (!(options.coolDownMs >= 0)) {
      throw new RangeError(`breaker.coolDownMs: expected a duration >= 0 ms, got ${options.coolDownMs}`);
    }
    this.#options = options;
  }

  /** The current state; an open breaker whose cool-down has passed reads as half-open. */
  state(): BreakerState {
    if (this.#state === "open" && this.#coolDownOver()) return "half-open";
    return this.#state;
  }

  /**
   * Asks to send one attempt. Returns a ticket, or undefined when the call
   * must fail fast (open, or half-open with the single probe already out).
   */
  acquire(): BreakerTicket | undefined {
    if (this.#state === "open") {
      if (!this.#coolDownOver()) return undefined;
      this.#transition("half-open");
    }
    if (this.#state === "half-open") {
      if (this.#probeInFlight) return undefined;
      this.#probeInFlight = true;
      return this.#ticket(true);
    }
    return this.#ticket(false);
  }

  #ticket(probe: boolean): BreakerTicket {
    let done = false;
    const once = (fn: () => void) => () => {
      if (done) return;
      done = true;
      if (probe) this.#probeInFlight = false;
      fn();
    };
    return {
      success: once(() => this.#onSuccess()),
      failure: once(() => this.#onFailure(probe)),
      release: once(() => undefined),
    };
  }

  #onSuccess(): void {
    this.#failures = 0;
    if (this.#state !== "closed") this.#transition("closed");
  }

  #onFailure(probe: boolean): void {
    this.#failures += 1;
    if (probe || this.#state === "half-open") {
      this.#open();
    } else if (this.#state === "closed" && this.#failures >= this.#options.failureThreshold) {
      this.#open();
    }
  }

  #open(): void {
    this.#openedAt = this.#options.now();
    this.#transition("open");
  }

  #coolDownOver(): boolean {
    return this.#options.now() - this.#openedAt >= this.#options.coolDownMs;
  }

  #transition(next: BreakerState): void {
    if (this.#state === next) return;
    this.#state = next;
    this.#options.onChange?.(next);
  }
}
