/**
 * The daemon's HTTP surface (node:http, no framework): the status page (`/`,
 * `/ui/...`), `/status` (JSON or text), `/healthz`, `/readyz`, `/metrics`,
 * `POST /reconcile|/suspend|/resume`, `GET|POST /login`, `POST /logout` and
 * `POST /webhooks/<provider>` (signature instead of token). Who may call what
 * is decided by `HttpAuth` (`auth.ts`); every answer carries the browser
 * safety headers. Every response body that could carry a secret is built from
 * redacted data; errors never echo request content.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { DaemonMetrics } from "../metrics/metrics.ts";
import type { TriggerAnswer } from "../reconcile/loop.ts";
import { parseResourceKey, serviceModule } from "../kinds/registry.ts";
import type { StatusStore } from "../reconcile/status-store.ts";
import type { TriggerReason } from "../reconcile/triggers.ts";
import { HttpAuth, isLoopbackHost } from "./auth.ts";
import { isPageRoute, type StatusPage } from "../ui/page.ts";
import { BodyTooLargeError, DEFAULT_BODY_LIMIT, declaresTooLarge, readBody } from "./body.ts";
import { login, loginPage, logout } from "./login.ts";
import { DeliveryLog, deliveryKeys } from "./replay.ts";
import { refuse, send, setSecurityHeaders } from "./respond.ts";
import { renderStatusText } from "./status-text.ts";
import { decideWebhook, isWebhookProvider, signatureHeader, verifiesBeforeBody, verifyWebhook, type WebhookProvider } from "./webhooks.ts";

/** What the server drives: the loop's public controls. */
export interface LoopControls {
  trigger(reason: TriggerReason, options?: { redeploy?: readonly string[] }): TriggerAnswer;
  suspend(): void;
  resume(): void;
}

export interface ServerDeps {
  status: StatusStore;
  loop: LoopControls;
  metrics: DaemonMetrics;
  log: Logger;
  /** Required for webhooks: without it every webhook is refused. */
  webhookSecret?: string;
  /** The status token: without it, control endpoints are always refused (see `auth.ts`). */
  statusToken?: string;
  /** `--public-status`: `/status` readable without a credential wherever the daemon listens. */
  publicStatus?: boolean;
  /** `--protect-metrics`: `/metrics` needs the token. */
  protectMetrics?: boolean;
  /** The server listens on loopback only (`startServer` derives it from the address; absent counts as not). */
  loopback?: boolean;
  /** The access rules, when the caller built them (default: from the fields above). */
  auth?: HttpAuth;
  /** How long a webhook delivery is remembered against replays. */
  replayWindowMs?: number;
  /** The branch pushes must target (undefined: any push). Read per request: it is known after the first fetch. */
  branch: () => string | undefined;
  /** Largest accepted request body. */
  bodyLimitBytes?: number;
  /** The status page (`GET /`, `/ui/...`), read like `/status`. */
  page?: StatusPage;
}

export interface ListenOptions {
  host: string;
  /** 0 picks a free port; the bound one is in the result. */
  port: number;
}

/** A listening server. */
export interface DaemonServer {
  host: string;
  port: number;
  /** `http://host:port` (IPv6 hosts bracketed). */
  url: string;
  /** Stops accepting, closes idle connections, and resolves when the server is closed. */
  close(): Promise<void>;
}

/** The `/status` warning of a daemon that publishes its status on purpose (`--public-status`). */
export const PUBLIC_STATUS_WARNING =
  "this status is public (--public-status): anyone who reaches the daemon's port can read what it manages; drop the flag to require the status token";

