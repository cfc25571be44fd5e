/**
 * Journeys over every route of `dokploy-gitops run` (a child process against
 * the simulator) for the access model of issue 20: nothing on the port changes
 * state, or tells what is managed, without a credential. Every response
 * (status, headers, body) and every log line of these journeys is recorded,
 * and the last test checks that none carries the status token, the Dokploy
 * API key or the webhook secret.
 */
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonStatus } from "../../../src/reconcile/status-store.ts";
import { startSimulator } from "../../../src/simulator/index.ts";
import type { SimulatorHandle } from "../../../src/simulator/types.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { createTestRepo, type TestRepo } from "../../helpers/git-repo.ts";

const TOKEN = "e2e-status-token-3b7d91c04fa2";
const SECRET = "e2e-webhook-secret-a9f3c2";
const HOST_NAME = "shop.security-e2e.example";
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

const MANIFESTS = {
  "deploy/app.yaml": `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: sec
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: web
  project: sec
  environment: production
spec:
  source:
    type: docker
    image: nginx:1.27
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata:
  name: public
  project: sec
  environment: production
  application: web
spec:
  host: ${HOST_NAME}
  port: 80
`,
};

/** Everything the daemons said: responses and log lines. */
const captured: Array<{ where: string; text: string }> = [];
const daemons: SpawnedDaemon[] = [];
let sim: SimulatorHandle;
let repo: TestRepo;

beforeAll(async () => {
  sim = await startSimulator({});
  repo = createTestRepo();
  repo.commit(MANIFESTS);
});
afterAll(async () => {
  for (const d of daemons.splice(0)) await d.stop("SIGKILL");
  await sim?.close();
  repo?.cleanup();
});

/** A daemon against the shared simulator; `base` is how the test reaches it (always 127.0.0.1). */
async function daemon(args: string[], env: Record<string, string> = {}): Promise<SpawnedDaemon & { base: string }> {
  const d = await spawnDaemon(["--interval", "1h", "--work-dir", path.join(repo.dir, `daemon-${daemons.length}`), "--source", repo.url, "--path", "deploy", "--url", sim.url, ...args], {
    env: { DOKPLOY_API_KEY: sim.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: SECRET, ...env },
  });
  daemons.push(d);
  const base = d.url.replace(/^http:\/\/(0\.0\.0\.0|\[::\])/, "http://127.0.0.1");
  return Object.assign(d, { base });
}

