import { createHmac } from "node:crypto";
import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/metrics/metrics.ts";
import type { TriggerAnswer } from "../../../src/reconcile/loop.ts";
import { StatusStore } from "../../../src/reconcile/status-store.ts";
import type { TriggerReason } from "../../../src/reconcile/triggers.ts";
import { startServer, type DaemonServer, type ServerDeps } from "../../../src/server/server.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { passResult, resource, silentLogger } from "../../helpers/daemon-fakes.ts";

const SECRET = "webhook-secret-value";
const TOKEN = "status-token-value";

interface Harness {
  server: DaemonServer;
  triggers: TriggerReason[];
  status: StatusStore;
  suspended: boolean;
}

let h: Harness;
let extra: Partial<ServerDeps> = {};

async function start(overrides: Partial<ServerDeps> = {}): Promise<Harness> {
  const redactor = new Redactor().add(SECRET, TOKEN, "db-password-123");
  const status = new StatusStore({ instance: "default", source: { url: "https://git.example/org/repo.git", branch: "main" }, mode: "apply", suspended: false, redactor });
  const triggers: TriggerReason[] = [];
  const state = { suspended: false };
  const loop = {
    trigger(reason: TriggerReason): TriggerAnswer {
      if (state.suspended) return "suspended";
      triggers.push(reason);
      return "accepted";
    },
    suspend: () => void (state.suspended = true),
    resume: () => void (state.suspended = false),
  };
  const server = await startServer(
    { status, loop, metrics: createMetrics(), log: silentLogger(), webhookSecret: SECRET, branch: () => "main", bodyLimitBytes: 64 * 1024, ...overrides },
    { host: "127.0.0.1", port: 0 },
  );
  return Object.defineProperty({ server, triggers, status, suspended: false }, "suspended", { get: () => state.suspended }) as Harness;
}

beforeEach(async () => {
  h = await start(extra);
});
afterEach(async () => {
  await h.server.close();
  extra = {};
});

const push = (ref = "refs/heads/main"): string => JSON.stringify({ ref, after: "abc" });
const sign = (body: string, secret = SECRET): string => createHmac("sha256", secret).update(body).digest("hex");

