/**
 * One HTTP attempt against Dokploy over an undici pool, with its own deadline.
 * It never throws: every outcome (answer, timeout, reset, refused connection)
 * comes back as a value, because the retry loop above needs to know not only
 * what failed but whether the request may have reached the server.
 */
import type { Dispatcher, Pool } from "undici";
import { DokployError } from "./errors.ts";
import { errorFromResponse, parseSuccessBody } from "./wire.ts";
import type { CallEvent } from "./stats.ts";

/** The `status` of a finished attempt, as `CallEvent` reports it. */
export type StatusOf = Exclude<CallEvent["status"], "circuit-open">;

/** What one attempt needs to know. */
export interface AttemptRequest {
  endpoint: string;
  method: "GET" | "POST";
  /** Path and query, e.g. `/api/project.one?projectId=x`. */
  path: string;
  /** JSON text for POST. */
  body?: string;
  /** Absent for `/api/health`, which needs no key. */
  apiKey?: string;
  timeoutMs: number;
  /** Aborts the attempt from outside (the client closing). */
  cancel?: AbortSignal;
}

/** The outcome of one attempt. */
export type AttemptOutcome =
  | { ok: true; status: number; value: unknown }
  | {
      ok: false;
      status: StatusOf;
      error: DokployError;
      /** Retrying could help (network, timeout, 5xx, 429). */
      transient: boolean;
      /** The request may have reached the server (so a write may have applied). */
      sent: boolean;
      /** The server's `Retry-After`, raw. */
      retryAfter?: string | string[];
    };

/** Error codes that prove the request never left this machine. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  return undefined;
}

/** Sends one attempt. `redact` masks secrets in any text that ends up in an error. */
export async function sendAttempt(
  pool: Pool,
  req: AttemptRequest,
  redact: (text: string) => string,
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const headers: Record<string, string> = { accept: "application/json" };
  if (req.apiKey !== undefined) headers["x-api-key"] = req.apiKey;
  if (req.method === "POST") headers["content-type"] = "application/json";
  try {
    const options: Dispatcher.RequestOptions = {
      path: req.path,
      method: req.method,
      headers,
      signal: req.cancel ? AbortSignal.any([controller.signal, req.cancel]) : controller.signal,
      // Backstops sized to this attempt (an endpoint may be far slower than the pool's default).
      headersTimeout: req.timeoutMs + 1_000,
      bodyTimeout: req.timeoutMs + 1_000,
      ...(req.body !== undefined ? { body: req.body } : {}),
    };
    const res = await pool.request(options);
    const text = await res.body.text();
    const status = res.statusCode;
    if (status >= 200 && status < 300) {
      try {
        return { ok: true, status, value: parseSuccessBody(req.endpoint, status, text, redact) };
      } catch (err) {
        // The server answered, but not in JSON: not transient, and a write may have applied.
        return { ok: false, status, error: err as DokployError, transient: false, sent: true };
      }
    }
    const error = errorFromResponse(req.endpoint, status, text, redact, false);
    return {
      ok: false,
      status,
      error,
      transient: error.retriable,
      // 4xx: Dokploy refused it before writing. 5xx: it may have failed half-way.
      sent: status >= 500 || status === 408,
      ...(res.headers["retry-after"] !== undefined ? { retryAfter: res.headers["retry-after"] } : {}),
    };
  } catch (err) {
    const code = errorCode(err);
    if (req.cancel?.aborted && !timedOut) {
      return {
        ok: false,
        status: "network",
        transient: false,
        sent: true,
        error: new DokployError({ endpoint: req.endpoint, kind: "network", message: "cancelled: the Dokploy client was closed while the request was in flight" }),
      };
    }
    if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
      return {
        ok: false,
        status: "timeout",
        transient: true,
        sent: true,
        error: new DokployError({ endpoint: req.endpoint, kind: "timeout", message: `no answer within ${req.timeoutMs} ms` }),
      };
    }
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    const detail = redact(err instanceof Error ? err.message : String(err));
    return {
      ok: false,
      status: "network",
      transient: true,
      sent: !notSent,
      error: new DokployError({
        endpoint: req.endpoint,
        kind: "network",
        message: `network error${code ? ` (${code})` : ""}: ${detail}`,
      }),
    };
  } finally {
    clearTimeout(timer);
  }
}
