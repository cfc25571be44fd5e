/**
 * The HTTP face of the simulator, in the order a request meets Dokploy's own
 * stack (apps/dokploy/pages/api/[...trpc].ts, packages/server/src/lib/auth.ts
 * `validateRequest`, the @dokploy/trpc-openapi adapter): Next's body parser (1 MB limit, plain-text 413, "Invalid
 * JSON"), `/api/health` without auth, the `x-api-key` check before routing
 * (bare 401), case-insensitive `/api/<router>.<procedure>` routing per method
 * (404 otherwise), the JSON content-type check (415), zod-style validation
 * (400), then the handler. Injected faults and latency come first, so a
 * "500 without performing" really performs nothing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { CallLog } from "./call-log.ts";
import { renderError, SimError, UNAUTHORIZED_BODY } from "./errors.ts";
import type { Faults } from "./faults.ts";
import type { Handler, RouteContext } from "./routes/context.ts";
import type { InputValidator } from "./validation.ts";
import type { CallRecord } from "./types.ts";

/** Next's default API body limit ("1mb"). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ApiDeps {
  routes: Record<string, Handler>;
  methods: Readonly<Record<string, "GET" | "POST">>;
  ctx: RouteContext;
  validator: InputValidator;
  faults: Faults;
  log: CallLog;
  /** The current key and whether it is valid. */
  auth: () => { apiKey: string; valid: boolean };
  latencyMs: () => number;
  /** Sockets held open by "timeout" faults; destroyed on close. */
  held: Set<Socket>;
  /** Handles `/__simulator/...`. */
  control: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void>;
}

class BodyTooLarge extends Error {}

/** Reads the body up to the limit (Next checks content-length first, then the stream). */
function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > BODY_LIMIT_BYTES) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        req.removeAllListeners("data");
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: string | undefined, type = "application/json"): void {
  res.statusCode = status;
  res.setHeader("content-type", type);
  res.end(body);
}

/** Builds the request listener for the API (and delegates `/__simulator/`). */
export function createApiListener(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const byLowerName = new Map(Object.keys(deps.methods).map((e) => [e.toLowerCase(), e]));

  return (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ message: `simulator: ${(err as Error).message}` }));
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const method = req.method ?? "GET";
    const name = url.pathname.startsWith("/api/") ? decodeURIComponent(url.pathname.slice(5)) : undefined;
    const endpoint = name === undefined ? url.pathname : (byLowerName.get(name.toLowerCase()) ?? name);
    let input: unknown;
    const record = (status: CallRecord["status"]): void => {
      deps.log.add({
        method, path: url.pathname + url.search, endpoint, status,
        durationMs: Math.round((performance.now() - started) * 100) / 100, at: new Date().toISOString(),
        ...(input !== undefined ? { body: input } : {}),
      });
    };

    let raw: string;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      res.setHeader("connection", "close");
      send(res, 413, "Body exceeded 1mb limit", "text/plain");
      if (name !== undefined) record(413);
      return;
    }
    if (url.pathname.startsWith("/__simulator/")) return deps.control(req, res, url, raw);
    if (name === undefined) return send(res, 404, "Not Found", "text/plain");

    const isJson = (req.headers["content-type"] ?? "").toLowerCase().startsWith("application/json");
    if (isJson && raw.length > 0) {
      try {
        input = JSON.parse(raw);
      } catch {
        send(res, 400, "Invalid JSON", "text/plain");
        return record(400);
      }
    } else if (isJson) input = {};
    if (method === "GET") input = Object.fromEntries(url.searchParams);

    const fault = deps.faults.decide(endpoint, method);
    const latency = deps.latencyMs() + fault.latencyMs;
    if (latency > 0) await sleep(latency);
    if (fault.action === "error") {
      const { status, body } = renderError(new SimError("INTERNAL_SERVER_ERROR", "Internal server error (injected by the simulator)"), endpoint);
      send(res, status, JSON.stringify(body));
      return record(status);
    }
    if (fault.action === "reset") {
      req.socket.destroy();
      return record("reset");
    }
    if (fault.action === "timeout") {
      deps.held.add(req.socket);
      req.socket.once("close", () => deps.held.delete(req.socket));
      return record("timeout");
    }

    if (name.toLowerCase() === "health") {
      send(res, 200, JSON.stringify({ ok: true }));
      return record(200);
    }
    const auth = deps.auth();
    if (fault.action === "unauthorized" || !auth.valid || req.headers["x-api-key"] !== auth.apiKey) {
      send(res, 401, UNAUTHORIZED_BODY);
      return record(401);
    }
    deps.faults.passedAuth(endpoint, method);

    const canonical = byLowerName.get(name.toLowerCase());
    const handler = canonical ? deps.routes[canonical] : undefined;
    if (!canonical || !handler || deps.methods[canonical] !== method) {
      const { status, body } = renderError(new SimError("NOT_FOUND", "Not found"), undefined);
      send(res, status, JSON.stringify(body));
      return record(status);
    }

    let status: number;
    let body: string | undefined;
    try {
      if (method === "POST" && !isJson) {
        const type = req.headers["content-type"];
        throw new SimError("UNSUPPORTED_MEDIA_TYPE", type ? `Unsupported content-type "${type}` : "Missing content-type header");
      }
      const parsed = method === "GET" ? deps.validator.coerceQuery(canonical, url.searchParams) : input;
      const checked = deps.validator.validate(canonical, parsed);
      if (!checked.ok) throw new SimError("BAD_REQUEST", "Input validation failed", checked.issues);
      const result: unknown = await handler(checked.value ?? {}, deps.ctx);
      status = 200;
      body = result === undefined ? undefined : JSON.stringify(result);
    } catch (err) {
      const simErr = err instanceof SimError ? err : new SimError("INTERNAL_SERVER_ERROR", (err as Error).message);
      const rendered = renderError(simErr, canonical);
      status = rendered.status;
      body = JSON.stringify(rendered.body);
    }
    if (fault.action === "lost") {
      req.socket.destroy();
      return record("lost");
    }
    send(res, status, body);
    record(status);
  }
}
