/**
 * Where to post, worked out from flags first and the CI environment second,
 * so `dokploy-gitops comment` needs no flags inside GitHub Actions, Gitea
 * Actions or GitLab CI. The environment is passed in (never read from
 * `process.env` here), which keeps detection a pure function a test can drive.
 */
import {
  CommentSetupError, PROVIDERS, type CommentTarget, type ProviderName, type TokenKind,
} from "./types.ts";

/** What a CI environment tells about the pull request being built. */
export interface CiContext {
  provider: ProviderName;
  apiUrl?: string;
  repo?: string;
  pr?: number;
  /** The head commit of the pull request, for the comment's headline. */
  revision?: string;
  /** Why some value is missing (e.g. "not a pull_request event"), for a clearer error. */
  notes: string[];
}

/** Flags of `comment` that choose the target; each overrides what CI detection found. */
export interface CommentTargetFlags {
  provider?: string;
  repo?: string;
  pr?: string;
  apiUrl?: string;
  requestTimeoutMs: number;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes)$/i.test(v.trim());
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Reads the pull request number and head sha from a GitHub/Gitea Actions event file. */
function readEvent(path: string | undefined, readFile: (p: string) => string, notes: string[]): { pr?: number; revision?: string } {
  if (!path) {
    notes.push("GITHUB_EVENT_PATH is not set");
    return {};
  }
  let event: {
    pull_request?: { number?: unknown; head?: { sha?: unknown } };
    issue?: { number?: unknown; pull_request?: unknown };
    number?: unknown;
  };
  try {
    event = JSON.parse(readFile(path)) as typeof event;
  } catch (err) {
    notes.push(`cannot read the event file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return {};
  }
  const out: { pr?: number; revision?: string } = {};
  const pr = positiveInt(event.pull_request?.number) ?? (event.issue?.pull_request ? positiveInt(event.issue.number) : undefined);
  if (pr !== undefined) out.pr = pr;
  else notes.push("the event is not a pull request (no pull_request.number in GITHUB_EVENT_PATH)");
  if (typeof event.pull_request?.head?.sha === "string") out.revision = event.pull_request.head.sha;
  return out;
}

/**
 * Detects the CI system and what it says about the current pull request.
 * Gitea Actions sets the GitHub variables too, so it is checked first.
 */
export function detectCi(env: NodeJS.ProcessEnv, readFile: (path: string) => string): CiContext | undefined {
  if (truthy(env.GITEA_ACTIONS)) {
    const notes: string[] = [];
    const server = env.GITHUB_SERVER_URL ?? env.GITEA_SERVER_URL;
    const ctx: CiContext = { provider: "gitea", notes, ...readEvent(env.GITHUB_EVENT_PATH, readFile, notes) };
    if (server) ctx.apiUrl = `${server.replace(/\/+$/, "")}/api/v1`;
    if (env.GITHUB_REPOSITORY) ctx.repo = env.GITHUB_REPOSITORY;
    ctx.revision ??= env.GITHUB_SHA;
    return ctx;
  }
  if (truthy(env.GITHUB_ACTIONS)) {
    const notes: string[] = [];
    const ctx: CiContext = { provider: "github", notes, ...readEvent(env.GITHUB_EVENT_PATH, readFile, notes) };
    ctx.apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
    if (env.GITHUB_REPOSITORY) ctx.repo = env.GITHUB_REPOSITORY;
    ctx.revision ??= env.GITHUB_SHA;
    return ctx;
  }
  if (truthy(env.GITLAB_CI)) {
    const notes: string[] = [];
    const ctx: CiContext = { provider: "gitlab", notes };
    if (env.CI_API_V4_URL) ctx.apiUrl = env.CI_API_V4_URL;
    if (env.CI_PROJECT_ID) ctx.repo = env.CI_PROJECT_ID;
    const pr = positiveInt(env.CI_MERGE_REQUEST_IID);
    if (pr !== undefined) ctx.pr = pr;
    else notes.push("CI_MERGE_REQUEST_IID is not set (run the job in a merge request pipeline: rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\")");
    const sha = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || env.CI_COMMIT_SHA;
    if (sha) ctx.revision = sha;
    return ctx;
  }
  return undefined;
}

/** The token for a provider, from the environment only (never a flag), and how to send it. */
export function tokenFor(provider: ProviderName, env: NodeJS.ProcessEnv): { token: string; kind: TokenKind; variable: string } | undefined {
  const pick = (names: string[], kind: TokenKind): { token: string; kind: TokenKind; variable: string } | undefined => {
    for (const name of names) {
      const v = env[name]?.trim();
      if (v) return { token: v, kind, variable: name };
    }
    return undefined;
  };
  switch (provider) {
    case "github":
      return pick(["GITHUB_TOKEN", "GH_TOKEN"], "bearer");
    case "gitea":
      return pick(["GITEA_TOKEN", "GITHUB_TOKEN"], "gitea-token");
    case "gitlab":
      return pick(["GITLAB_TOKEN"], "gitlab-private") ?? pick(["CI_JOB_TOKEN"], "gitlab-job");
  }
}

const TOKEN_HELP: Record<ProviderName, string> = {
  github: "set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }}, with permissions: pull-requests: write)",
  gitea: "set GITEA_TOKEN (or GITHUB_TOKEN) to a token that may comment on the repository",
  gitlab: "set GITLAB_TOKEN to a project or personal access token with the api scope (CI_JOB_TOKEN is used as a fallback)",
};

/**
 * Normalises an API base URL: no trailing slash; Gitea and GitLab get
 * `/api/v1` and `/api/v4` appended when given a bare server URL (their APIs
 * always live there). GitHub's is used as given (`https://api.github.com`,
 * or `https://HOST/api/v3` for GitHub Enterprise): a proxy may serve it anywhere.
 */
export function normalizeApiUrl(provider: ProviderName, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new CommentSetupError(`--api-url: expected an http(s) URL such as https://api.github.com, got "${raw}"`);
  }
  if (u.username || u.password) throw new CommentSetupError("--api-url: must not contain credentials; the token comes from the environment");
  let path = u.pathname.replace(/\/+$/, "");
  if (provider === "gitea" && !/\/api\/v1$/.test(path)) path += "/api/v1";
  if (provider === "gitlab" && !/\/api\/v4$/.test(path)) path += "/api/v4";
  return `${u.origin}${path}`;
}

/**
 * Resolves the comment target: flags, then CI detection, then defaults. Throws
 * a `CommentSetupError` naming the missing piece and how to provide it.
 */
export function resolveCommentTarget(
  flags: CommentTargetFlags,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string,
): { target: CommentTarget; ci?: CiContext } {
  if (flags.provider !== undefined && !(PROVIDERS as readonly string[]).includes(flags.provider)) {
    throw new CommentSetupError(`--provider: expected one of ${PROVIDERS.join(", ")}, got "${flags.provider}"`);
  }
  const detected = detectCi(env, readFile);
  const provider = (flags.provider as ProviderName | undefined) ?? detected?.provider;
  if (!provider) {
    throw new CommentSetupError(
      "cannot tell where to comment: pass --provider github|gitea|gitlab with --repo and --pr " +
        "(no GITHUB_ACTIONS, GITEA_ACTIONS or GITLAB_CI in the environment)",
    );
  }
  const ci = detected?.provider === provider ? detected : undefined;
  const hint = ci && ci.notes.length > 0 ? ` (${ci.notes.join("; ")})` : "";

  const defaultApi = provider === "github" ? "https://api.github.com" : provider === "gitlab" ? "https://gitlab.com/api/v4" : undefined;
  const rawApi = flags.apiUrl ?? ci?.apiUrl ?? defaultApi;
  if (!rawApi) throw new CommentSetupError(`no ${provider} API URL: pass --api-url https://gitea.example.com${hint}`);
  const apiUrl = normalizeApiUrl(provider, rawApi);

  const repo = flags.repo ?? ci?.repo;
  if (!repo) {
    const what = provider === "gitlab" ? "--repo PROJECT_ID_OR_PATH (or CI_PROJECT_ID)" : "--repo OWNER/NAME (or GITHUB_REPOSITORY)";
    throw new CommentSetupError(`no repository: pass ${what}${hint}`);
  }
  if (provider !== "gitlab" && !/^[^/\s]+\/[^/\s]+$/.test(repo)) {
    throw new CommentSetupError(`--repo: expected OWNER/NAME such as acme/infra, got "${repo}"`);
  }
  if (provider === "gitlab" && !/^(\d+|[^\s]+(\/[^\s]+)+)$/.test(repo)) {
    throw new CommentSetupError(`--repo: expected a GitLab project id (1234) or path (group/project), got "${repo}"`);
  }

  let pr: number | undefined;
  if (flags.pr !== undefined) {
    pr = positiveInt(flags.pr.replace(/^[#!]/, ""));
    if (pr === undefined) throw new CommentSetupError(`--pr: expected a pull request number such as 42, got "${flags.pr}"`);
  } else pr = ci?.pr;
  if (pr === undefined) {
    throw new CommentSetupError(`no pull request number: pass --pr N${hint}`);
  }

  const token = tokenFor(provider, env);
  if (!token) throw new CommentSetupError(`no ${provider} token: ${TOKEN_HELP[provider]}`);

  const target: CommentTarget = Object.freeze({
    provider, apiUrl, repo, pr, token: token.token, tokenKind: token.kind, requestTimeoutMs: flags.requestTimeoutMs,
  });
  return ci ? { target, ci } : { target };
}
