/**
 * How the daemon answers: one place for the response helpers and for the
 * browser safety headers every answer carries, so the JSON endpoints, the
 * login page and the status page (same origin, static assets under `/ui/`)
 * are all born with them rather than each route remembering.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Sent on every response. The Content-Security-Policy allows only the daemon's
 * own scripts, styles and fetches (no inline script or style, no plugins, no
 * framing, forms post only to the daemon), so an injected string in a status
 * field can never run; `nosniff` stops a JSON body being read as script;
 * `no-referrer` keeps the daemon's URLs out of other sites' logs.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
});

/** Puts the safety headers on a response before anything else is written. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** Answers with a JSON body (objects) or plain text (strings); never cached. */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body, null, 2) + "\n";
  const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(text);
}

/** Answers without reading the request body, and closes the connection so no more of it is buffered. */
export function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  send(res, status, body, { connection: "close", ...headers });
  res.once("finish", () => {
    if (!req.complete) req.socket.destroySoon();
  });
}
