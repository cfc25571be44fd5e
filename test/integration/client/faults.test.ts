import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { createDokployClient, UNAUTHORIZED_MESSAGE } from "../../../src/dokploy/client.ts";
import type { BreakerState, CallEvent, DokployClient, DokployClientOptions } from "../../../src/dokploy/client.ts";
import { DokployError } from "../../../src/dokploy/errors.ts";
import { startFaultServer } from "./fault-server.ts";
import type { FaultServer } from "./fault-server.ts";
import { rejection } from "./leak-check.ts";
import { eventually } from "../../helpers/eventually.ts";

const KEY = "dgk_faulttest_9f8e7d6c5b4a";

let server: FaultServer;
let client: DokployClient | undefined;
let sleeps: number[];
let events: CallEvent[];

function makeClient(extra: Partial<DokployClientOptions> = {}): DokployClient {
  client = createDokployClient({
    url: `${server.url}/`,
    apiKey: KEY,
    requestTimeoutMs: 300,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onCall: (e) => events.push(e),
    ...extra,
  });
  return client;
}

beforeEach(async () => {
  server = await startFaultServer();
  sleeps = [];
  events = [];
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await server.close();
});

describe("wire format", () => {
  it("sends the key as x-api-key only, GET inputs as query parameters", async () => {
    const c = makeClient();
    server.script({ kind: "json", body: { projectId: "p1", environments: [] } });
    await expect(c.projectOne({ projectId: "a b/c" })).resolves.toEqual({ projectId: "p1", environments: [] });
    const [req] = server.seen;
    expect(req?.method).toBe("GET");
    expect(req?.url).toBe("/api/project.one?projectId=a+b%2Fc");
    expect(req?.headers["x-api-key"]).toBe(KEY);
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.headers.cookie).toBeUndefined();
  });

  it("POSTs a JSON body with content-type application/json", async () => {
    const c = makeClient();
    server.script({ kind: "json", body: true });
    await expect(c.applicationUpdate({ applicationId: "a1", replicas: 2, description: null })).resolves.toBe(true);
    const [req] = server.seen;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/api/application.update");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toEqual({ applicationId: "a1", replicas: 2, description: null });
  });

  it("reads an empty 200 body as undefined (application.deploy)", async () => {
    const c = makeClient();
    server.script({ kind: "raw", body: "" });
    await expect(c.applicationDeploy({ applicationId: "a1" })).resolves.toBeUndefined();
  });

  it("calls /api/health without the key", async () => {
    const c = makeClient();
    server.script({ kind: "json", body: { ok: true } });
    await expect(c.health()).resolves.toEqual({ ok: true });
    expect(server.seen[0]?.url).toBe("/api/health");
    expect(server.seen[0]?.headers["x-api-key"]).toBeUndefined();
  });

  it("keeps a sub-path of the base URL", async () => {
    client = createDokployClient({ url: `${server.url}/dokploy/`, apiKey: KEY });
    server.script({ kind: "json", body: "v0.30.2" });
    await expect(client.settingsGetDokployVersion()).resolves.toBe("v0.30.2");
    expect(server.seen[0]?.url).toBe("/dokploy/api/settings.getDokployVersion");
  });

  it("treats a non-JSON 200 as a protocol error, not retried", async () => {
    const c = makeClient();
    server.script({ kind: "raw", body: "<html><body>Please log in</body></html>" });
    const err = await rejection(c.projectAll(), KEY);
    expect(err).toBeInstanceOf(DokployError);
    expect(err).toMatchObject({ kind: "protocol", status: 200, retriable: false });
    expect(err.message).toContain("project.all: expected a JSON body");
    expect(server.seen).toHaveLength(1);
  });
});

describe("connection pool", () => {
  it("reuses one keep-alive connection for sequential calls", async () => {
    const c = makeClient();
    for (let i = 0; i < 20; i++) await c.projectAll();
    expect(server.seen).toHaveLength(20);
    // undici may open a second socket while the first one is still finishing its first answer.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it("never holds more requests in flight than `connections`", async () => {
    const c = makeClient({ connections: 2, requestTimeoutMs: 5_000 });
    server.fallback = { kind: "slow", ms: 20, body: [] };
    await Promise.all(Array.from({ length: 8 }, () => c.projectAll()));
    expect(server.seen).toHaveLength(8);
    expect(server.maxInFlight).toBe(2);
    expect(server.connections).toBeLessThanOrEqual(2);
  });
});

