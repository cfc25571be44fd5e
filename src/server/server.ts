/**
 * The daemon's HTTP surface (node:http, no framework): `/status` (JSON or
 * text), `/healthz`, `/readyz`, `/metrics`, `POST /reconcile|/suspend|/resume`
 * (bearer token when configured) and `POST /webhooks/<provider>` (signature
 * instead of token). Every response body that could carry a secret is built
 * from redacted data; errors never echo request content.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { DaemonMetrics } from "../metrics/metrics.ts";
import type { TriggerAnswer } from "../reconcile/loop.ts";
import type { StatusStore } from "../reconcile/status-store.ts";
import type { TriggerReason } from "../reconcile/triggers.ts";
import { bearerAuthorized } from "./auth.ts";
import { BodyTooLargeError, DEFAULT_BODY_LIMIT, declaresTooLarge, readBody } from "./body.ts";
import { renderStatusText } from "./status-text.ts";
import { decideWebhook, isWebhookProvider, signatureHeader, verifiesBeforeBody, verifyWebhook, type WebhookProvider } from "./webhooks.ts";

/** What the server drives: the loop's public controls. */
export interface LoopControls {
  trigger(reason: TriggerReason): TriggerAnswer;
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
  /** Bearer token for `/status`, `/reconcile`, `/suspend`, `/resume`; open when absent. */
  statusToken?: string;
  /** The branch pushes must target (undefined: any push). Read per request: it is known after the first fetch. */
  branch: () => string | undefined;
  /** Largest accepted request body. */
  bodyLimitBytes?: number;
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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body, null, 2) + "\n";
  const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(text);
}

/** Answers without reading the request body, and closes the connection so no more of it is buffered. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, body, { connection: "close", ...headers });
  res.once("finish", () => {
    if (!req.complete) req.socket.destroySoon();
  });
}

const AUTH_ROUTES = new Set(["/status", "/reconcile", "/suspend", "/resume"]);

/** Builds the request handler (exported for tests that want no socket). */
export function createHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;

  async function webhook(provider: WebhookProvider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = deps.log.child({ webhook: provider });
    const secret = deps.webhookSecret;
    if (secret === undefined) {
      log.warn("webhook refused: no webhook secret configured");
      return refuse(req, res, 401, { error: "webhooks need a secret: start the daemon with --webhook-secret-file or DOKPLOY_GITOPS_WEBHOOK_SECRET" });
    }
    if (req.headers[signatureHeader(provider)] === undefined) {
      log.warn("webhook refused: missing signature");
      return refuse(req, res, 401, { error: `missing ${signatureHeader(provider)} header` });
    }
    if (verifiesBeforeBody(provider) && !verifyWebhook(provider, req.headers, undefined, secret)) {
      log.warn("webhook refused: bad token");
      return refuse(req, res, 401, { error: `bad ${signatureHeader(provider)}` });
    }
    if (declaresTooLarge(req, limit)) {
      return refuse(req, res, 413, { error: `request body larger than ${limit} bytes` });
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

  return async function handle(req, res) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const only = (allowed: string): boolean => {
      if (method === allowed || (allowed === "GET" && method === "HEAD")) return true;
      refuse(req, res, 405, { error: `${route} accepts ${allowed} only` }, { allow: allowed });
      return false;
    };

    if (AUTH_ROUTES.has(route) && !bearerAuthorized(req, deps.statusToken)) {
      return refuse(req, res, 401, { error: "missing or bad bearer token" }, { "www-authenticate": 'Bearer realm="dokploy-gitops"' });
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
        if (only("GET")) send(res, 200, await deps.metrics.render(), { "content-type": deps.metrics.contentType });
        return;
      case "/status": {
        if (!only("GET")) return;
        const format = url.searchParams.get("format") ?? "json";
        if (format !== "json" && format !== "text") return send(res, 400, { error: `format: expected json or text, got "${format}"` });
        // `?resources=false`: everything but the per-resource list (scripts waiting for a revision poll this).
        const resources = url.searchParams.get("resources") ?? "true";
        if (resources !== "true" && resources !== "false") return send(res, 400, { error: `resources: expected true or false, got "${resources}"` });
        if (resources === "false") {
          const snapshot = { ...deps.status.snapshot(), resources: [] };
          send(res, 200, format === "text" ? renderStatusText(snapshot) : snapshot);
        } else if (format === "text") send(res, 200, renderStatusText(deps.status.snapshot()));
        else send(res, 200, deps.status.snapshotJson() + "\n", { "content-type": "application/json; charset=utf-8" });
        return;
      }
      case "/reconcile": {
        if (!only("POST")) return;
        const answer = deps.loop.trigger("manual");
        if (answer === "accepted") send(res, 202, { status: "accepted" });
        else send(res, 409, { status: answer, error: answer === "suspended" ? "reconciliation is suspended: POST /resume first" : "the daemon is shutting down" });
        return;
      }
      case "/suspend":
        if (!only("POST")) return;
        deps.loop.suspend();
        send(res, 200, { suspended: true });
        return;
      case "/resume":
        if (!only("POST")) return;
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
  const handle = createHandler(deps);
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
        // In-flight requests are short (no streaming endpoints); cut what is left after a moment.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      }),
  };
}
