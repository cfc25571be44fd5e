/**
 * A browser-friendly way to present the status token: `GET /login` is a plain
 * form (no script, no inline style: the CSP forbids both), `POST /login`
 * checks the token and opens a session (an HttpOnly, SameSite=Strict cookie
 * holding a random id, never the token, plus a script-readable CSRF cookie),
 * and `POST /logout` ends it. Login itself must be same-origin, so another
 * site cannot log a browser into the daemon either.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { CONFIGURE_TOKEN_HINT, CSRF_COOKIE, isSameOrigin, safeEqual, SESSION_COOKIE, type HttpAuth } from "./auth.ts";
import { BodyTooLargeError, declaresTooLarge, readBody } from "./body.ts";
import { refuse, send } from "./respond.ts";

/** A login form is a few hundred bytes. */
const LOGIN_BODY_LIMIT = 4096;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Where to go after logging in: a path on this daemon only (no `//host`, no scheme). */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : "/";
}

function page(res: ServerResponse, status: number, message: string, next: string, form: boolean): void {
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>dokploy-gitops: log in</title></head>
<body>
<main>
<h1>dokploy-gitops</h1>
${message ? `<p role="alert">${escapeHtml(message)}</p>\n` : ""}${form ? `<form method="post" action="/login">
<p><label for="token">Status token</label><br><input id="token" type="password" name="token" autocomplete="current-password" required autofocus></p>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<p><button type="submit">Log in</button></p>
</form>
<p>The token is the daemon's status token (<code>--status-token-file</code>; with the Helm chart, the <code>status-token</code> key of its Secret). It is checked and forgotten: the browser only keeps a session cookie.</p>
` : ""}</main>
</body>
</html>
`;
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(body);
}

function cookie(name: string, value: string, maxAgeS: number, httpOnly: boolean, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeS}; SameSite=Strict${httpOnly ? "; HttpOnly" : ""}${secure ? "; Secure" : ""}`;
}

/** The request reached us over TLS (directly, or through a proxy that says so). */
function overTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || /^https$/i.test(String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]!.trim());
}

function clearCookies(secure: boolean): string[] {
  return [cookie(SESSION_COOKIE, "", 0, true, secure), cookie(CSRF_COOKIE, "", 0, false, secure)];
}

/** `GET /login`: the form (or, with no token configured, how to configure one). */
export function loginPage(auth: HttpAuth, req: IncomingMessage, res: ServerResponse): void {
  const next = safeNext(new URL(req.url ?? "/", "http://localhost").searchParams.get("next"));
  if (!auth.hasToken) return page(res, 200, `No status token is configured, so there is nothing to log in with: ${CONFIGURE_TOKEN_HINT}.`, next, false);
  page(res, 200, "", next, true);
}

/** `POST /login` (form-encoded `token`, optional `next`): opens a session and redirects, or shows the form again. */
export async function login(auth: HttpAuth, token: string | undefined, log: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isSameOrigin(req)) return refuse(req, res, 403, { error: "cross-site login refused" });
  if (declaresTooLarge(req, LOGIN_BODY_LIMIT)) return refuse(req, res, 413, { error: `request body larger than ${LOGIN_BODY_LIMIT} bytes` });
  let form: URLSearchParams;
  try {
    form = new URLSearchParams((await readBody(req, LOGIN_BODY_LIMIT)).toString("utf8"));
  } catch (err) {
    if (err instanceof BodyTooLargeError) return refuse(req, res, 413, { error: `request body larger than ${LOGIN_BODY_LIMIT} bytes` });
    throw err;
  }
  const next = safeNext(form.get("next"));
  if (token === undefined) {
    return page(res, 401, `No status token is configured, so there is nothing to log in with: ${CONFIGURE_TOKEN_HINT}.`, next, false);
  }
  const given = form.get("token") ?? "";
  if (given === "" || !safeEqual(given, token)) {
    log.warn({ remote: req.socket.remoteAddress }, "login refused: wrong status token");
    return page(res, 401, "Wrong token.", next, true);
  }
  const { id, csrf } = auth.sessions.create();
  const maxAge = Math.floor(auth.sessions.ttlMs / 1000);
  const secure = overTls(req);
  log.info({ remote: req.socket.remoteAddress }, "browser session opened");
  res.writeHead(303, {
    location: next,
    "cache-control": "no-store",
    "set-cookie": [cookie(SESSION_COOKIE, id, maxAge, true, secure), cookie(CSRF_COOKIE, csrf, maxAge, false, secure)],
  });
  res.end();
}

/** `POST /logout`: ends the browser session (a cookie request must pass the CSRF check like any state change). */
export function logout(auth: HttpAuth, req: IncomingMessage, res: ServerResponse): void {
  const credential = auth.credential(req);
  if (credential.kind === "session") {
    if (!auth.csrfPasses(req, credential.session)) return refuse(req, res, 403, { error: "cross-site logout refused" });
    auth.sessions.delete(credential.id);
  }
  send(res, 200, { loggedIn: false }, { "set-cookie": clearCookies(overTls(req)) });
}
