/**
 * The comment APIs of GitHub (and GitHub Enterprise), Gitea and GitLab, for
 * one pull request. Small on purpose: list (paginated), create, update. Every
 * failure becomes a `CommentPostError` naming the provider, the request, the
 * HTTP status and the provider's message, with every secret the redactor
 * knows (the token first) masked.
 */
import type { Redactor } from "../util/redact.ts";
import {
  COMMENT_LIMITS, CommentPostError, PROVIDER_TITLE, type CommentApi, type CommentTarget, type ExistingComment,
  type ProviderName,
} from "./types.ts";

/** Stop listing after this many pages: a PR with more comments than this is not one we can serve anyway. */
const MAX_PAGES = 100;

interface Response {
  status: number;
  headers: Headers;
  data: unknown;
}

/** Hints added to a failure by HTTP status, for the PR comment calls. */
const COMMENT_HINTS: Partial<Record<number, string>> = {
  401: "is the token valid?",
  403: "does the token have permission to comment on pull requests?",
  404: "check the repository, the pull request number and the API URL",
};

/** What a request to a forge's API needs: the comment target without the pull request (commit statuses reuse it). */
export type ForgeEndpoint = Pick<CommentTarget, "provider" | "apiUrl" | "token" | "tokenKind" | "requestTimeoutMs">;

function authHeaders(target: ForgeEndpoint): Record<string, string> {
  switch (target.tokenKind) {
    case "bearer":
      return { authorization: `Bearer ${target.token}` };
    case "gitea-token":
      return { authorization: `token ${target.token}` };
    case "gitlab-private":
      return { "private-token": target.token };
    case "gitlab-job":
      return { "job-token": target.token };
  }
}

/** The provider's own words from an error body (`message`, `error`, GitLab's nested `message` objects). */
function providerMessage(data: unknown, text: string): string {
  if (data && typeof data === "object") {
    const d = data as { message?: unknown; error?: unknown; error_description?: unknown };
    const parts = [d.message, d.error, d.error_description]
      .filter((v) => v !== undefined && v !== null)
      .map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    if (parts.length > 0) return parts.join(": ");
  }
  const trimmed = text.trim().replace(/\s+/g, " ");
  return trimmed.length > 0 ? trimmed.slice(0, 300) : "(empty response)";
}

/**
 * A JSON request function for one forge API: auth header, timeout, no
 * redirects, and every failure as a redacted `CommentPostError` naming the
 * request, the status and the forge's own message.
 */
