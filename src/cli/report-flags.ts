/**
 * The `run` flags that tell people what happened: notification targets,
 * commit statuses and the public URL used in links. Resolved once, here in
 * the CLI (the only place that reads the environment and files), into the
 * daemon's `ReportSettings`.
 */
import { readFileSync } from "node:fs";
import { tokenFor } from "../comment/ci-detect.ts";
import { PROVIDERS, type ProviderName, type TokenKind } from "../comment/types.ts";
import { detectForge, forgeApiUrl } from "../forge/detect.ts";
import type { CommitStatusSettings } from "../forge/commit-status.ts";
import { checkTargets, DEFAULT_RENOTIFY_MS, NotifyConfigError, parseInterval, parseNotifyConfig, parseTargetUrl, type NotifySettings, type NotifyTarget } from "../notify/config.ts";
import { DEFAULT_RATE_LIMIT } from "../notify/rate-limit.ts";
import type { ReportSettings } from "../report/reporters.ts";
import { UsageError } from "./io.ts";

export const REPORT_OPTIONS = {
  notify: { type: "string", multiple: true },
  "notify-config": { type: "string" },
  "notify-secret-file": { type: "string" },
  "notify-renotify": { type: "string" },
  "commit-status": { type: "boolean" },
  "commit-status-forge": { type: "string" },
  "commit-status-api-url": { type: "string" },
  "commit-status-repo": { type: "string" },
  "commit-status-context": { type: "string" },
  "commit-status-token-file": { type: "string" },
  "public-url": { type: "string" },
} as const;

export const REPORT_HELP = `Telling people (status page at GET /, notifications, commit statuses):
  --public-url URL        how people reach this daemon, for links (default: the
                          --listen address unless it is 0.0.0.0 or [::])
  --notify [KIND+]URL     send notifications there (repeatable); KIND is slack,
                          discord, teams, ntfy or webhook, else guessed from the host.
                          Prefer env DOKPLOY_GITOPS_NOTIFY (URLs separated by spaces
                          or newlines): a webhook URL is a credential
  --notify-config FILE    targets, secrets and intervals from a YAML file
  --notify-secret-file FILE  HMAC-SHA256 key of generic webhooks
                          (env DOKPLOY_GITOPS_NOTIFY_SECRET); ntfy token: env DOKPLOY_GITOPS_NTFY_TOKEN
  --notify-renotify DUR   repeat a lasting failure after DUR (default 4h; 0 never)
  --commit-status         set a commit status on every reconciled revision
  --commit-status-forge github|gitea|gitlab   (default: from the --source URL)
  --commit-status-api-url URL, --commit-status-repo OWNER/NAME   (default: from --source)
  --commit-status-context NAME   (default dokploy-gitops/<instance>)
  --commit-status-token-file FILE  token (or env DOKPLOY_GITOPS_COMMIT_STATUS_TOKEN,
                          then GITHUB_TOKEN, GITEA_TOKEN, GITLAB_TOKEN, GIT_TOKEN)
`;

/** Parsed values of the report flags. */
export type ReportValues = {
  notify?: string[];
  "notify-config"?: string;
  "notify-secret-file"?: string;
  "notify-renotify"?: string;
  "commit-status"?: boolean;
  "commit-status-forge"?: string;
  "commit-status-api-url"?: string;
  "commit-status-repo"?: string;
  "commit-status-context"?: string;
  "commit-status-token-file"?: string;
  "public-url"?: string;
};

/** What the report flags need to know about the rest of the command line. */
export interface ReportContext {
  source: string;
  sourceIsGit: boolean;
  instance: string;
  requestTimeoutMs: number;
  readFile?: (path: string) => string;
}

