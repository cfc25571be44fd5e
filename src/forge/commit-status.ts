/**
 * Commit statuses on the revision the daemon reconciles: `pending` when a
 * pass starts on a new revision, then `success` or `failure` with a one-line
 * description and a link to the status page, under one context per instance
 * (`dokploy-gitops/<instance>`), so several daemons on one repository do not
 * overwrite each other. The HTTP side is the PR comment code's
 * (`forgeRequester`). A forge error never touches the pass: posts run in the
 * background, in order, and failures are logged and counted. A status that
 * would repeat the last one posted for that commit is not sent (GitHub keeps
 * at most 1,000 statuses per commit and context, and the daemon re-checks the
 * same revision every interval).
 */
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { forgeRequester, ownerRepo } from "../comment/providers.ts";
import type { ProviderName, TokenKind } from "../comment/types.ts";
import { passMessage } from "../reconcile/conditions.ts";
import type { PassResult } from "../reconcile/types.ts";
import { settleWithin } from "../report/settle.ts";
import type { Redactor } from "../util/redact.ts";

/** Where and how to post, resolved once by the CLI. `token` is a secret. */
export interface CommitStatusSettings {
  forge: ProviderName;
  /** API base URL without a trailing slash. */
  apiUrl: string;
  repo: string;
  token: string;
  tokenKind: TokenKind;
  /** `dokploy-gitops/<instance>` unless overridden. */
  context: string;
  requestTimeoutMs: number;
}

/** The states the daemon posts, in GitHub's words (GitLab says `failed`). */
export type CommitState = "pending" | "success" | "failure";

/** GitHub allows 140 characters of description; the others more, but a status is one line. */
export const MAX_DESCRIPTION = 140;
/** Commits whose last status is remembered (to skip repeats). */
const REMEMBERED = 100;

export interface CommitStatusDeps {
  log: Logger;
  redactor: Redactor;
  registry?: Registry;
  /** The status page, linked from every status (known once the server listens). */
  pageUrl: () => string | undefined;
}

const PAST: Record<string, string> = { create: "created", update: "updated", adopt: "adopted", delete: "deleted", orphan: "released" };

function shortName(key: string): string {
  return key.split("/").at(-1) ?? key;
}

