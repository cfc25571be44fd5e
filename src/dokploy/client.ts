/**
 * The undici implementation of the `DokployApi` port: the one way the
 * reconciler talks to a Dokploy, real or simulated. It owns everything about
 * the conversation that the layers above should not think about: the key
 * header, the wire encoding, a keep-alive connection pool, per-request
 * deadlines, retries where repeating is safe (`retry-policy.ts`), a circuit
 * breaker (`breaker.ts`), call counting (`stats.ts`), and typed errors that
 * never carry the API key.
 */
import { Pool } from "undici";
import { Redactor } from "../util/redact.ts";
import { CircuitBreaker } from "./breaker.ts";
import type { BreakerState } from "./breaker.ts";
import { DokployError } from "./errors.ts";
import { ENDPOINTS } from "./port.ts";
import type { DokployApi, Endpoint } from "./port.ts";
import { backoffDelay, HEALTH_ENDPOINT, mayRetry, parseRetryAfter, retrySafetyOf } from "./retry-policy.ts";
import type { BackoffSettings, RetrySafety } from "./retry-policy.ts";
import type { EndpointDef } from "./endpoint.ts";
import { projectApplicationDetail } from "./projection.ts";
import { CallStats } from "./stats.ts";
import type { CallEvent, ClientStats } from "./stats.ts";
import { sendAttempt } from "./transport.ts";
import { encodeQuery, endpointPath, resolveDokployBase } from "./wire.ts";
import type {
  ApplicationRow, DeploymentRow, DomainRow, EnvironmentRow, ProjectCreateResult, ProjectDetail,
  ProjectListItem, ProjectRow,
} from "./types.ts";

export type { CallEvent, ClientStats, EndpointStats } from "./stats.ts";
export type { BreakerState } from "./breaker.ts";
export { resolveEndpointUrl, UNAUTHORIZED_MESSAGE } from "./wire.ts";

/** How to reach a Dokploy and how patient to be with it. */
export interface DokployClientOptions {
  /** Base URL, e.g. https://dokploy.example.com (API at `${url}/api/...`); a trailing slash is fine. */
  url: string;
  apiKey: string;
  /** Per attempt, including reading the body. Default 30 000. */
  requestTimeoutMs?: number;
  /** Connection pool size. Default 16. */
  connections?: number;
  /**
   * Defaults: 4 attempts, 200 ms base, 5 s max (full jitter). `maxRetryAfterMs`
   * (an addition, default 30 s) caps how long a server's `Retry-After` may park a call.
   */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
  /** Defaults: open after 5 consecutive transient failures, probe after 30 s. */
  breaker?: { failureThreshold?: number; coolDownMs?: number };
  /** Every HTTP attempt (metrics, call counting). Must not throw. */
  onCall?: (event: CallEvent) => void;
  onBreakerChange?: (state: BreakerState) => void;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Clock for the breaker's cool-down (an addition); injectable for tests. */
  now?: () => number;
}

/** The port plus what operators and metrics need to see. */
export interface DokployClient extends DokployApi {
  breakerState(): BreakerState;
  /** Calls per endpoint since creation (attempts, successes, failures) and total latency. */
  stats(): ClientStats;
  /** Aborts in-flight calls and closes the connection pool; later calls reject. */
  close(): Promise<void>;
}