function fileSecret(file: string, flag: string, readFile: (p: string) => string): string {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new UsageError(`run: ${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
  }
  const v = text.trim();
  if (!v) throw new UsageError(`run: ${flag}: ${file} is empty`);
  return v;
}

function notifySettings(values: ReportValues, env: NodeJS.ProcessEnv, readFile: (p: string) => string): NotifySettings | undefined {
  const secret = values["notify-secret-file"] !== undefined ? fileSecret(values["notify-secret-file"], "--notify-secret-file", readFile) : env.DOKPLOY_GITOPS_NOTIFY_SECRET?.trim() || undefined;
  const ntfyToken = env.DOKPLOY_GITOPS_NTFY_TOKEN?.trim() || undefined;
  const withSecrets = (t: { kind: NotifyTarget["kind"]; url: string }): NotifyTarget => ({
    ...t, ...(t.kind === "webhook" && secret ? { secret } : {}), ...(t.kind === "ntfy" && ntfyToken ? { token: ntfyToken } : {}),
  });
  const targets: NotifyTarget[] = [];
  let renotifyMs = DEFAULT_RENOTIFY_MS;
  let rateLimit = { ...DEFAULT_RATE_LIMIT };
  try {
    for (const url of values.notify ?? []) targets.push(withSecrets(parseTargetUrl(url, "run: --notify")));
    for (const url of (env.DOKPLOY_GITOPS_NOTIFY ?? "").split(/\s+/).filter(Boolean)) targets.push(withSecrets(parseTargetUrl(url, "run: DOKPLOY_GITOPS_NOTIFY")));
    if (values["notify-config"] !== undefined) {
      const file = values["notify-config"];
      const text = fileSecret(file, "--notify-config", readFile);
      const cfg = parseNotifyConfig(file, text, { env, readFile });
      for (const t of cfg.targets) targets.push(t.kind === "webhook" && t.secret === undefined && secret ? { ...t, secret } : t);
      if (cfg.renotifyMs !== undefined) renotifyMs = cfg.renotifyMs;
      if (cfg.rateLimit) rateLimit = cfg.rateLimit;
    }
    if (values["notify-renotify"] !== undefined) renotifyMs = parseInterval(values["notify-renotify"], "run: --notify-renotify");
    checkTargets(targets);
  } catch (err) {
    if (err instanceof NotifyConfigError) throw new UsageError(err.message.startsWith("run: ") ? err.message : `run: ${err.message}`);
    throw err;
  }
  return targets.length > 0 ? { targets, renotifyMs, rateLimit } : undefined;
}

const TOKEN_KIND: Record<ProviderName, TokenKind> = { github: "bearer", gitea: "gitea-token", gitlab: "gitlab-private" };

function commitStatusSettings(values: ReportValues, env: NodeJS.ProcessEnv, ctx: ReportContext, readFile: (p: string) => string): CommitStatusSettings | undefined {
  const given = Object.keys(values).filter((k) => k.startsWith("commit-status-") && values[k as keyof ReportValues] !== undefined);
  if (!values["commit-status"]) {
    if (given.length > 0) throw new UsageError(`run: --${given[0]} needs --commit-status`);
    return undefined;
  }
  if (!ctx.sourceIsGit) throw new UsageError("run: --commit-status needs a git --source (a plain directory has no commits)");
  const detected = detectForge(ctx.source);
  const forgeFlag = values["commit-status-forge"];
  if (forgeFlag !== undefined && !(PROVIDERS as readonly string[]).includes(forgeFlag)) {
    throw new UsageError(`run: --commit-status-forge: expected one of ${PROVIDERS.join(", ")}, got "${forgeFlag}"`);
  }
  const forge = (forgeFlag as ProviderName | undefined) ?? detected.forge;
  if (!forge) throw new UsageError(`run: --commit-status: cannot tell the forge from ${ctx.source}: pass --commit-status-forge github|gitea|gitlab`);
  let apiUrl = values["commit-status-api-url"];
  if (apiUrl !== undefined) {
    try {
      const u = new URL(apiUrl);
      if ((u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password) throw new Error("bad");
    } catch {
      throw new UsageError(`run: --commit-status-api-url: expected an http(s) URL without credentials such as https://api.github.com, got "${apiUrl}"`);
    }
    apiUrl = apiUrl.replace(/\/+$/, "");
  } else if (detected.origin) apiUrl = forgeApiUrl(forge, detected.origin);
  else throw new UsageError(`run: --commit-status: cannot tell the forge's API from ${ctx.source}: pass --commit-status-api-url`);
  const repo = values["commit-status-repo"] ?? detected.repo;
  if (!repo || (forge !== "gitlab" && !/^[^/\s]+\/[^/\s]+$/.test(repo))) {
    throw new UsageError(`run: --commit-status-repo: expected ${forge === "gitlab" ? "a project path such as group/project" : "OWNER/NAME"}${repo ? `, got "${repo}"` : ` (cannot tell it from ${ctx.source})`}`);
  }
  const fromFile = values["commit-status-token-file"] !== undefined ? fileSecret(values["commit-status-token-file"], "--commit-status-token-file", readFile) : undefined;
  const token = fromFile ?? (env.DOKPLOY_GITOPS_COMMIT_STATUS_TOKEN?.trim() || tokenFor(forge, env)?.token || env.GIT_TOKEN?.trim() || env.DOKPLOY_GITOPS_GIT_TOKEN?.trim());
  if (!token) throw new UsageError("run: --commit-status needs a token: --commit-status-token-file FILE or env DOKPLOY_GITOPS_COMMIT_STATUS_TOKEN");
  const context = values["commit-status-context"] ?? `dokploy-gitops/${ctx.instance}`;
  if (!/^[\w./:-]{1,100}$/.test(context)) throw new UsageError(`run: --commit-status-context: expected letters, digits and ./:-_ (at most 100), got "${context}"`);
  const tokenKind = fromFile === undefined && forge === "gitlab" && !env.DOKPLOY_GITOPS_COMMIT_STATUS_TOKEN && tokenFor("gitlab", env)?.kind === "gitlab-job" ? "gitlab-job" : TOKEN_KIND[forge];
  return { forge, apiUrl, repo, token, tokenKind, context, requestTimeoutMs: ctx.requestTimeoutMs };
}

/** Resolves the report flags; undefined when none is used. Throws `UsageError` naming the flag. */
export function resolveReport(values: ReportValues, env: NodeJS.ProcessEnv, ctx: ReportContext): ReportSettings | undefined {
  const readFile = ctx.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const report: ReportSettings = {};
  if (values["public-url"] !== undefined) {
    try {
      const u = new URL(values["public-url"]);
      if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
    } catch {
      throw new UsageError(`run: --public-url: expected an http(s) URL such as https://gitops.example.com/, got "${values["public-url"]}"`);
    }
    report.publicUrl = values["public-url"];
  }
  const notify = notifySettings(values, env, readFile);
  if (notify) report.notify = notify;
  const commitStatus = commitStatusSettings(values, env, ctx, readFile);
  if (commitStatus) report.commitStatus = commitStatus;
  return Object.keys(report).length > 0 ? report : undefined;
}
