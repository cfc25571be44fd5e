/**
 * Fake GitHub, Gitea and GitLab comment APIs on 127.0.0.1 (node:http), for
 * the `comment` tests. Each keeps comments per pull request in memory,
 * paginates like the real one (GitHub `per_page` + `Link`, Gitea `limit` +
 * `Link`, GitLab `per_page` + `X-Next-Page`), checks the token the way the
 * real one expects it, and records every request so a test can assert what
 * was sent (and that no secret was). Commit statuses (`POST .../statuses/:sha`)
 * are kept too, for the daemon's commit status tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeProviderKind = "github" | "gitea" | "gitlab";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeComment {
  id: number;
  body: string;
  system?: boolean;
}

/** A commit status as the fake received it (GitLab's `name` is stored as `context`). */
export interface FakeCommitStatus {
  sha: string;
  state: string;
  context: string;
  description: string;
  targetUrl?: string;
}

export interface FakeProvider {
  kind: FakeProviderKind;
  /** The API base URL a client should use (`http://127.0.0.1:PORT/api/v1` for Gitea...). */
  apiUrl: string;
  /** The server origin without any API path. */
  origin: string;
  requests: RecordedRequest[];
  /** Comments by pull request number. */
  comments: Map<number, FakeComment[]>;
  /** Commit statuses in the order received. */
  statuses: FakeCommitStatus[];
  /** Pre-creates comments on a PR (e.g. to force pagination). */
  seed(pr: number, bodies: string[], opts?: { system?: boolean }): void;
  /** The next `times` requests with `method` answer `status` with `body`. */
  failNext(method: string, status: number, body: unknown, times?: number): void;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** The token the server accepts; anything else gets a 401. */
  token: string;
  /** Largest page the server serves, whatever the client asks (to force pagination in tests). */
  maxPerPage?: number;
  /** GitHub only: serve under `/api/v3` like GitHub Enterprise. */
  enterprise?: boolean;
  /** False: send no `Link`/`X-Next-Page` (some proxies and old servers drop them). Default true. */
  paginationHeaders?: boolean;
}

const PREFIX: Record<FakeProviderKind, string> = { github: "", gitea: "/api/v1", gitlab: "/api/v4" };

function authorized(kind: FakeProviderKind, req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  switch (kind) {
    case "github":
      return auth === `Bearer ${token}` || auth === `token ${token}`;
    case "gitea":
      return auth === `token ${token}` || auth === `Bearer ${token}`;
    case "gitlab":
      return req.headers["private-token"] === token || req.headers["job-token"] === token;
  }
}

function unauthorizedBody(kind: FakeProviderKind): unknown {
  return kind === "github" ? { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }
    : kind === "gitea" ? { message: "user does not exist [uid: 0, name: ]", url: "https://gitea.example/api/swagger" }
    : { message: "401 Unauthorized" };
}