/** A request whose whole answer goes into the leak check. */
async function call(base: string, method: string, route: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${base}${route}`, { method, headers, redirect: "manual", ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  captured.push({ where: `${method} ${route} -> ${res.status}`, text: `${res.status}\n${JSON.stringify([...res.headers])}\n${text}` });
  return { status: res.status, text, headers: res.headers };
}

function keepLogs(d: SpawnedDaemon): void {
  for (const l of d.logs) captured.push({ where: "daemon log", text: JSON.stringify(l) });
  captured.push({ where: "daemon stderr", text: d.stderr.join("") });
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const passesStarted = (d: SpawnedDaemon): number => d.logs.filter((l) => l.msg === "reconciliation started").length;
async function statusOf(base: string, headers: Record<string, string> = {}): Promise<DaemonStatus> {
  const r = await call(base, "GET", "/status", headers);
  expect(r.status).toBe(200);
  return JSON.parse(r.text) as DaemonStatus;
}
async function firstPassDone(d: SpawnedDaemon & { base: string }, headers: Record<string, string> = {}): Promise<void> {
  await eventually(async () => expect((await statusOf(d.base, headers)).lastPass?.outcome).toBe("succeeded"), WAIT);
}

describe("the daemon's port without a status token (127.0.0.1)", () => {
  it("refuses every state-changing route with 401 and how to configure a token, and changes nothing", async () => {
    const d = await daemon(["--listen", "127.0.0.1:0"]);
    await firstPassDone(d);
    const before = passesStarted(d);
    expect(d.logs.some((l) => typeof l.msg === "string" && l.msg.startsWith("no status token configured: POST /reconcile, /suspend and /resume are refused") && l.msg.includes("--status-token-file"))).toBe(true);

    for (const route of ["/reconcile", "/suspend", "/resume"]) {
      const r = await call(d.base, "POST", route);
      expect(r.status, route).toBe(401);
      expect(r.text).toContain("no status token is configured");
      expect(r.text).toContain("--status-token-file");
      expect(r.text).toContain("DOKPLOY_GITOPS_STATUS_TOKEN");
      // Even when the caller claims a token.
      expect((await call(d.base, "POST", route, { authorization: "Bearer guess" })).status).toBe(401);
    }
    const login = await call(d.base, "POST", "/login", { "content-type": "application/x-www-form-urlencoded" }, "token=guess");
    expect(login.status).toBe(401);
    expect(login.headers.getSetCookie()).toEqual([]);
    // Wrong methods are refused before anything else.
    expect((await call(d.base, "GET", "/suspend")).status).toBe(405);

    const s = await statusOf(d.base); // loopback: readable
    expect(s.suspended).toBe(false);
    expect(passesStarted(d)).toBe(before);

    // Health says nothing of what is managed; metrics carry no host names.
    for (const route of ["/healthz", "/readyz"]) expect(await call(d.base, "GET", route)).toMatchObject({ status: 200, text: "ok\n" });
    const metrics = await call(d.base, "GET", "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^dokploy_gitops_reconcile_total\{result="succeeded"\} [1-9]/m);
    expect(metrics.text).not.toContain(HOST_NAME);
    expect(metrics.text).not.toContain(new URL(sim.url).host);
    expect(metrics.text).not.toContain(repo.url);
    keepLogs(d);
  });
});

describe("the daemon's port with a status token", () => {
  let d: SpawnedDaemon & { base: string };
  beforeAll(async () => {
    d = await daemon(["--listen", "127.0.0.1:0"], { DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN });
    await firstPassDone(d, bearer);
  });
  afterAll(() => keepLogs(d));

  it("answers 401 to a missing or wrong credential on every protected route, and works with the right one", async () => {
    const protectedRoutes: Array<[string, string]> = [["GET", "/status"], ["GET", "/status?format=text"], ...["/reconcile", "/suspend", "/resume"].map((r): [string, string] => ["POST", r])];
    for (const [method, route] of protectedRoutes) {
      const attempts: Array<Record<string, string>> = [{}, { authorization: "Bearer wrong-token" }, { authorization: `Bearer ${TOKEN}x` }, { cookie: "dokploy_gitops_session=guess" }];
      for (const headers of attempts) {
        expect((await call(d.base, method, route, headers)).status, `${method} ${route} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    expect((await statusOf(d.base, bearer)).suspended).toBe(false);

    expect((await call(d.base, "POST", "/suspend", bearer)).status).toBe(200);
    expect((await statusOf(d.base, bearer)).suspended).toBe(true);
    expect((await call(d.base, "POST", "/reconcile", bearer)).status).toBe(409);
    expect((await call(d.base, "POST", "/resume", bearer)).status).toBe(200);
    const before = passesStarted(d);
    expect((await call(d.base, "POST", "/reconcile", bearer)).status).toBe(202);
    await eventually(() => expect(passesStarted(d)).toBeGreaterThan(before), WAIT);
    expect((await call(d.base, "GET", "/metrics")).status).toBe(200);
  });

  it("lets a browser log in with the token and act only with the CSRF token, same-origin", async () => {
    expect((await call(d.base, "GET", "/login")).status).toBe(200);
    const login = await call(d.base, "POST", "/login", { "content-type": "application/x-www-form-urlencoded", origin: d.base }, new URLSearchParams({ token: TOKEN }).toString());
    expect(login.status).toBe(303);
    const pairs = login.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const cookie = pairs.join("; ");
    const csrf = pairs.find((p) => p.startsWith("dokploy_gitops_csrf="))!.split("=")[1]!;
    expect((await call(d.base, "GET", "/status", { cookie })).status).toBe(200);
    expect((await call(d.base, "POST", "/suspend", { cookie })).status).toBe(403);
    expect((await call(d.base, "POST", "/suspend", { cookie, "x-csrf-token": csrf, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await statusOf(d.base, bearer)).suspended).toBe(false);
    expect((await call(d.base, "POST", "/suspend", { cookie, "x-csrf-token": csrf, origin: d.base, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await call(d.base, "POST", "/resume", { cookie, "x-csrf-token": csrf, origin: d.base })).status).toBe(200);
    expect((await call(d.base, "POST", "/logout", { cookie, "x-csrf-token": csrf })).status).toBe(200);
    expect((await call(d.base, "GET", "/status", { cookie })).status).toBe(401);
    for (const route of ["/reconcile", "/suspend", "/resume"]) expect((await call(d.base, "POST", route, { cookie, "x-csrf-token": csrf })).status, route).toBe(401);
  });

  it("answers a replayed webhook delivery without a second pass", async () => {
    await eventually(async () => expect((await statusOf(d.base, bearer)).conditions.find((c) => c.type === "Reconciling")?.status).toBe("False"), WAIT);
    const body = JSON.stringify({ ref: "refs/heads/main", after: "replay-test" });
    const headers = { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "e2e-delivery-1", "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` };
    const before = passesStarted(d);
    const first = await call(d.base, "POST", "/webhooks/github", headers, body);
    expect(first.status).toBe(202);
    await eventually(() => expect(passesStarted(d)).toBe(before + 1), WAIT);
    await eventually(async () => expect((await statusOf(d.base, bearer)).conditions.find((c) => c.type === "Reconciling")?.status).toBe("False"), WAIT);

    const replay = await call(d.base, "POST", "/webhooks/github", headers, body);
    expect(replay.status).toBe(200);
    expect(JSON.parse(replay.text)).toMatchObject({ status: "duplicate" });
    const replayFreshId = await call(d.base, "POST", "/webhooks/github", { ...headers, "x-github-delivery": "e2e-delivery-forged" }, body);
    expect(replayFreshId.status).toBe(200);

    // A later manual pass shows the queue: exactly one more pass, not two.
    expect((await call(d.base, "POST", "/reconcile", bearer)).status).toBe(202);
    await eventually(() => expect(passesStarted(d)).toBe(before + 2), WAIT);
    await eventually(async () => expect((await statusOf(d.base, bearer)).conditions.find((c) => c.type === "Reconciling")?.status).toBe("False"), WAIT);
    expect(passesStarted(d)).toBe(before + 2);
  });
});

describe("the daemon's port on a non-loopback address (0.0.0.0, reached via 127.0.0.1)", () => {
  it("needs the token to read /status", async () => {
    const d = await daemon(["--listen", "0.0.0.0:0"], { DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN });
    await firstPassDone(d, bearer);
    expect((await call(d.base, "GET", "/status")).status).toBe(401);
    expect((await call(d.base, "GET", "/status?format=text")).status).toBe(401);
    expect((await call(d.base, "GET", "/healthz")).status).toBe(200);
    keepLogs(d);
  });

  it("serves /status without the token only with --public-status, with a warning in the log and in /status", async () => {
    const d = await daemon(["--listen", "0.0.0.0:0", "--public-status"], { DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN });
    await firstPassDone(d);
    const s = (await statusOf(d.base)) as DaemonStatus & { warning?: string };
    expect(s.warning).toMatch(/public \(--public-status\)/);
    expect(d.logs.some((l) => typeof l.msg === "string" && l.msg.startsWith("--public-status: GET /status is readable by anyone"))).toBe(true);
    // Control still needs the token.
    expect((await call(d.base, "POST", "/suspend")).status).toBe(401);
    keepLogs(d);
  });
});

describe("secrets on the wire and in the logs", () => {
  it("no response body, header or log line of these journeys carries the status token, the API key or the webhook secret", () => {
    expect(captured.length).toBeGreaterThan(60);
    expect(captured.some((c) => c.where === "daemon log")).toBe(true);
    const leaks: string[] = [];
    for (const { where, text } of captured) {
      for (const [name, secret] of Object.entries({ statusToken: TOKEN, apiKey: sim.apiKey, webhookSecret: SECRET })) {
        if (text.includes(secret)) leaks.push(`${name} in ${where}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