function positive(value: number | undefined, fallback: number, name: string, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw new TypeError(`Dokploy client: ${name} must be a number >= ${min}, got ${String(value)}`);
  return v;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates a client. Options are validated at once (a bad URL or key fails
 * here, not at the first call); the key is kept only in a closure and in the
 * redactor that masks it, never on an enumerable property.
 */
export function createDokployClient(options: DokployClientOptions): DokployClient {
  const base = resolveDokployBase(options.url);
  const apiKey = options.apiKey;
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new TypeError("Dokploy client: apiKey must be a non-empty string (set DOKPLOY_API_KEY)");
  }
  if (/[\r\n\0]/.test(apiKey) || apiKey !== apiKey.trim()) {
    throw new TypeError("Dokploy client: apiKey contains whitespace or control characters; check how it was read (a trailing newline?)");
  }
  const timeoutMs = positive(options.requestTimeoutMs, 30_000, "requestTimeoutMs");
  const connections = positive(options.connections, 16, "connections");
  const maxAttempts = Math.floor(positive(options.retry?.maxAttempts, 4, "retry.maxAttempts"));
  const backoff: BackoffSettings = {
    baseDelayMs: positive(options.retry?.baseDelayMs, 200, "retry.baseDelayMs", 0),
    maxDelayMs: positive(options.retry?.maxDelayMs, 5_000, "retry.maxDelayMs", 0),
    maxRetryAfterMs: positive(options.retry?.maxRetryAfterMs, 30_000, "retry.maxRetryAfterMs", 0),
  };
  const failureThreshold = Math.floor(positive(options.breaker?.failureThreshold, 5, "breaker.failureThreshold"));
  const coolDownMs = positive(options.breaker?.coolDownMs, 30_000, "breaker.coolDownMs", 0);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;

  const redactor = new Redactor().add(apiKey);
  const redact = (text: string): string => redactor.redact(text);
  const stats = new CallStats();
  const breaker = new CircuitBreaker({
    failureThreshold,
    coolDownMs,
    now,
    ...(options.onBreakerChange ? { onChange: options.onBreakerChange } : {}),
  });
  const pool = new Pool(base.origin, {
    connections,
    keepAliveTimeout: 10_000,
    // Backstops; the per-attempt AbortSignal is the real deadline.
    headersTimeout: timeoutMs + 1_000,
    bodyTimeout: timeoutMs + 1_000,
  });
  let closed = false;
  // Aborts in-flight attempts on close(), so shutting down never waits out a hanging Dokploy.
  const closing = new AbortController();

  const emit = (event: CallEvent): void => {
    stats.record(event);
    options.onCall?.(event);
  };

  async function call(
    endpoint: string, method: "GET" | "POST", input?: unknown, authenticated = true, declared?: RetrySafety,
    deadlineMs = timeoutMs,
  ): Promise<unknown> {
    const safety = declared ?? retrySafetyOf(endpoint, method);
    const isWrite = method === "POST";
    let path = endpointPath(base, endpoint);
    let body: string | undefined;
    try {
      if (method === "GET") path += encodeQuery(endpoint, input);
      else body = JSON.stringify(input ?? {});
    } catch (err) {
      throw new DokployError({ endpoint, kind: "protocol", message: `cannot encode the input: ${redact((err as Error).message)}` });
    }
    // Once any attempt of a write may have reached the server, every later error says so.
    let mayHaveApplied = false;
    let lastError: DokployError | undefined;
    for (let attempt = 1; ; attempt++) {
      if (closed) {
        throw new DokployError({ endpoint, kind: "network", message: "the Dokploy client is closed", mayHaveApplied });
      }
      const ticket = breaker.acquire();
      if (!ticket && lastError) {
        // The breaker opened during this call's retries: Dokploy's own last answer says more.
        const note = ` (after ${attempt - 1} attempts; the circuit breaker is now open)${unknownOutcome(isWrite && mayHaveApplied)}`;
        throw rebuild(lastError, isWrite && mayHaveApplied, note);
      }
      if (!ticket) {
        emit({ endpoint, method, status: "circuit-open", durationMs: 0, attempt });
        throw new DokployError({
          endpoint,
          kind: "circuit-open",
          message: `not sent: the circuit breaker is open after ${failureThreshold} consecutive failures; the next probe goes out ${coolDownMs} ms after it opened${unknownOutcome(isWrite && mayHaveApplied)}`,
          mayHaveApplied: isWrite && mayHaveApplied,
        });
      }
      const started = performance.now();
      const outcome = await sendAttempt(
        pool,
        {
          endpoint, method, path, timeoutMs: deadlineMs, cancel: closing.signal,
          ...(body !== undefined ? { body } : {}), ...(authenticated ? { apiKey } : {}),
        },
        redact,
      );
      const durationMs = performance.now() - started;
      if (closing.signal.aborted && !outcome.ok) ticket.release();
      else if (outcome.ok || !outcome.transient) ticket.success();
      else ticket.failure();
      emit({ endpoint, method, status: outcome.status, durationMs, attempt });
      if (outcome.ok) return outcome.value;

      const earlierMayHaveApplied = mayHaveApplied;
      if (isWrite && outcome.sent) mayHaveApplied = true;
      const error = outcome.error;
      lastError = error;
      if (!outcome.transient) {
        if (safety === "delete" && earlierMayHaveApplied && error.isNotFound) {
          throw rebuild(error, true, " (not found on a retry: an earlier attempt whose answer was lost probably removed it)");
        }
        // A 4xx was refused before any write; a 2xx that was not JSON did apply.
        throw rebuild(error, isWrite && mayHaveApplied, unknownOutcome(isWrite && mayHaveApplied));
      }
      if (!mayRetry(safety) || attempt >= maxAttempts) {
        const tried = attempt > 1 ? ` (after ${attempt} attempts)` : "";
        throw rebuild(error, isWrite && mayHaveApplied, `${tried}${unknownOutcome(isWrite && mayHaveApplied)}`);
      }
      const retryAfterMs = parseRetryAfter(outcome.retryAfter, now());
      await sleep(backoffDelay(attempt, backoff, random, retryAfterMs));
    }
  }

  const req = (endpoint: Endpoint, input?: unknown): Promise<unknown> => call(endpoint, ENDPOINTS[endpoint], input);

  return {
    breakerState: () => breaker.state(),
    stats: () => stats.snapshot(),
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      await pool.close();
    },

    call: async <I, O>(endpoint: EndpointDef<I, O>, input: I): Promise<O> => {
      const answer = await call(endpoint.name, endpoint.method, input, true, endpoint.safety, endpoint.timeoutMs ?? timeoutMs);
      return endpoint.project ? endpoint.project(answer) : (answer as O);
    },

    health: async () => {
      const value = await call(HEALTH_ENDPOINT, "GET", undefined, false);
      return { ok: (value as { ok?: unknown } | undefined)?.ok === true };
    },
    settingsGetDokployVersion: async () => String(await req("settings.getDokployVersion")),

    projectAll: async () => (await req("project.all")) as ProjectListItem[],
    projectOne: async (input) => (await req("project.one", input)) as ProjectDetail,
    projectCreate: async (input) => (await req("project.create", input)) as ProjectCreateResult,
    projectUpdate: async (input) => (await req("project.update", input)) as ProjectRow,
    projectRemove: async (input) => (await req("project.remove", input)) as ProjectRow,

    environmentOne: (input) => req("environment.one", input),
    environmentByProjectId: async (input) => (await req("environment.byProjectId", input)) as unknown[],
    environmentCreate: async (input) => (await req("environment.create", input)) as EnvironmentRow,
    environmentUpdate: async (input) => (await req("environment.update", input)) as EnvironmentRow,
    environmentRemove: async (input) => (await req("environment.remove", input)) as EnvironmentRow,

    // Only the typed fields: a pass holds one of these per managed application (see projection.ts).
    applicationOne: async (input) => projectApplicationDetail(await req("application.one", input)),
    applicationCreate: async (input) => (await req("application.create", input)) as ApplicationRow,
    applicationUpdate: async (input) => (await req("application.update", input)) as boolean,
    applicationDelete: (input) => req("application.delete", input),
    applicationSaveGithubProvider: async (input) => (await req("application.saveGithubProvider", input)) as boolean,
    applicationSaveGitlabProvider: async (input) => (await req("application.saveGitlabProvider", input)) as boolean,
    applicationSaveBitbucketProvider: async (input) => (await req("application.saveBitbucketProvider", input)) as boolean,
    applicationSaveGiteaProvider: async (input) => (await req("application.saveGiteaProvider", input)) as boolean,
    applicationSaveGitProvider: async (input) => (await req("application.saveGitProvider", input)) as boolean,
    applicationSaveDockerProvider: async (input) => (await req("application.saveDockerProvider", input)) as boolean,
    applicationSaveBuildType: async (input) => (await req("application.saveBuildType", input)) as boolean,
    applicationSaveEnvironment: async (input) => (await req("application.saveEnvironment", input)) as boolean,
    applicationDeploy: async (input) => {
      await req("application.deploy", input);
    },
    applicationRedeploy: async (input) => {
      await req("application.redeploy", input);
    },
    applicationStart: (input) => req("application.start", input),
    applicationStop: (input) => req("application.stop", input),

    domainCreate: async (input) => (await req("domain.create", input)) as DomainRow,
    domainOne: async (input) => (await req("domain.one", input)) as DomainRow,
    domainByApplicationId: async (input) => (await req("domain.byApplicationId", input)) as DomainRow[],
    domainUpdate: async (input) => (await req("domain.update", input)) as DomainRow,
    domainDelete: async (input) => (await req("domain.delete", input)) as DomainRow,

    deploymentAll: async (input) => (await req("deployment.all", input)) as DeploymentRow[],
  };
}

function unknownOutcome(mayHaveApplied: boolean): string {
  return mayHaveApplied ? " — the request may have reached Dokploy and applied; re-read before sending it again" : "";
}

/** A copy of `err` with the outcome flag and a note the retry loop learned. */
function rebuild(err: DokployError, mayHaveApplied: boolean, note: string): DokployError {
  const prefix = `${err.endpoint}: `;
  const base = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new DokployError({
    endpoint: err.endpoint,
    kind: err.kind,
    message: `${base}${note}`,
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.code !== undefined ? { code: err.code } : {}),
    ...(err.dokployMessage !== undefined ? { dokployMessage: err.dokployMessage } : {}),
    mayHaveApplied,
  });
}