/** Builds the request handler (exported for tests that want no socket). */
export function createHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const auth =
    deps.auth ??
    new HttpAuth({
      loopback: deps.loopback === true,
      ...(deps.statusToken !== undefined ? { token: deps.statusToken } : {}),
      publicStatus: deps.publicStatus === true,
      protectMetrics: deps.protectMetrics === true,
    });
  const deliveries = new DeliveryLog(deps.replayWindowMs !== undefined ? { windowMs: deps.replayWindowMs } : {});

  async function webhook(provider: WebhookProvider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = deps.log.child({ webhook: provider });
    const secret = deps.webhookSecret;
    if (secret === undefined) {
      log.warn("webhook refused: no webhook secret configured");
      return refuse(req, res, 401, { error: "webhooks need a secret: start the daemon with --webhook-secret-file or DOKPLOY_GITOPS_WEBHOOK_SECRET" });
    }
    if (declaresTooLarge(req, limit)) {
      return refuse(req, res, 413, { error: `request body larger than ${limit} bytes` });
    }
    if (req.headers[signatureHeader(provider)] === undefined) {
      log.warn("webhook refused: missing signature");
      return refuse(req, res, 401, { error: `missing ${signatureHeader(provider)} header` });
    }
    if (verifiesBeforeBody(provider) && !verifyWebhook(provider, req.headers, undefined, secret)) {
      log.warn("webhook refused: bad token");
      return refuse(req, res, 401, { error: `bad ${signatureHeader(provider)}` });
    }
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return refuse(req, res, 413, { error: `request body larger than ${limit} bytes` });
      throw err;
    }
    if (!verifyWebhook(provider, req.headers, body, secret)) {
      log.warn("webhook refused: bad signature");
      return send(res, 401, { error: `bad ${signatureHeader(provider)}` });
    }
    if (deliveries.replayed(deliveryKeys(provider, req.headers, body))) {
      log.warn("webhook replay ignored: this delivery was already received");
      return send(res, 200, { status: "duplicate", reason: "this delivery was already received; no new pass" });
    }
    const decision = decideWebhook(provider, req.headers, body, deps.branch());
    if (decision.action === "ignore") {
      log.info({ reason: decision.reason }, "webhook ignored");
      return send(res, 202, { status: "ignored", reason: decision.reason });
    }
    const answer = deps.loop.trigger("webhook");
    log.info({ ref: decision.ref, answer }, "webhook received");
    if (answer !== "accepted") return send(res, 202, { status: "ignored", reason: answer });
    return send(res, 202, { status: "accepted" });
  }

  function status(url: URL, res: ServerResponse): void {
    const format = url.searchParams.get("format") ?? "json";
    if (format !== "json" && format !== "text") return send(res, 400, { error: `format: expected json or text, got "${format}"` });
    // `?resources=false`: everything but the per-resource list (scripts waiting for a revision poll this).
    const resources = url.searchParams.get("resources") ?? "true";
    if (resources !== "true" && resources !== "false") return send(res, 400, { error: `resources: expected true or false, got "${resources}"` });
    const warning = auth.publicByOptOut ? PUBLIC_STATUS_WARNING : undefined;
    if (format === "text") {
      const snapshot = resources === "false" ? { ...deps.status.snapshot(), resources: [] } : deps.status.snapshot();
      return send(res, 200, (warning ? `WARNING: ${warning}\n\n` : "") + renderStatusText(snapshot));
    }
    const json = resources === "false" ? JSON.stringify({ ...deps.status.snapshot(), resources: [] }, null, 2) : deps.status.snapshotJson();
    // The document is an object printed with two-space indent: the warning goes in as its first member.
    const text = warning ? `{\n  "warning": ${JSON.stringify(warning)},${json.slice(1)}` : json;
    send(res, 200, text + "\n", { "content-type": "application/json; charset=utf-8" });
  }

  return async function handle(req, res) {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const only = (allowed: string): boolean => {
      if (method === allowed || (allowed === "GET" && method === "HEAD")) return true;
      refuse(req, res, 405, { error: `${route} accepts ${allowed} only` }, { allow: allowed });
      return false;
    };

    // The status page and its assets are read exactly like /status.
    if (isPageRoute(route) && deps.page) {
      if (only("GET") && auth.requireRead(req, res)) deps.page.handle(route, url, req, res);
      return;
    }

    if (route.startsWith("/webhooks/")) {
      const provider = route.slice("/webhooks/".length);
      if (!isWebhookProvider(provider)) return refuse(req, res, 404, { error: `unknown webhook provider "${provider}" (expected github, gitea or gitlab)` });
      if (!only("POST")) return;
      return webhook(provider, req, res);
    }

    switch (route) {
      case "/healthz":
        if (only("GET")) send(res, 200, "ok\n");
        return;
      case "/readyz": {
        if (!only("GET")) return;
        const r = deps.status.readiness();
        // The reason is in the body either way: "ok", "ok: <why degraded>", or "not ready: <why>".
        send(res, r.ready ? 200 : 503, `${r.ready ? (r.message === "ok" ? "ok" : `ok: ${r.message}`) : `not ready: ${r.message}`}\n`);
        return;
      }
      case "/metrics":
        if (only("GET") && auth.requireMetrics(req, res)) send(res, 200, await deps.metrics.render(), { "content-type": deps.metrics.contentType });
        return;
      case "/status":
        if (only("GET") && auth.requireRead(req, res)) status(url, res);
        return;
      case "/login":
        if (method === "POST") return login(auth, deps.statusToken, deps.log, req, res);
        if (only("GET")) loginPage(auth, req, res);
        return;
      case "/logout":
        if (only("POST")) logout(auth, req, res);
        return;
      case "/reconcile": {
        if (!only("POST") || !auth.requireControl(req, res)) return;
        const redeploy = url.searchParams.getAll("redeploy").flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
        const malformed = redeploy.filter((k) => !parseResourceKey(k) || !serviceModule(parseResourceKey(k)!.kind));
        if (malformed.length > 0) {
          send(res, 400, { error: `redeploy: ${malformed.map((k) => JSON.stringify(k)).join(", ")} is not the key of a service (expected e.g. Application/shop/production/web)` });
          return;
        }
        const answer = deps.loop.trigger("manual", redeploy.length > 0 ? { redeploy } : {});
        if (answer === "accepted") send(res, 202, { status: "accepted" });
        else send(res, 409, { status: answer, error: answer === "suspended" ? "reconciliation is suspended: POST /resume first" : "the daemon is shutting down" });
        return;
      }
      case "/suspend":
        if (!only("POST") || !auth.requireControl(req, res)) return;
        deps.loop.suspend();
        send(res, 200, { suspended: true });
        return;
      case "/resume":
        if (!only("POST") || !auth.requireControl(req, res)) return;
        deps.loop.resume();
        send(res, 200, { suspended: false });
        return;
      default:
        refuse(req, res, 404, { error: `no route ${route}` });
    }
  };
}

/** Starts listening; resolves once bound. */
export async function startServer(deps: ServerDeps, listen: ListenOptions): Promise<DaemonServer> {
  const handle = createHandler({ ...deps, loopback: deps.loopback ?? isLoopbackHost(listen.host) });
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.log.error({ err }, "request failed");
      if (!res.headersSent) send(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  return {
    host,
    port: address.port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests are short (the status page ends its event streams before this); cut what is left after a moment.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  };
}
