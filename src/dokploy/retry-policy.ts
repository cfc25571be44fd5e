/**
 * When the client may send a call again, and how long it waits in between.
 * The table below is the single place that decides which Dokploy endpoints
 * are safe to repeat: a repeated read is harmless, a repeated update writes
 * the same values, a repeated delete at worst answers "not found", but a
 * repeated create makes a second object (Dokploy names are not unique) and a
 * repeated deploy queues a second build. Those are sent once; the layer above
 * re-reads when their outcome is unknown.
 */
import type { Endpoint } from "./port.ts";

/**
 * - `read`: a GET; always retried on transient failures.
 * - `idempotent`: a write whose repetition sets the same state (updates, `save*`, start/stop).
 * - `delete`: retried; a "not found" after a lost first answer means the first attempt worked.
 * - `once`: never re-sent (creates, deploys): a duplicate would be a new object or a new build.
 */
export type RetrySafety = "read" | "idempotent" | "delete" | "once";

/** The health probe is not a tRPC procedure, but it goes through the same machinery. */
export const HEALTH_ENDPOINT = "health";

/** Per-endpoint retry safety. `satisfies` keeps it complete when the port grows. */
export const RETRY_POLICY = {
  [HEALTH_ENDPOINT]: "read",
  "settings.getDokployVersion": "read",
  "project.all": "read",
  "project.one": "read",
  "project.create": "once",
  "project.update": "idempotent",
  "project.remove": "delete",
  "environment.one": "read",
  "environment.byProjectId": "read",
  "environment.create": "once",
  "environment.update": "idempotent",
  "environment.remove": "delete",
  "application.one": "read",
  "application.create": "once",
  "application.update": "idempotent",
  "application.delete": "delete",
  "application.saveGithubProvider": "idempotent",
  "application.saveGitlabProvider": "idempotent",
  "application.saveBitbucketProvider": "idempotent",
  "application.saveGiteaProvider": "idempotent",
  "application.saveGitProvider": "idempotent",
  "application.saveDockerProvider": "idempotent",
  "application.saveBuildType": "idempotent",
  "application.saveEnvironment": "idempotent",
  "application.deploy": "once",
  "application.redeploy": "once",
  "application.start": "idempotent",
  "application.stop": "idempotent",
  "domain.create": "once",
  "domain.one": "read",
  "domain.byApplicationId": "read",
  "domain.update": "idempotent",
  "domain.delete": "delete",
  "deployment.all": "read",
} as const satisfies Record<Endpoint | typeof HEALTH_ENDPOINT, RetrySafety>;

/**
 * The safety of `endpoint`. An endpoint missing from the table (a future
 * addition nobody classified) is a read when it is a GET and `once` otherwise:
 * the cautious default never duplicates anything.
 */
export function retrySafetyOf(endpoint: string, method: "GET" | "POST"): RetrySafety {
  const known = (RETRY_POLICY as Record<string, RetrySafety>)[endpoint];
  if (known) return known;
  return method === "GET" ? "read" : "once";
}

/** True when a transient failure of a call with this safety may be retried. */
export function mayRetry(safety: RetrySafety): boolean {
  return safety !== "once";
}

/** Backoff settings, all in milliseconds. */
export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound on a server's `Retry-After`, so a proxy cannot park a pass for an hour. */
  maxRetryAfterMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential
 * backoff with full jitter (a uniform draw in [0, min(max, base * 2^(retry-1)))),
 * which spreads a crowd of clients that failed together. A server's
 * `Retry-After` wins when present, capped by `maxRetryAfterMs`.
 */
export function backoffDelay(
  retry: number,
  settings: BackoffSettings,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), settings.maxRetryAfterMs);
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): delay seconds or an
 * HTTP-date. Returns milliseconds from `nowMs`, or undefined when absent or
 * unreadable (the caller then uses its own backoff).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Dates must look like dates: Date.parse accepts too much (e.g. "1.5").
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