async function post(path: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${h.server.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

describe("webhooks", () => {
  const providers = {
    github: (body: string, secret?: string) => ({ "x-github-event": "push", "x-hub-signature-256": `sha256=${sign(body, secret)}` }),
    gitea: (body: string, secret?: string) => ({ "x-gitea-event": "push", "x-gitea-signature": sign(body, secret) }),
    gitlab: (_body: string, secret?: string) => ({ "x-gitlab-event": "Push Hook", "x-gitlab-token": secret ?? SECRET }),
  } as const;

  describe.each(Object.entries(providers))("%s", (provider, headersFor) => {
    it("accepts a correctly signed push to the followed branch and triggers a pass", async () => {
      const body = push();
      const res = await post(`/webhooks/${provider}`, body, headersFor(body));
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ status: "accepted" });
      expect(h.triggers).toEqual(["webhook"]);
    });

    it("refuses a bad signature with 401 and triggers nothing", async () => {
      const body = push();
      const res = await post(`/webhooks/${provider}`, body, headersFor(body, "wrong-secret"));
      expect(res.status).toBe(401);
      expect(h.triggers).toEqual([]);
    });

    it("refuses a missing signature with 401 and triggers nothing", async () => {
      const res = await post(`/webhooks/${provider}`, push(), { "x-github-event": "push", "x-gitea-event": "push", "x-gitlab-event": "Push Hook" });
      expect(res.status).toBe(401);
      expect(h.triggers).toEqual([]);
    });

    it("refuses a body over the limit with 413 and triggers nothing", async () => {
      const body = JSON.stringify({ ref: "refs/heads/main", pad: "x".repeat(200 * 1024) });
      const res = await post(`/webhooks/${provider}`, body, headersFor(body));
      expect(res.status).toBe(413);
      expect(h.triggers).toEqual([]);
    });

    it("acknowledges a push to another branch without triggering", async () => {
      const body = push("refs/heads/feature");
      const res = await post(`/webhooks/${provider}`, body, headersFor(body));
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ status: "ignored" });
      expect(h.triggers).toEqual([]);
    });
  });

  it("refuses a streamed (chunked) body once it crosses the limit", async () => {
    const body = JSON.stringify({ ref: "refs/heads/main", pad: "y".repeat(200 * 1024) });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.server.url}/webhooks/github`, {
        method: "POST",
        headers: { "transfer-encoding": "chunked", "x-github-event": "push", "x-hub-signature-256": `sha256=${sign(body)}` },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.slice(i, i + 16 * 1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(h.triggers).toEqual([]);
  });

  it("accepts GitHub's form-encoded payloads (signature over the raw body)", async () => {
    const body = new URLSearchParams({ payload: push() }).toString();
    const res = await fetch(`${h.server.url}/webhooks/github`, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", "x-github-event": "push", "x-hub-signature-256": `sha256=${sign(body)}` },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted" });
    expect(h.triggers).toEqual(["webhook"]);
  });

  it("ignores GitHub pings and tag pushes", async () => {
    const ping = JSON.stringify({ zen: "hi" });
    expect((await post("/webhooks/github", ping, { "x-github-event": "ping", "x-hub-signature-256": `sha256=${sign(ping)}` })).status).toBe(202);
    const tag = push("refs/tags/v1");
    const res = await post("/webhooks/github", tag, { "x-github-event": "push", "x-hub-signature-256": `sha256=${sign(tag)}` });
    expect(await res.json()).toMatchObject({ status: "ignored" });
    expect(h.triggers).toEqual([]);
  });

  it("returns 404 for an unknown provider", async () => {
    expect((await post("/webhooks/bitbucket", push(), {})).status).toBe(404);
  });
});

describe("webhooks without a secret", () => {
  beforeEach(async () => {
    await h.server.close();
    h = await start({ webhookSecret: undefined });
  });
  it("refuses every delivery with 401", async () => {
    const body = push();
    const res = await post("/webhooks/github", body, { "x-github-event": "push", "x-hub-signature-256": `sha256=${sign(body)}` });
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/need a secret/);
    expect(h.triggers).toEqual([]);
  });
});

describe("control endpoints", () => {
  it.each(["/reconcile", "/suspend", "/resume"])("with no token configured, POST %s is refused from 127.0.0.1 with how to configure one", async (path) => {
    const res = await post(path, "", {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/no status token is configured: configure a status token with --status-token-file FILE or the env DOKPLOY_GITOPS_STATUS_TOKEN/);
    expect(h.triggers).toEqual([]);
    expect(h.suspended).toBe(false);
  });

  it("POST /reconcile triggers a manual pass; suspended answers 409", async () => {
    await h.server.close();
    h = await start({ statusToken: TOKEN });
    const bearer = { authorization: `Bearer ${TOKEN}` };
    expect((await post("/reconcile", "", bearer)).status).toBe(202);
    expect(h.triggers).toEqual(["manual"]);
    expect((await post("/suspend", "", bearer)).status).toBe(200);
    expect(h.suspended).toBe(true);
    expect((await post("/reconcile", "", bearer)).status).toBe(409);
    expect((await post("/resume", "", bearer)).status).toBe(200);
    expect(h.suspended).toBe(false);
  });

  it("GET /reconcile is refused with 405", async () => {
    const res = await fetch(`${h.server.url}/reconcile`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("/healthz is always 200; /readyz waits for a pass that reached Dokploy, with the reason in the body", async () => {
    const readyz = async (): Promise<[number, string]> => {
      const res = await fetch(`${h.server.url}/readyz`);
      return [res.status, await res.text()];
    };
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    expect(await readyz()).toEqual([503, "not ready: the first reconciliation has not finished yet\n"]);
    h.status.passFinished(passResult(), false);
    expect(await readyz()).toEqual([200, "ok\n"]);
    h.status.passFinished(passResult({ reason: "DokployUnavailable", outcome: "failed", message: "connect ECONNREFUSED" }), true);
    const [status, body] = await readyz();
    expect(status).toBe(200);
    expect(body).toMatch(/^ok: Dokploy was unreachable on the last pass, retrying: connect ECONNREFUSED/);
    h.status.passFinished(passResult({ reason: "Unauthorized", outcome: "failed", message: "401" }), false);
    expect((await readyz())[0]).toBe(503);
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
  });
});

describe("/status", () => {
  it("serves the contract shape, redacted, as JSON and as text", async () => {
    h.status.passFinished(
      passResult({
        revision: "abc123",
        resources: [
          resource("Project/shop", "Synced", { dokployId: "p1" }),
          resource("Application/shop/production/web", "OutOfSync", {
            dokployId: "a1",
            health: "Healthy",
            drift: [{ path: "/spec/env/LOG_LEVEL", desired: "info", live: "debug" }, { path: "/spec/env/DB_PASSWORD", secret: "changed" }],
            message: "leaked db-password-123",
          }),
        ],
      }),
      false,
    );
    const res = await fetch(`${h.server.url}/status`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("db-password-123");
    const body = JSON.parse(text);
    expect(Object.keys(body).sort()).toEqual(
      ["conditions", "diagnostics", "instance", "lastPass", "mode", "resources", "revision", "source", "summary", "suspended"].sort(),
    );
    expect(body.revision).toEqual({ applied: "abc123", attempted: "abc123" });
    expect(body.summary).toEqual({ synced: 1, outOfSync: 1, missing: 0, conflict: 0, error: 0 });
    expect(body.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(["Ready=True", "Reconciling=False", "Stalled=False"]);
    expect(body.lastPass).toMatchObject({ outcome: "succeeded", reason: "ReconciliationSucceeded", apiCalls: 3 });

    const txt = await (await fetch(`${h.server.url}/status?format=text`)).text();
    expect(txt).toContain("Application/shop/production/web");
    expect(txt).toContain('~ /spec/env/LOG_LEVEL: live "debug" -> desired "info"');
    expect(txt).toContain("/spec/env/DB_PASSWORD: (secret changed)");
    expect(txt).not.toContain("db-password-123");
    expect((await fetch(`${h.server.url}/status?format=yaml`)).status).toBe(400);

    // Without the per-resource list (cheap to poll): the same document, summary included, resources empty.
    const light = await (await fetch(`${h.server.url}/status?resources=false`)).json();
    expect(light).toEqual({ ...body, resources: [] });
    const lightText = await (await fetch(`${h.server.url}/status?resources=false&format=text`)).text();
    expect(lightText).toContain("1 synced, 1 out of sync");
    expect(lightText).not.toContain("Application/shop/production/web");
    const bad = await fetch(`${h.server.url}/status?resources=some`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'resources: expected true or false, got "some"' });
  });
});

describe("status token", () => {
  beforeEach(async () => {
    await h.server.close();
    h = await start({ statusToken: TOKEN });
  });

  it.each(["/status", "/reconcile", "/suspend", "/resume"])("%s needs the bearer token", async (path) => {
    const method = path === "/status" ? "GET" : "POST";
    expect((await fetch(`${h.server.url}${path}`, { method })).status).toBe(401);
    expect((await fetch(`${h.server.url}${path}`, { method, headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${h.server.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBeLessThan(300);
  });

  it.each(["/healthz", "/metrics"])("%s stays open", async (path) => {
    expect((await fetch(`${h.server.url}${path}`)).status).toBe(200);
  });
});