describe("terminal answers fail at once", () => {
  it("401 gets the key-or-rate-limit message and no retry", async () => {
    const c = makeClient();
    server.fallback = { kind: "json", status: 401, body: { message: "Unauthorized" } };
    const err = await rejection(c.projectAll(), KEY);
    expect(err).toMatchObject({ kind: "unauthorized", status: 401, retriable: false, mayHaveApplied: false });
    expect(err.message).toBe(`project.all: ${UNAUTHORIZED_MESSAGE}`);
    expect(server.seen).toHaveLength(1);
  });

  it.each([400, 404, 409, 413, 415])("%i is not retried, even for a read", async (status) => {
    const c = makeClient();
    server.fallback = { kind: "json", status, body: { message: `refused ${status}`, code: "X" } };
    const err = await rejection(c.applicationOne({ applicationId: "a" }), KEY);
    expect(err).toMatchObject({ kind: "rejected", status, retriable: false });
    expect(err.message).toContain(`refused ${status}`);
    expect(server.seen).toHaveLength(1);
  });

  it("a 400 validation error lists the issue paths", async () => {
    const c = makeClient();
    server.script({
      kind: "json",
      status: 400,
      body: {
        message: "Input validation failed",
        code: "BAD_REQUEST",
        issues: [{ code: "invalid_type", expected: "string", path: ["branch"], message: "Invalid input" }],
      },
    });
    const err = await rejection(
      c.applicationSaveGithubProvider({ applicationId: "a", repository: null, owner: null, buildPath: null, githubId: null, branch: 1 as unknown as string }),
      KEY,
    );
    expect(err.message).toContain("Input validation failed: /branch expected string");
  });
});

