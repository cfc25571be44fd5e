/**
 * Typed errors from the Dokploy client. Every failure says which endpoint it
 * came from, Dokploy's status and message, and whether retrying can help
 * (transient) or not (terminal). They never carry the API key or headers.
 */

export type DokployErrorKind =
  /** 401: the key is invalid, expired, or its rate limit is exhausted (Dokploy can't tell them apart). */
  | "unauthorized"
  /** 400, 403, 404, 409, 413, 415: Dokploy refused the request; retrying won't help. */
  | "rejected"
  /** 5xx, 429. */
  | "server"
  /** Connection refused/reset, DNS, TLS. */
  | "network"
  /** No response within the per-request timeout. */
  | "timeout"
  /** The circuit breaker is open: the call was not sent. */
  | "circuit-open"
  /** The response could not be parsed. */
  | "protocol";

export class DokployError extends Error {
  override readonly name = "DokployError";
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly kind: DokployErrorKind;
  /** Dokploy's `code` (e.g. `NOT_FOUND`, `BAD_REQUEST`) when it sent one. */
  readonly code: string | undefined;
  /** Dokploy's own message, when it sent one. */
  readonly dokployMessage: string | undefined;
  /** True when the same call may succeed later (network, timeout, 5xx, 429, open breaker). */
  readonly retriable: boolean;
  /**
   * True when a write may have reached the server although no answer came
   * (timeouts, resets after the request was sent). The layer above must re-read
   * before it re-sends a create.
   */
  readonly mayHaveApplied: boolean;

  constructor(init: {
    endpoint: string;
    kind: DokployErrorKind;
    message: string;
    status?: number;
    code?: string;
    dokployMessage?: string;
    mayHaveApplied?: boolean;
  }) {
    super(`${init.endpoint}: ${init.message}`);
    this.endpoint = init.endpoint;
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.dokployMessage = init.dokployMessage;
    this.retriable = ["server", "network", "timeout", "circuit-open"].includes(init.kind);
    this.mayHaveApplied = init.mayHaveApplied ?? false;
  }

  /** True for Dokploy's "not found", including the handlers that re-wrap it as 400. */
  get isNotFound(): boolean {
    return (
      this.status === 404 ||
      this.code === "NOT_FOUND" ||
      (this.status === 400 && /not found/i.test(this.dokployMessage ?? ""))
    );
  }
}
