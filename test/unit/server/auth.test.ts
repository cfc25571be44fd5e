/**
 * The access model of the daemon's port (`src/server/auth.ts`, `login.ts`,
 * `replay.ts`) over real HTTP on 127.0.0.1: who may read, who may change
 * state, the browser session with its CSRF guard, the safety headers on every
 * answer, and webhook replays.
 */
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/metrics/metrics.ts";
import type { TriggerAnswer } from "../../../src/reconcile/loop.ts";
import { StatusStore } from "../../../src/reconcile/status-store.ts";
import type { TriggerReason } from "../../../src/reconcile/triggers.ts";
import { isLoopbackHost, SessionStore } from "../../../src/server/auth.ts";
import { safeNext } from "../../../src/server/login.ts";
import { DeliveryLog } from "../../../src/server/replay.ts";
import { SECURITY_HEADERS } from "../../../src/server/respond.ts";
import { PUBLIC_STATUS_WARNING, startServer, type DaemonServer, type ServerDeps } from "../../../src/server/server.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { silentLogger } from "../../helpers/daemon-fakes.ts";

const TOKEN = "auth-test-status-token-0123456789";
const SECRET = "auth-test-webhook-secret";

interface Harness {
  url: string;
  server: DaemonServer;
  triggers: TriggerReason[];
  state: { suspended: boolean };
}
const servers: DaemonServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(overrides: Partial<ServerDeps> = {}): Promise<Harness> {
  const status = new StatusStore({ instance: "default", source: { url: "https://git.example/org/repo.git" }, mode: "apply", suspended: false, redactor: new Redactor() });
  const triggers: TriggerReason[] = [];
  const state = { suspended: false };
  const loop = {
    trigger: (reason: TriggerReason): TriggerAnswer => (state.suspended ? "suspended" : (triggers.push(reason), "accepted")),
    suspend: () => void (state.suspended = true),
    resume: () => void (state.suspended = false),
  };
  const server = await startServer(
    { status, loop, metrics: createMetrics(), log: silentLogger(), webhookSecret: SECRET, branch: () => "main", ...overrides },
    { host: "127.0.0.1", port: 0 },
  );
  servers.push(server);
  return { url: server.url, server, triggers, state };
}

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true], ["127.1.2.3", true], ["::1", true], ["[::1]", true], ["::ffff:127.0.0.1", true], ["localhost", true],
    ["0.0.0.0", false], ["::", false], ["10.0.0.5", false], ["192.168.1.1", false], ["example.com", false], ["128.0.0.1", false],
  ])("%s -> %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe("who may read /status", () => {
  it.each([
    // [token, loopback, publicStatus, no credential, with the token]
    [false, true, false, 200, 200],
    [false, false, false, 401, 401],
    [false, false, true, 200, 200],
    [true, true, false, 401, 200],
    [true, false, false, 401, 200],
    [true, false, true, 200, 200],
  ] as const)("token %s, loopback %s, --public-status %s: anonymous %i, bearer %i", async (token, loopback, publicStatus, anonymous, bearer) => {
    const h = await start({ loopback, publicStatus, ...(token ? { statusToken: TOKEN } : {}) });
    expect((await fetch(`${h.url}/status`)).status).toBe(anonymous);
    expect((await fetch(`${h.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(bearer);
  });

  it("says how to configure a token when listening beyond loopback without one", async () => {
    const h = await start({ loopback: false });
    const body = (await (await fetch(`${h.url}/status`)).json()) as { error: string };
    expect(body.error).toContain("--status-token-file");
    expect(body.error).toContain("--public-status");
  });

  it("carries a warning in /status itself when it is public on purpose", async () => {
    const h = await start({ loopback: false, publicStatus: true });
    const json = (await (await fetch(`${h.url}/status`)).json()) as { warning?: string; instance: string };
    expect(json.warning).toBe(PUBLIC_STATUS_WARNING);
    expect(json.instance).toBe("default");
    const light = (await (await fetch(`${h.url}/status?resources=false`)).json()) as { warning?: string; resources: unknown[] };
    expect(light).toMatchObject({ warning: PUBLIC_STATUS_WARNING, resources: [] });
    expect(await (await fetch(`${h.url}/status?format=text`)).text()).toMatch(/^WARNING: this status is public/);
  });

  it("/healthz and /readyz stay open and say nothing of what is managed", async () => {
    const h = await start({ loopback: false, statusToken: TOKEN });
    expect(await (await fetch(`${h.url}/healthz`)).text()).toBe("ok\n");
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).not.toMatch(/git\.example|default/);
  });
});

describe("/metrics", () => {
  it("is open by default and needs the token with --protect-metrics", async () => {
    const open = await start({ loopback: false, statusToken: TOKEN });
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    const locked = await start({ loopback: false, statusToken: TOKEN, protectMetrics: true });
    expect((await fetch(`${locked.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${locked.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe("control with a token", () => {
  it.each(["/reconcile", "/suspend", "/resume"])("POST %s: missing or wrong credential 401, the token works", async (path) => {
    const h = await start({ statusToken: TOKEN });
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }, { cookie: "dokploy_gitops_session=forged" }]) {
      expect((await fetch(`${h.url}${path}`, { method: "POST", headers })).status, JSON.stringify(headers)).toBe(401);
    }
    expect(h.state.suspended).toBe(false);
    expect(h.triggers).toEqual([]);
    expect((await fetch(`${h.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBeLessThan(300);
  });
});

describe("browser safety headers", () => {
  it.each([
    ["GET", "/healthz"], ["GET", "/status"], ["POST", "/suspend"], ["GET", "/nowhere"], ["GET", "/login"], ["POST", "/webhooks/github"], ["PUT", "/metrics"],
  ])("%s %s carries them", async (method, path) => {
    const h = await start({ statusToken: TOKEN });
    const res = await fetch(`${h.url}${path}`, { method });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
  });
});

/** Cookies set by a response, as a `Cookie` header value, plus their raw attributes. */
function cookiesOf(res: Response): { header: string; raw: string[]; value(name: string): string } {
  const raw = res.headers.getSetCookie();
  const pairs = raw.map((c) => c.split(";")[0]!);
  return { header: pairs.join("; "), raw, value: (name) => pairs.find((p) => p.startsWith(`${name}=`))!.slice(name.length + 1) };
}

async function logIn(url: string, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ token, next: "/" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
}

describe("browser login", () => {
  it("GET /login is a plain form without inline script or style", async () => {
    const h = await start({ statusToken: TOKEN });
    const res = await fetch(`${h.url}/login?next=/status`);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/login">');
    expect(html).toContain('value="/status"');
    expect(html).not.toMatch(/<script|<style|style=|\son[a-z]+=/i);
  });

  it("refuses a wrong token and a cross-site login", async () => {
    const h = await start({ statusToken: TOKEN });
    const wrong = await logIn(h.url, "nope");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect((await logIn(h.url, TOKEN, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await logIn(h.url, TOKEN, { origin: "https://evil.example" })).status).toBe(403);
  });

  it("says there is nothing to log in with when no token is configured", async () => {
    const h = await start({});
    const res = await logIn(h.url, "anything");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("--status-token-file");
  });

  it("opens an HttpOnly SameSite=Strict session that reads, changes state only with the CSRF token from the same origin, and ends at logout", async () => {
    const h = await start({ statusToken: TOKEN, loopback: false });
    const login = await logIn(h.url, TOKEN, { origin: h.url, "sec-fetch-site": "same-origin" });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/");
    const cookies = cookiesOf(login);
    const session = cookies.raw.find((c) => c.startsWith("dokploy_gitops_session="))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).not.toContain(TOKEN);
    const csrfCookie = cookies.raw.find((c) => c.startsWith("dokploy_gitops_csrf="))!;
    expect(csrfCookie).toMatch(/; SameSite=Strict/);
    expect(csrfCookie).not.toMatch(/HttpOnly/);
    const csrf = cookies.value("dokploy_gitops_csrf");

    // Reading with the cookie.
    expect((await fetch(`${h.url}/status`, { headers: { cookie: cookies.header } })).status).toBe(200);

    // Changing state: the cookie alone is not enough.
    const suspend = (headers: Record<string, string>) => fetch(`${h.url}/suspend`, { method: "POST", headers: { cookie: cookies.header, ...headers } });
    expect((await suspend({})).status).toBe(403);
    expect((await suspend({ "x-csrf-token": "wrong" })).status).toBe(403);
    expect((await suspend({ "x-csrf-token": csrf, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await suspend({ "x-csrf-token": csrf, origin: "https://evil.example" })).status).toBe(403);
    expect(h.state.suspended).toBe(false);
    expect((await suspend({ "x-csrf-token": csrf, origin: h.url, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect(h.state.suspended).toBe(true);

    // A proxy's Basic auth in front of the daemon does not hide the session.
    expect((await fetch(`${h.url}/status`, { headers: { cookie: cookies.header, authorization: "Basic dXNlcjpwYXNz" } })).status).toBe(200);

    // Logout needs the same guard, then the session is gone.
    expect((await fetch(`${h.url}/logout`, { method: "POST", headers: { cookie: cookies.header } })).status).toBe(403);
    const out = await fetch(`${h.url}/logout`, { method: "POST", headers: { cookie: cookies.header, "x-csrf-token": csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true);
    expect((await fetch(`${h.url}/status`, { headers: { cookie: cookies.header } })).status).toBe(401);
  });

  it.each([
    [null, "/"], ["/status", "/status"], ["//evil.example", "/"], ["https://evil.example", "/"], ["/\\evil", "/"], ["status", "/"],
  ])("next %s -> %s", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it("sessions expire and are bounded", () => {
    let now = 0;
    const store = new SessionStore({ ttlMs: 1000, max: 2, now: () => now });
    const a = store.create();
    expect(store.get(a.id)?.csrf).toBe(a.csrf);
    now = 1000;
    expect(store.get(a.id)).toBeUndefined();
    const b = store.create();
    store.create();
    store.create();
    expect(store.get(b.id)).toBeUndefined();
  });
});

describe("webhook replays", () => {
  const sign = (body: string): string => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const deliver = (url: string, body: string, id?: string) =>
    fetch(`${url}/webhooks/github`, {
      method: "POST",
      body,
      headers: { "x-github-event": "push", "x-hub-signature-256": sign(body), ...(id ? { "x-github-delivery": id } : {}) },
    });

  it("answers a delivery seen before with 200 and no new pass, by id or by signed body", async () => {
    const h = await start();
    const first = JSON.stringify({ ref: "refs/heads/main", after: "1" });
    expect((await deliver(h.url, first, "delivery-1")).status).toBe(202);
    const again = await deliver(h.url, first, "delivery-1");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    // A fresh id on the same signed body is the same delivery (the id is not signed).
    expect((await deliver(h.url, first, "delivery-forged")).status).toBe(200);
    // A different body under a seen id: the id was seen.
    expect((await deliver(h.url, JSON.stringify({ ref: "refs/heads/main", after: "2" }), "delivery-1")).status).toBe(200);
    expect(h.triggers).toEqual(["webhook"]);
    // A new delivery passes.
    expect((await deliver(h.url, JSON.stringify({ ref: "refs/heads/main", after: "3" }), "delivery-3")).status).toBe(202);
    expect(h.triggers).toEqual(["webhook", "webhook"]);
  });

  it("does not remember a delivery whose signature failed", async () => {
    const h = await start();
    const body = JSON.stringify({ ref: "refs/heads/main", after: "x" });
    const bad = await fetch(`${h.url}/webhooks/github`, { method: "POST", body, headers: { "x-github-event": "push", "x-hub-signature-256": "sha256=00", "x-github-delivery": "d" } });
    expect(bad.status).toBe(401);
    expect((await deliver(h.url, body, "d")).status).toBe(202);
  });

  it("forgets deliveries after the window", () => {
    let now = 0;
    const log = new DeliveryLog({ windowMs: 100, now: () => now });
    expect(log.replayed(["a"])).toBe(false);
    expect(log.replayed(["a"])).toBe(true);
    now = 100;
    expect(log.replayed(["a"])).toBe(false);
  });

  it("refuses a body over the limit before reading it, whatever the signature", async () => {
    const h = await start({ bodyLimitBytes: 1024 });
    const res = await fetch(`${h.url}/webhooks/github`, { method: "POST", body: "x".repeat(4096), headers: { "x-github-event": "push" } });
    expect(res.status).toBe(413);
  });
});