export function forgeRequester(target: ForgeEndpoint, redactor: Redactor, hints: Partial<Record<number, string>> = COMMENT_HINTS) {
  const title = PROVIDER_TITLE[target.provider];
  return async function request(method: string, path: string, body?: unknown): Promise<Response> {
    const url = `${target.apiUrl}${path}`;
    const what = `${title}: ${method} ${url}`;
    let res: globalThis.Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: target.provider === "github" ? "application/vnd.github+json" : "application/json",
          "user-agent": "dokploy-gitops",
          ...(target.provider === "github" ? { "x-github-api-version": "2022-11-28" } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...authHeaders(target),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(target.requestTimeoutMs),
        redirect: "error",
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === "TimeoutError" ? `no answer within ${target.requestTimeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new CommentPostError(target.provider, redactor.redact(`${what} failed: cannot reach the server (${why})`));
    }
    const text = await res.text();
    let data: unknown = undefined;
    try {
      data = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (res.status < 200 || res.status > 299) {
      const hint = hints[res.status] !== undefined ? ` (${hints[res.status]})` : "";
      throw new CommentPostError(
        target.provider,
        redactor.redact(`${what} failed: HTTP ${res.status}: ${providerMessage(data, text)}${hint}`),
        res.status,
      );
    }
    return { status: res.status, headers: res.headers, data };
  };
}

function readComments(provider: ProviderName, data: unknown, ignoreSystem: boolean): ExistingComment[] {
  if (!Array.isArray(data)) {
    throw new CommentPostError(provider, `${PROVIDER_TITLE[provider]}: listing comments returned ${typeof data}, expected a JSON array`);
  }
  return data
    .filter((c): c is { id: unknown; body?: unknown; system?: unknown } => typeof c === "object" && c !== null && "id" in c)
    .filter((c) => !(ignoreSystem && c.system === true))
    .map((c) => ({ id: String(c.id), body: typeof c.body === "string" ? c.body : "" }));
}

function createdId(provider: ProviderName, data: unknown): { id: string; url?: string } {
  const d = (data ?? {}) as { id?: unknown; html_url?: unknown };
  if (d.id === undefined || d.id === null) {
    throw new CommentPostError(provider, `${PROVIDER_TITLE[provider]}: the comment was sent but the answer had no id`);
  }
  return { id: String(d.id), ...(typeof d.html_url === "string" ? { url: d.html_url } : {}) };
}

/**
 * Lists every page. The provider's own signal decides when to stop (`Link`
 * without `rel="next"`, an empty `X-Next-Page`); without one, a page shorter
 * than the longest seen so far is the last (servers may cap the page size
 * below what was asked). An empty page, or one that adds nothing new (a
 * server ignoring the page parameter), always ends the walk.
 */
async function listAllPages(
  provider: ProviderName,
  fetchPage: (page: number) => Promise<Response>,
  ignoreSystem = false,
): Promise<ExistingComment[]> {
  const seen = new Set<string>();
  const all: ExistingComment[] = [];
  let longest = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await fetchPage(page);
    const items = readComments(provider, res.data, ignoreSystem);
    const fresh = items.filter((c) => !seen.has(c.id));
    for (const c of fresh) {
      seen.add(c.id);
      all.push(c);
    }
    const rawCount = Array.isArray(res.data) ? res.data.length : 0;
    if (rawCount === 0 || fresh.length === 0) break;
    const link = res.headers.get("link");
    const nextPage = res.headers.get("x-next-page");
    if (link !== null) {
      if (!/rel="next"/.test(link)) break;
    } else if (nextPage !== null) {
      if (nextPage.trim() === "") break;
    } else {
      longest = Math.max(longest, rawCount);
      if (rawCount < longest) break;
    }
  }
  return all;
}

/** `owner/name` with each part URL-encoded. */
export function ownerRepo(repo: string): string {
  const [owner, name] = repo.split("/");
  return `${encodeURIComponent(owner!)}/${encodeURIComponent(name!)}`;
}

/** GitHub and GitHub Enterprise: issue comments (a pull request is an issue). */
function githubApi(target: CommentTarget, redactor: Redactor): CommentApi {
  const request = forgeRequester(target, redactor);
  const base = `/repos/${ownerRepo(target.repo)}/issues`;
  return {
    provider: "github",
    maxBodyLength: COMMENT_LIMITS.github,
    listComments: () => listAllPages("github", (page) => request("GET", `${base}/${target.pr}/comments?per_page=100&page=${page}`)),
    createComment: async (body) => createdId("github", (await request("POST", `${base}/${target.pr}/comments`, { body })).data),
    updateComment: async (id, body) => createdId("github", (await request("PATCH", `${base}/comments/${encodeURIComponent(id)}`, { body })).data),
  };
}

/** Gitea (and Forgejo): the GitHub-like API under `/api/v1`, `limit` instead of `per_page`. */
function giteaApi(target: CommentTarget, redactor: Redactor): CommentApi {
  const request = forgeRequester(target, redactor);
  const base = `/repos/${ownerRepo(target.repo)}/issues`;
  return {
    provider: "gitea",
    maxBodyLength: COMMENT_LIMITS.gitea,
    listComments: () => listAllPages("gitea", (page) => request("GET", `${base}/${target.pr}/comments?limit=50&page=${page}`)),
    createComment: async (body) => createdId("gitea", (await request("POST", `${base}/${target.pr}/comments`, { body })).data),
    updateComment: async (id, body) => createdId("gitea", (await request("PATCH", `${base}/comments/${encodeURIComponent(id)}`, { body })).data),
  };
}

/** GitLab: merge request notes; system notes ("added 1 commit") are skipped. */
function gitlabApi(target: CommentTarget, redactor: Redactor): CommentApi {
  const request = forgeRequester(target, redactor);
  const base = `/projects/${encodeURIComponent(target.repo)}/merge_requests/${target.pr}/notes`;
  return {
    provider: "gitlab",
    maxBodyLength: COMMENT_LIMITS.gitlab,
    listComments: () => listAllPages("gitlab", (page) => request("GET", `${base}?sort=asc&order_by=created_at&per_page=100&page=${page}`), true),
    createComment: async (body) => createdId("gitlab", (await request("POST", base, { body })).data),
    updateComment: async (id, body) => createdId("gitlab", (await request("PUT", `${base}/${encodeURIComponent(id)}`, { body })).data),
  };
}

/** The comment API of `target`'s provider. The redactor must already know the token. */
export function createCommentApi(target: CommentTarget, redactor: Redactor): CommentApi {
  redactor.add(target.token);
  switch (target.provider) {
    case "github":
      return githubApi(target, redactor);
    case "gitea":
      return giteaApi(target, redactor);
    case "gitlab":
      return gitlabApi(target, redactor);
  }
}