function cut(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION - 1)}…` : line;
}

/** Resources whose deploy is still in Dokploy's queue or building, and those whose last deploy failed. */
export function deployProgress(result: PassResult): { inFlight: string[]; failed: string[] } {
  const inFlight: string[] = [];
  const failed: string[] = [];
  for (const r of result.resources) {
    const status = r.deployment?.status;
    if (r.health === "Progressing" || status === "queued" || status === "running") inFlight.push(r.key);
    else if (status === "error" || status === "timeout") failed.push(r.key);
  }
  return { inFlight, failed };
}

/**
 * The state and one-line description of a finished pass. A pass queues
 * deploys and ends; while they build the commit stays `pending`
 * ("1 updated; 2 deploys in progress"), and a later pass that sees a build
 * fail turns it to `failure` ("1 deploy failed: web").
 */
export function statusOfPass(result: PassResult): { state: CommitState; description: string } {
  if (result.outcome !== "succeeded") return { state: "failure", description: describePass(result) };
  const { inFlight, failed } = deployProgress(result);
  if (failed.length > 0) {
    return { state: "failure", description: cut(`${failed.length} deploy failed: ${failed.map(shortName).join(", ")}`) };
  }
  if (inFlight.length > 0) {
    return { state: "pending", description: cut(`${result.message || "configured"}; ${inFlight.length} deploy${inFlight.length === 1 ? "" : "s"} in progress`) };
  }
  return { state: "success", description: describePass(result) };
}

/** The one-line description of a finished pass: "12 updated, 1 deploy failed: web". */
export function describePass(result: PassResult): string {
  const outcomes = result.apply?.outcomes ?? [];
  if (result.outcome === "failed" && outcomes.some((o) => o.status === "failed")) {
    const parts: string[] = [];
    for (const [action, word] of Object.entries(PAST)) {
      const n = outcomes.filter((o) => o.action === action && o.status === "succeeded").length;
      if (n > 0) parts.push(`${n} ${word}`);
    }
    const failed = outcomes.filter((o) => o.status === "failed");
    const deploys = failed.filter((o) => o.deploy && (o.deploy.status === "error" || o.deploy.status === "timeout"));
    const others = failed.filter((o) => !deploys.includes(o));
    if (deploys.length > 0) parts.push(`${deploys.length} deploy failed: ${deploys.map((o) => shortName(o.key)).join(", ")}`);
    if (others.length > 0) parts.push(`${others.length} failed: ${others.map((o) => shortName(o.key)).join(", ")}`);
    return cut(parts.join(", "));
  }
  if (result.outcome === "succeeded") return cut(result.message || "in sync");
  return cut(`${result.reason}: ${passMessage(result)}`);
}

/** Posts commit statuses for the daemon's passes. */
export class CommitStatusReporter {
  readonly #settings: CommitStatusSettings;
  readonly #deps: CommitStatusDeps;
  readonly #request: ReturnType<typeof forgeRequester>;
  readonly #counter: Counter<"forge" | "result"> | undefined;
  readonly #posted = new Map<string, { state: CommitState; description: string }>();
  /** What the pass that applied a revision did ("2 created"), for the success posted once its deploys end. */
  readonly #applied = new Map<string, string>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(settings: CommitStatusSettings, deps: CommitStatusDeps) {
    this.#settings = settings;
    this.#deps = deps;
    deps.redactor.add(settings.token);
    this.#request = forgeRequester({ ...settings, provider: settings.forge }, deps.redactor, {
      401: "is the commit status token valid?",
      403: "may the token set commit statuses? GitHub: statuses write; Gitea: repository write; GitLab: api scope, Developer role",
      404: "check --commit-status-repo, --commit-status-api-url and that the commit was pushed there",
    });
    this.#counter = deps.registry
      ? new Counter({
          name: "dokploy_gitops_commit_status_total",
          help: "Commit statuses posted to the forge, by forge and result (posted, failed).",
          labelNames: ["forge", "result"] as const,
          registers: [deps.registry],
        })
      : undefined;
  }

  /** A pass starts on `revision`: `pending`, unless that commit already has a final status from this daemon. */
  passStarted(revision: string): void {
    const last = this.#posted.get(revision);
    // Final, or pending on its deploys: a pass that only follows them changes nothing worth posting.
    if (last) return;
    this.#post(revision, "pending", "reconciling this revision");
  }

  /** A pass finished: `success`, `failure`, or still `pending` while its deploys build; posted when it differs from what the commit shows. */
  passFinished(result: PassResult): void {
    if (result.revision === undefined) return;
    const { state, description } = statusOfPass(result);
    if (result.outcome === "succeeded" && (result.plan?.summary.changes ?? 0) > 0) {
      this.#applied.set(result.revision, describePass(result));
      if (this.#applied.size > REMEMBERED) this.#applied.delete(this.#applied.keys().next().value!);
    }
    // A later pass that only saw the deploys end keeps the description of the pass that applied.
    this.#post(result.revision, state, state === "success" ? (this.#applied.get(result.revision) ?? description) : description);
  }

  /** Waits (bounded) for the posts in flight; nothing is posted afterwards. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.#closed = true;
    await settleWithin(this.#queue, timeoutMs);
  }

  #post(revision: string, state: CommitState, text: string): void {
    if (this.#closed || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(revision)) return;
    const description = cut(this.#deps.redactor.redact(text));
    const last = this.#posted.get(revision);
    if (last && last.state === state && last.description === description) return;
    this.#posted.delete(revision);
    this.#posted.set(revision, { state, description });
    if (this.#posted.size > REMEMBERED) this.#posted.delete(this.#posted.keys().next().value!);
    this.#queue = this.#queue.then(() => this.#send(revision, state, description));
  }

  async #send(revision: string, state: CommitState, description: string): Promise<void> {
    const { forge, repo, context } = this.#settings;
    const targetUrl = this.#deps.pageUrl();
    const path = forge === "gitlab" ? `/projects/${encodeURIComponent(repo)}/statuses/${revision}` : `/repos/${ownerRepo(repo)}/statuses/${revision}`;
    const body = forge === "gitlab"
      ? { state: state === "failure" ? "failed" : state, name: context, description, ...(targetUrl ? { target_url: targetUrl } : {}) }
      : { state, context, description, ...(targetUrl ? { target_url: targetUrl } : {}) };
    const log = this.#deps.log.child({ forge, revision, state });
    try {
      await this.#request("POST", path, body);
      this.#counter?.inc({ forge, result: "posted" });
      log.debug(`commit status ${state} posted`);
    } catch (err) {
      this.#counter?.inc({ forge, result: "failed" });
      // Forget it, so the next pass on this commit tries again.
      if (this.#posted.get(revision)?.state === state) this.#posted.delete(revision);
      log.warn({ problem: this.#deps.redactor.redact((err as Error).message) }, `commit status for ${revision.slice(0, 7)} not posted: ${this.#deps.redactor.redact((err as Error).message)}`);
    }
  }
}
