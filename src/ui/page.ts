/**
 * The status page's routes: `GET /` (the page), `GET /ui/page.js` and
 * `GET /ui/page.css` (its only assets, shipped in the package, no CDN) and
 * `GET /ui/events` (server-sent events: fresh HTML of the page's live part
 * whenever the daemon's status changes, so the page updates without a
 * reload). The server authorizes these routes exactly as it does `/status`
 * before handing them here. Every answer carries a strict
 * Content-Security-Policy: the page has no inline script or style.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { DaemonStatus, StatusStore } from "../reconcile/status-store.ts";
import type { PassHistory } from "./history.ts";
import { FILTER_STATES, projectsOf, renderLive, renderPage, type PageFilter } from "./render.ts";
import { KINDS } from "../kinds/registry.ts";

/** Headers of every page answer: nothing from elsewhere, no framing, no sniffing, no referrer. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
});

/** Browsers following the page at once; more get 503 (each holds a connection). */
const MAX_STREAMS = 32;
/** How often open streams check for a change nobody announced (suspend, resume) and keep proxies from timing out. */
const TICK_MS = 2_000;
const HEARTBEAT_EVERY_TICKS = 10;

const ASSETS: Record<string, { file: string; type: string }> = {
  "/ui/page.js": { file: "page.js", type: "text/javascript; charset=utf-8" },
  "/ui/page.css": { file: "page.css", type: "text/css; charset=utf-8" },
  "/ui/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};

interface Asset {
  body: Buffer;
  etag: string;
  type: string;
}

/** Reads an asset next to this module (src/) or, from dist/, in the packaged `src/ui/assets`. */
function loadAsset(name: string, type: string): Asset {
  for (const rel of [`./assets/${name}`, `../../src/ui/assets/${name}`]) {
    try {
      const body = readFileSync(new URL(rel, import.meta.url));
      return { body, type, etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"` };
    } catch {
      // try the next place
    }
  }
  throw new Error(`status page: asset ${name} not found next to ${import.meta.url}`);
}

/** True for the routes the page serves (the server guards them like `/status`). */
export function isPageRoute(route: string): boolean {
  return route === "/" || route.startsWith("/ui/");
}

export interface StatusPageOptions {
  status: Pick<StatusStore, "snapshot">;
  history: PassHistory;
  log: Logger;
  /** The request's CSRF token, when the server issues one (rendered as `<meta name="csrf-token">`). */
  csrfToken?: (req: IncomingMessage) => string | undefined;
}

/** The page, its assets and its event stream. */
export class StatusPage {
  readonly #options: StatusPageOptions;
  readonly #assets = new Map<string, Asset>();
  readonly #streams = new Set<ServerResponse>();
  #version = 0;
  #head: string | undefined;
  #resources: DaemonStatus["resources"] | undefined;
  #payload: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;

  constructor(options: StatusPageOptions) {
    this.#options = options;
  }

  /** Something changed (a pass started or finished): push it to open pages now. */
  changed(): void {
    if (this.#streams.size > 0) this.#refresh();
  }

  /** Ends every open stream (shutdown). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const res of this.#streams) res.end();
    this.#streams.clear();
  }

  /** Serves one page route; the caller has checked the method is GET or HEAD and the request is authorized. */
  handle(route: string, url: URL, req: IncomingMessage, res: ServerResponse): void {
    if (route === "/") return this.#page(url, req, res);
    if (route === "/ui/events") return this.#stream(req, res);
    const spec = ASSETS[route];
    if (!spec) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...PAGE_SECURITY_HEADERS });
      res.end(`no route ${route}\n`);
      return;
    }
    let asset = this.#assets.get(route);
    if (!asset) {
      asset = loadAsset(spec.file, spec.type);
      this.#assets.set(route, asset);
    }
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, { etag: asset.etag, ...PAGE_SECURITY_HEADERS });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": asset.type, "cache-control": "no-cache", etag: asset.etag, ...PAGE_SECURITY_HEADERS });
    res.end(req.method === "HEAD" ? undefined : asset.body);
  }

  #page(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const status = this.#options.status.snapshot();
    this.#note(status);
    const filter = readFilter(url, status);
    const csrfToken = this.#options.csrfToken?.(req);
    const html = renderPage({ status, passes: this.#options.history.list(), filter, version: this.#version, ...(csrfToken ? { csrfToken } : {}) });
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...PAGE_SECURITY_HEADERS });
    res.end(req.method === "HEAD" ? undefined : html);
  }

  #stream(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "HEAD") {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", ...PAGE_SECURITY_HEADERS });
      res.end();
      return;
    }
    if (this.#streams.size >= MAX_STREAMS) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "30", ...PAGE_SECURITY_HEADERS });
      res.end(`too many open status pages (${MAX_STREAMS}); close some and reload\n`);
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no", ...PAGE_SECURITY_HEADERS,
    });
    // The current state at once: the page may have been rendered before a change, or be reconnecting.
    this.#refresh();
    res.write(`retry: 3000\n\n${this.#event()}`);
    this.#streams.add(res);
    req.socket.setTimeout(0);
    res.once("close", () => {
      this.#streams.delete(res);
      if (this.#streams.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    });
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS).unref();
  }

  #tick(): void {
    this.#ticks++;
    if (!this.#refresh() && this.#ticks % HEARTBEAT_EVERY_TICKS === 0) {
      for (const res of this.#streams) res.write(": keep-alive\n\n");
    }
  }

  /** Records the state shown; true (and a new version) when it differs from the last one. */
  #note(status: DaemonStatus): boolean {
    const { resources, ...rest } = status;
    const head = JSON.stringify(rest) + JSON.stringify(this.#options.history.list()[0] ?? null);
    if (head === this.#head && resources === this.#resources) return false;
    this.#head = head;
    this.#resources = resources;
    this.#version++;
    this.#payload = undefined;
    return true;
  }

  /** Pushes the live part to every stream when the state changed; true when it did. */
  #refresh(): boolean {
    let status: DaemonStatus;
    try {
      status = this.#options.status.snapshot();
    } catch (err) {
      this.#options.log.warn({ err }, "status page: cannot read the status");
      return false;
    }
    if (!this.#note(status) && this.#payload !== undefined) return false;
    this.#payload = JSON.stringify({
      version: this.#version,
      live: renderLive({ status, passes: this.#options.history.list(), filter: {}, version: this.#version }),
      projects: projectsOf(status),
    });
    const event = this.#event();
    for (const res of this.#streams) res.write(event);
    return true;
  }

  #event(): string {
    return `event: update\ndata: ${this.#payload}\n\n`;
  }
}

/** The filters of `?project=&kind=&state=`, ignoring values the page does not offer. */
export function readFilter(url: URL, status: DaemonStatus): PageFilter {
  const filter: PageFilter = {};
  const project = url.searchParams.get("project");
  const kind = url.searchParams.get("kind");
  const state = url.searchParams.get("state");
  if (project && status.resources.some((r) => r.project === project)) filter.project = project;
  if (kind && (KINDS as readonly string[]).includes(kind)) filter.kind = kind;
  if (state && (FILTER_STATES as readonly string[]).includes(state)) filter.state = state;
  return filter;
}