/** Starts one fake provider on an ephemeral loopback port. */
export async function startFakeProvider(kind: FakeProviderKind, options: FakeProviderOptions): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const comments = new Map<number, FakeComment[]>();
  const statuses: FakeCommitStatus[] = [];
  const faults: Array<{ method: string; status: number; body: unknown; times: number }> = [];
  let nextId = 1000;
  const maxPerPage = options.maxPerPage ?? 100;
  const prefix = kind === "github" && options.enterprise ? "/api/v3" : PREFIX[kind];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string, origin: string): void => {
    const url = new URL(req.url ?? "/", origin);
    const query = Object.fromEntries(url.searchParams.entries());
    requests.push({ method: req.method ?? "", path: url.pathname, query, headers: { ...req.headers }, body: raw });

    const fault = faults.find((f) => f.method === req.method && f.times > 0);
    if (fault) {
      fault.times--;
      return send(res, fault.status, fault.body);
    }
    if (!authorized(kind, req, options.token)) return send(res, 401, unauthorizedBody(kind));
    if (!url.pathname.startsWith(`${prefix}/`)) return send(res, 404, { message: "Not Found" });
    const path = url.pathname.slice(prefix.length);

    const status = kind === "gitlab" ? /^\/projects\/[^/]+\/statuses\/([0-9a-f]{40})$/.exec(path) : /^\/repos\/[^/]+\/[^/]+\/statuses\/([0-9a-f]{40})$/.exec(path);
    if (status && req.method === "POST") {
      let b: { state?: unknown; context?: unknown; name?: unknown; description?: unknown; target_url?: unknown };
      try {
        b = JSON.parse(raw) as typeof b;
      } catch {
        return send(res, 400, { message: "Problems parsing JSON" });
      }
      const states = kind === "gitlab" ? ["pending", "running", "success", "failed", "canceled"] : ["pending", "success", "failure", "error"];
      if (typeof b.state !== "string" || !states.includes(b.state)) return send(res, 422, { message: `state must be one of ${states.join(", ")}` });
      const s: FakeCommitStatus = {
        sha: status[1]!, state: b.state, context: String((kind === "gitlab" ? b.name : b.context) ?? "default"), description: String(b.description ?? ""),
        ...(typeof b.target_url === "string" ? { targetUrl: b.target_url } : {}),
      };
      statuses.push(s);
      return send(res, 201, { id: statuses.length, ...s });
    }

    let m: RegExpExecArray | null;
    let pr: number | undefined;
    let commentId: number | undefined;
    if (kind === "gitlab") {
      m = /^\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(path);
      if (m) {
        pr = Number(m[2]);
        if (m[3]) commentId = Number(m[3]);
      }
    } else {
      m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path);
      if (m) pr = Number(m[1]);
      else {
        m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
        if (m) commentId = Number(m[1]);
      }
    }
    if (!m) return send(res, 404, { message: "Not Found" });

    const parseBody = (): string | undefined => {
      try {
        const b = JSON.parse(raw) as { body?: unknown };
        return typeof b.body === "string" ? b.body : undefined;
      } catch {
        return undefined;
      }
    };

    if (req.method === "GET" && pr !== undefined && commentId === undefined) {
      const all = comments.get(pr) ?? [];
      const per = Math.min(Number(kind === "gitea" ? query.limit ?? 30 : query.per_page ?? (kind === "gitlab" ? 20 : 30)), maxPerPage);
      const page = Math.max(1, Number(query.page ?? 1));
      const items = all.slice((page - 1) * per, page * per).map((c) => ({ id: c.id, body: c.body, ...(kind === "gitlab" ? { system: c.system ?? false } : {}) }));
      const hasNext = page * per < all.length;
      const headers: Record<string, string> = {};
      if (kind === "gitlab") {
        headers["x-next-page"] = hasNext ? String(page + 1) : "";
        headers["x-page"] = String(page);
        headers["x-total"] = String(all.length);
      } else {
        const links = [`<${origin}${url.pathname}?page=${Math.ceil(all.length / per) || 1}>; rel="last"`];
        if (hasNext) links.unshift(`<${origin}${url.pathname}?page=${page + 1}>; rel="next"`);
        headers.link = links.join(", ");
        if (kind === "gitea") headers["x-total-count"] = String(all.length);
      }
      return send(res, 200, items, options.paginationHeaders === false ? {} : headers);
    }
    if (req.method === "POST" && pr !== undefined && commentId === undefined) {
      const body = parseBody();
      if (body === undefined) return send(res, 422, { message: "body is required" });
      const c = { id: nextId++, body };
      comments.set(pr, [...(comments.get(pr) ?? []), c]);
      return send(res, 201, { id: c.id, body: c.body, html_url: `${origin}/pr/${pr}#comment-${c.id}` });
    }
    const editMethod = kind === "gitlab" ? "PUT" : "PATCH";
    if (req.method === editMethod && commentId !== undefined) {
      const body = parseBody();
      if (body === undefined) return send(res, 422, { message: "body is required" });
      for (const list of comments.values()) {
        const c = list.find((x) => x.id === commentId);
        if (c) {
          c.body = body;
          return send(res, 200, { id: c.id, body: c.body });
        }
      }
      return send(res, 404, { message: "Not Found" });
    }
    return send(res, 405, { message: `method ${req.method} not allowed here` });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8"), origin));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    kind,
    apiUrl: `${origin}${prefix}`,
    origin,
    requests,
    comments,
    statuses,
    seed(pr, bodies, opts = {}) {
      const list = comments.get(pr) ?? [];
      for (const body of bodies) list.push({ id: nextId++, body, ...(opts.system ? { system: true } : {}) });
      comments.set(pr, list);
    },
    failNext(method, status, body, times = 1) {
      faults.push({ method, status, body, times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
