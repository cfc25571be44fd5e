/**
 * Who may do what on the daemon's port. One module, so every route (the JSON
 * endpoints, the login page, the status page) asks the same three questions:
 *
 * - `requireControl`: anything that changes state (`POST /reconcile`,
 *   `/suspend`, `/resume`, a page action). Always needs the status token, from
 *   every address, loopback included: with no token configured it is refused
 *   with a body saying how to configure one.
 * - `requireRead`: `/status` (and the page's data). Needs the token when one is
 *   configured or when the daemon listens beyond loopback, unless the operator
 *   opted out with `--public-status`.
 * - `requireMetrics`: open by convention, the token with `--protect-metrics`.
 *
 * A credential is `Authorization: Bearer <token>` (scripts, Prometheus) or the
 * session cookie `POST /login` sets (browsers). The cookie never holds the
 * token itself, only a random session id; a state-changing request carried by
 * the cookie must also be same-origin (`Sec-Fetch-Site`, `Origin`) and echo the
 * session's CSRF token in `X-CSRF-Token`, so another site cannot ride on it.
 * Secrets are compared in constant time and never logged or echoed.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { refuse } from "./respond.ts";

/** True when `provided` equals `expected`, compared in constant time (both hashed first, so lengths leak nothing). */
export function safeEqual(provided: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash("sha256").update(provided).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Hex HMAC-SHA256 of `body` with `secret` (GitHub's and Gitea's webhook signature). */
export function hmacSha256Hex(secret: string, body: Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** What an operator does to get a token: the sentence every refusal and the start-up log carry. */
export const CONFIGURE_TOKEN_HINT =
  "configure a status token with --status-token-file FILE or the env DOKPLOY_GITOPS_STATUS_TOKEN (e.g. from `openssl rand -hex 32`); the Helm chart generates one into its Secret (credentials.statusToken)";

/**
 * True for an address only this machine can reach: 127.0.0.0/8, ::1,
 * IPv4-mapped loopback and `localhost`. `0.0.0.0`, `::` and every other
 * address are reachable from elsewhere.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice("::ffff:".length) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** The session cookie (HttpOnly: scripts never see it). */
export const SESSION_COOKIE = "dokploy_gitops_session";
/** The CSRF cookie: readable by the page's script, which echoes it in `CSRF_HEADER`. */
export const CSRF_COOKIE = "dokploy_gitops_csrf";
/** The header a cookie-authenticated state-changing request must carry. */
export const CSRF_HEADER = "x-csrf-token";

/** A browser session opened by `POST /login`. */
export interface Session {
  csrf: string;
  expiresAt: number;
}

/**
 * Browser sessions, in memory: a restart logs everyone out, and the token is
 * never stored in a browser. Bounded (oldest dropped first) and expiring.
 * Keyed by a hash of the id, so a lookup compares no secret byte by byte.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.#max = options.max ?? 64;
    this.#now = options.now ?? Date.now;
  }

  /** How long a session lives, for the cookie's Max-Age. */
  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Opens a session; returns its id (for the cookie) and CSRF token. */
  create(): { id: string; csrf: string } {
    const id = randomBytes(32).toString("base64url");
    const csrf = randomBytes(32).toString("base64url");
    while (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(keyOf(id), { csrf, expiresAt: this.#now() + this.#ttlMs });
    return { id, csrf };
  }

  /** The live session of `id`, or undefined (unknown or expired). */
  get(id: string): Session | undefined {
    const key = keyOf(id);
    const s = this.#sessions.get(key);
    if (s && s.expiresAt <= this.#now()) {
      this.#sessions.delete(key);
      return undefined;
    }
    return s;
  }

  /** Ends a session (logout). */
  delete(id: string): void {
    this.#sessions.delete(keyOf(id));
  }
}

function keyOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** Cookies of a request, by name (the first of duplicates wins). */
export function parseCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * True unless the browser says the request comes from another site: a
 * `Sec-Fetch-Site` other than same-origin/none, or an `Origin` whose host is
 * not the one the request was sent to (the proxy's `X-Forwarded-Host` when
 * there is one). Clients that send neither (curl, scripts) pass: they use the
 * bearer token, and cookie requests also need the CSRF token.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const site = header(req, "sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const origin = header(req, "origin");
  if (origin === undefined) return true;
  // Browsers send `Origin: null` for some same-origin form posts (a no-referrer policy, a redirect chain);
  // the browser's own Sec-Fetch-Site then says where the request comes from.
  if (origin === "null" && site === "same-origin") return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  const target = (header(req, "x-forwarded-host") ?? header(req, "host") ?? "").split(",")[0]!.trim();
  return originHost !== "" && originHost.toLowerCase() === target.toLowerCase();
}

/** Who is asking: a bearer token, a browser session, nothing, or a wrong credential. */
export type Credential =
  | { kind: "bearer" }
  | { kind: "session"; id: string; session: Session }
  | { kind: "none" }
  | { kind: "bad" };

export interface AuthOptions {
  /** The status token; absent: nothing that needs a credential can be done. */
  token?: string;
  /** The server listens on a loopback address only. */
  loopback: boolean;
  /** `--public-status`: `/status` is readable without a credential wherever the daemon listens. */
  publicStatus?: boolean;
  /** `--protect-metrics`: `/metrics` needs the token too. */
  protectMetrics?: boolean;
  sessions?: SessionStore;
}

const WWW_AUTHENTICATE = { "www-authenticate": 'Bearer realm="dokploy-gitops"' };

/** The access rules of one daemon (see the module comment). */
export class HttpAuth {
  readonly sessions: SessionStore;
  readonly #options: AuthOptions;

  constructor(options: AuthOptions) {
    this.#options = options;
    this.sessions = options.sessions ?? new SessionStore();
  }

  /** A status token is configured. */
  get hasToken(): boolean {
    return this.#options.token !== undefined;
  }

  /** `/status` is readable by anyone who reaches the port (loopback without a token, or `--public-status`). */
  get readIsPublic(): boolean {
    return this.#options.publicStatus === true || (this.#options.token === undefined && this.#options.loopback);
  }

  /** `--public-status` is what opens `/status` (it would need a credential otherwise): worth a warning. */
  get publicByOptOut(): boolean {
    return this.#options.publicStatus === true && (this.#options.token !== undefined || !this.#options.loopback);
  }

  /** Identifies the request's credential without answering. */
  credential(req: IncomingMessage): Credential {
    const token = this.#options.token;
    // Only the Bearer scheme is ours: a proxy's Basic auth in front of the daemon must not hide the session cookie.
    const authorization = header(req, "authorization");
    if (authorization !== undefined && /^Bearer\b/i.test(authorization)) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      return token !== undefined && m !== null && safeEqual(m[1]!, token) ? { kind: "bearer" } : { kind: "bad" };
    }
    const id = parseCookies(req).get(SESSION_COOKIE);
    if (id === undefined || id === "") return { kind: "none" };
    const session = token !== undefined ? this.sessions.get(id) : undefined;
    return session ? { kind: "session", id, session } : { kind: "bad" };
  }

  /** `/status` and the page's data: answers 401 and returns false when the request may not read. */
  requireRead(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.readIsPublic) return true;
    if (this.#options.token === undefined) {
      refuse(req, res, 401, {
        error: `reading status from a daemon listening beyond loopback needs a credential, and no status token is configured: ${CONFIGURE_TOKEN_HINT}; or listen on 127.0.0.1, or pass --public-status to publish it on purpose`,
      }, WWW_AUTHENTICATE);
      return false;
    }
    return this.#authenticated(req, res);
  }

  /**
   * A state-changing request: answers 401 (no or wrong credential, or no
   * token configured) or 403 (a cookie request that is cross-site or lacks
   * the CSRF token) and returns false when it may not proceed.
   */
  requireControl(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#options.token === undefined) {
      const route = new URL(req.url ?? "/", "http://localhost").pathname;
      refuse(req, res, 401, { error: `${req.method ?? "POST"} ${route} needs a credential, and no status token is configured: ${CONFIGURE_TOKEN_HINT}` }, WWW_AUTHENTICATE);
      return false;
    }
    const credential = this.credential(req);
    if (credential.kind === "session" && !this.#csrfPasses(req, credential.session)) {
      refuse(req, res, 403, { error: `cross-site request refused: a browser session must send the same-origin ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie` });
      return false;
    }
    return this.#judge(credential, req, res);
  }

  /** `/metrics`: open unless `--protect-metrics`. */
  requireMetrics(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.#options.protectMetrics) return true;
    if (this.#options.token === undefined) {
      refuse(req, res, 401, { error: `/metrics is protected (--protect-metrics), and no status token is configured: ${CONFIGURE_TOKEN_HINT}` }, WWW_AUTHENTICATE);
      return false;
    }
    return this.#authenticated(req, res);
  }

  /** The CSRF checks of a cookie-authenticated state change (also used by `POST /logout`). */
  csrfPasses(req: IncomingMessage, session: Session): boolean {
    return this.#csrfPasses(req, session);
  }

  #csrfPasses(req: IncomingMessage, session: Session): boolean {
    const echoed = header(req, CSRF_HEADER);
    return isSameOrigin(req) && echoed !== undefined && safeEqual(echoed, session.csrf);
  }

  #authenticated(req: IncomingMessage, res: ServerResponse): boolean {
    return this.#judge(this.credential(req), req, res);
  }

  #judge(credential: Credential, req: IncomingMessage, res: ServerResponse): boolean {
    if (credential.kind === "bearer" || credential.kind === "session") return true;
    refuse(req, res, 401, { error: "missing or bad credential: send Authorization: Bearer <status token>, or log in at /login" }, WWW_AUTHENTICATE);
    return false;
  }
}