describe("retries", () => {
  it("retries a read through 500, reset and timeout, then succeeds", async () => {
    const c = makeClient();
    server.script({ kind: "json", status: 500, body: { message: "boom" } }, { kind: "reset" }, { kind: "hang" }, { kind: "json", body: [] });
    await expect(c.projectAll()).resolves.toEqual([]);
    expect(events.map((e) => e.status)).toEqual([500, "network", "timeout", 200]);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
    // full jitter with random 0.5: 200*2^(n-1)/2
    expect(sleeps).toEqual([100, 200, 400]);
    expect(c.stats().byEndpoint["project.all"]).toMatchObject({ calls: 4, errors: 3 });
  });

  it("times out a body that stalls half-way and retries the read", async () => {
    const c = makeClient();
    server.script({ kind: "stall-body" }, { kind: "json", body: [] });
    await expect(c.projectAll()).resolves.toEqual([]);
    expect(events.map((e) => e.status)).toEqual(["timeout", 200]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const c = makeClient();
    server.fallback = { kind: "json", status: 503, body: { message: "down" } };
    const err = await rejection(c.projectAll(), KEY);
    expect(err).toMatchObject({ kind: "server", status: 503, retriable: true, mayHaveApplied: false });
    expect(err.message).toContain("(after 4 attempts)");
    expect(server.seen).toHaveLength(4);
  });

  it("honours Retry-After seconds and HTTP-dates on 429", async () => {
    const c = makeClient();
    const soon = new Date(Date.now() + 60_000).toUTCString();
    server.script(
      { kind: "json", status: 429, body: { message: "slow down" }, headers: { "retry-after": "2" } },
      { kind: "json", status: 429, body: { message: "slow down" }, headers: { "retry-after": soon } },
      { kind: "json", body: [] },
    );
    await expect(c.projectAll()).resolves.toEqual([]);
    expect(sleeps[0]).toBe(2_000);
    // an HTTP-date a minute away is capped at maxRetryAfterMs (30 s)
    expect(sleeps[1]).toBe(30_000);
  });

  it("retries an idempotent update after a 503", async () => {
    const c = makeClient();
    server.script({ kind: "json", status: 503, body: { message: "busy" } }, { kind: "json", body: true });
    await expect(c.applicationSaveEnvironment({ applicationId: "a", env: "A=1", buildArgs: null, buildSecrets: null, createEnvFile: true })).resolves.toBe(true);
    expect(server.seen).toHaveLength(2);
    expect(server.seen[0]?.body).toBe(server.seen[1]?.body);
  });
});

describe("writes that must not be repeated", () => {
  it("a create reset after reaching the server is not re-sent and may have applied", async () => {
    const c = makeClient();
    server.script({ kind: "reset" });
    const err = await rejection(c.projectCreate({ name: "shop" }), KEY);
    expect(err).toMatchObject({ kind: "network", retriable: true, mayHaveApplied: true });
    expect(err.message).toContain("re-read before sending it again");
    expect(server.seen).toHaveLength(1);
  });

  it("a create that times out is not re-sent and may have applied", async () => {
    const c = makeClient();
    server.script({ kind: "hang" });
    const err = await rejection(c.applicationCreate({ name: "web", environmentId: "e" }), KEY);
    expect(err).toMatchObject({ kind: "timeout", mayHaveApplied: true });
    expect(server.seen).toHaveLength(1);
  });

  it.each(["applicationDeploy", "applicationRedeploy"] as const)("%s is sent once on a 500", async (method) => {
    const c = makeClient();
    server.fallback = { kind: "json", status: 500, body: { message: "queue error" } };
    const err = await rejection(c[method]({ applicationId: "a" }), KEY);
    expect(err).toMatchObject({ kind: "server", mayHaveApplied: true });
    expect(server.seen).toHaveLength(1);
  });

  it("a 4xx on a create did not apply", async () => {
    const c = makeClient();
    server.script({ kind: "json", status: 400, body: { message: "Error creating the project: x", code: "BAD_REQUEST" } });
    const err = await rejection(c.projectCreate({ name: "shop" }), KEY);
    expect(err).toMatchObject({ kind: "rejected", mayHaveApplied: false });
  });

  it("a refused connection proves nothing was sent", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    client = createDokployClient({ url: `http://127.0.0.1:${port}`, apiKey: KEY, sleep: async () => {} });
    const err = await rejection(client.projectCreate({ name: "shop" }), KEY);
    expect(err).toMatchObject({ kind: "network", mayHaveApplied: false });
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("a delete whose first answer was lost reports the retry's not-found as not found", async () => {
    const c = makeClient();
    server.script({ kind: "reset" }, { kind: "json", status: 404, body: { message: "Application not found", code: "NOT_FOUND" } });
    const err = await rejection(c.applicationDelete({ applicationId: "a" }), KEY);
    expect(err).toBeInstanceOf(DokployError);
    expect((err as unknown as DokployError).isNotFound).toBe(true);
    expect(err).toMatchObject({ mayHaveApplied: true, status: 404 });
    expect(err.message).toContain("probably removed it");
    expect(server.seen).toHaveLength(2);
  });
});

describe("circuit breaker", () => {
  it("opens after consecutive failures, fails fast without the network, probes and closes", async () => {
    let now = 0;
    const changes: BreakerState[] = [];
    const c = makeClient({
      now: () => now,
      retry: { maxAttempts: 2 },
      breaker: { failureThreshold: 3, coolDownMs: 1_000 },
      onBreakerChange: (s) => changes.push(s),
    });
    server.fallback = { kind: "json", status: 500, body: { message: "down" } };
    await rejection(c.projectAll(), KEY); // 2 failures
    expect(c.breakerState()).toBe("closed");
    const third = await rejection(c.projectAll(), KEY); // 3rd failure opens, 4th attempt fails fast
    expect(third).toMatchObject({ kind: "server", status: 500 });
    expect(third.message).toContain("the circuit breaker is now open");
    expect(c.breakerState()).toBe("open");
    const seenBefore = server.seen.length;
    const fast = await rejection(c.projectOne({ projectId: "p" }), KEY);
    expect(fast).toMatchObject({ kind: "circuit-open", retriable: true });
    expect(server.seen.length).toBe(seenBefore);
    expect(events.at(-1)?.status).toBe("circuit-open");

    now += 1_000;
    expect(c.breakerState()).toBe("half-open");
    server.fallback = { kind: "json", status: 404, body: { message: "Project not found", code: "NOT_FOUND" } };
    const notFound = await rejection(c.projectOne({ projectId: "p" }), KEY); // a 4xx proves the server is up
    expect(notFound).toMatchObject({ status: 404 });
    expect(c.breakerState()).toBe("closed");
    expect(changes).toEqual(["open", "half-open", "closed"]);
  });

  it("a write refused by the open breaker did not apply", async () => {
    const c = makeClient({ retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1, coolDownMs: 60_000 } });
    server.script({ kind: "json", status: 502, body: { message: "bad gateway" } });
    await rejection(c.projectAll(), KEY);
    const err = await rejection(c.projectCreate({ name: "x" }), KEY);
    expect(err).toMatchObject({ kind: "circuit-open", mayHaveApplied: false });
  });
});

describe("lifecycle and options", () => {
  it("rejects calls after close()", async () => {
    const c = makeClient();
    await c.close();
    const err = await rejection(c.projectAll(), KEY);
    expect(err.message).toContain("closed");
  });

  it("close() aborts a call stuck on a hanging Dokploy instead of waiting it out", async () => {
    const c = makeClient({ requestTimeoutMs: 60_000 });
    server.script({ kind: "hang" });
    const pending = rejection(c.projectCreate({ name: "shop" }), KEY);
    await eventually(() => server.seen.length === 1);
    await c.close();
    const err = await pending;
    expect(err.message).toContain("closed");
    expect(err).toMatchObject({ kind: "network", mayHaveApplied: true });
  });

  it.each([
    [{ url: "nope" }, /expected an http\(s\) URL/],
    [{ apiKey: "" }, /apiKey must be a non-empty string/],
    [{ apiKey: `${KEY}\n` }, /whitespace or control characters/],
    [{ requestTimeoutMs: 0 }, /requestTimeoutMs must be a number >= 1/],
    [{ retry: { maxAttempts: 0 } }, /retry\.maxAttempts/],
  ] as const)("validates options %j", (bad, message) => {
    let thrown: unknown;
    try {
      createDokployClient({ url: server.url, apiKey: KEY, ...bad });
    } catch (err) {
      thrown = err;
    }
    expect(String((thrown as Error)?.message)).toMatch(message);
    expect(String((thrown as Error)?.message)).not.toContain(KEY);
  });

  it("does not expose the key on the client object", () => {
    const c = makeClient();
    expect(JSON.stringify(Object.entries(c))).not.toContain(KEY);
  });
});
