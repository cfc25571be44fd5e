/**
 * Call counting for the Dokploy client. The metrics endpoint, the benchmarks
 * and the "plan makes no writes" tests all need to know how many HTTP attempts
 * went to which endpoint and how long they took, without wrapping the client.
 */

/** One HTTP attempt (a retried call produces several). */
export interface CallEvent {
  /** `router.procedure`, or `health`. */
  endpoint: string;
  method: "GET" | "POST";
  /** The HTTP status, or why there is none. `circuit-open` attempts never touched the network. */
  status: number | "network" | "timeout" | "circuit-open";
  durationMs: number;
  /** 1 for the first attempt of a call. */
  attempt: number;
}

/** Per-endpoint totals. An error is any attempt without a 2xx answer. */
export interface EndpointStats {
  calls: number;
  errors: number;
  totalMs: number;
}

/** What `DokployClient.stats()` returns: a snapshot, safe to keep. */
export interface ClientStats {
  total: number;
  byEndpoint: Record<string, EndpointStats>;
}

/** Accumulates `CallEvent`s into totals. */
export class CallStats {
  #total = 0;
  readonly #byEndpoint = new Map<string, EndpointStats>();

  /** Adds one attempt. */
  record(event: CallEvent): void {
    this.#total += 1;
    let s = this.#byEndpoint.get(event.endpoint);
    if (!s) {
      s = { calls: 0, errors: 0, totalMs: 0 };
      this.#byEndpoint.set(event.endpoint, s);
    }
    s.calls += 1;
    s.totalMs += event.durationMs;
    if (typeof event.status !== "number" || event.status < 200 || event.status >= 300) s.errors += 1;
  }

  /** A copy of the totals so far. */
  snapshot(): ClientStats {
    const byEndpoint: Record<string, EndpointStats> = {};
    for (const [k, v] of [...this.#byEndpoint].sort(([a], [b]) => a.localeCompare(b))) byEndpoint[k] = { ...v };
    return { total: this.#total, byEndpoint };
  }
}
