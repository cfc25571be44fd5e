/**
 * The test controls over HTTP, under `/__simulator/`, for a simulator running
 * inside another process (the daemon's `run --simulator`). Not part of the
 * Dokploy surface: no API key, never in the call log, and loopback clients
 * only, since they can rewrite the whole store.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordKind, SimulatorControl } from "./types.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const KINDS: RecordKind[] = [
  "project", "environment", "application", "domain",
  // ---- service children (issue 15) ----
  "mount", "port", "redirect", "security", "schedule", "volumeBackup", "destination",
];

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(value));
}

/** Handles one `/__simulator/...` request against `control`. */
export async function handleControl(
  control: SimulatorControl,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): Promise<void> {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    return reply(res, 403, { error: "simulator controls answer loopback clients only" });
  }
  const route = `${req.method ?? "GET"} ${url.pathname.slice("/__simulator".length)}`;
  let body: Record<string, unknown> | unknown[] = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(res, 400, { error: `${route}: the body is not valid JSON` });
    }
  }
  const obj = (Array.isArray(body) ? {} : body) as Record<string, unknown>;
  try {
    switch (route) {
      case "GET /calls":
        return reply(res, 200, control.calls());
      case "POST /calls/reset":
        control.resetCalls();
        return reply(res, 200, { ok: true });
      case "POST /faults":
        control.setFaults(body as never);
        return reply(res, 200, { ok: true });
      case "GET /state":
        return reply(res, 200, control.state());
      case "POST /seed":
        return reply(res, 200, control.seed(obj));
      case "POST /update": {
        const kind = obj.kind as RecordKind;
        if (!KINDS.includes(kind)) throw new Error(`"kind" must be one of ${KINDS.join(", ")}`);
        if (typeof obj.id !== "string") throw new Error(`"id" must be a string`);
        if (typeof obj.patch !== "object" || obj.patch === null) throw new Error(`"patch" must be an object of columns`);
        control.update(kind, obj.id, obj.patch as Record<string, unknown>);
        return reply(res, 200, { ok: true });
      }
      case "POST /key":
        if (typeof obj.valid !== "boolean") throw new Error(`expected {"valid": true|false}`);
        control.setApiKeyValid(obj.valid);
        return reply(res, 200, { ok: true });
      case "POST /idle":
        await control.idle(typeof obj.timeoutMs === "number" ? obj.timeoutMs : undefined);
        return reply(res, 200, { ok: true });
      case "POST /fail-deploys":
        control.setFailDeploys(Object.keys(obj).length > 0 ? obj : undefined);
        return reply(res, 200, { ok: true });
      case "POST /latency":
        if (typeof obj.ms !== "number") throw new Error(`expected {"ms": <number>}`);
        control.setLatency(obj.ms);
        return reply(res, 200, { ok: true });
      default:
        return reply(res, 404, {
          error: `unknown control route ${route}; expected GET /calls, POST /calls/reset, POST /faults, GET /state, POST /seed, POST /update, POST /key, POST /idle, POST /fail-deploys, POST /latency`,
        });
    }
  } catch (err) {
    return reply(res, 400, { error: `${route}: ${(err as Error).message}` });
  }
}
