/**
 * Everything that tells people what the daemon did, behind one object the
 * daemon calls at two points of a pass: commit statuses on the forge, chat
 * and webhook notifications, and the status page (its pass history and its
 * live updates). None of them can fail or slow a pass: the calls return at
 * once and the network work happens in the background.
 */
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { CommitStatusReporter, type CommitStatusSettings } from "../forge/commit-status.ts";
import type { NotifySettings } from "../notify/config.ts";
import { Notifier } from "../notify/notifier.ts";
import type { StatusStore } from "../reconcile/status-store.ts";
import type { PassResult } from "../reconcile/types.ts";
import { PassHistory } from "../ui/history.ts";
import { StatusPage } from "../ui/page.ts";
import type { Redactor } from "../util/redact.ts";

/** The reporting part of the daemon's settings (all optional: the page is always served). */
export interface ReportSettings {
  /** How people reach the daemon (`https://gitops.example.com/`), for links; default: the listen address unless it is a wildcard. */
  publicUrl?: string;
  notify?: NotifySettings;
  commitStatus?: CommitStatusSettings;
}

export interface ReportDeps {
  instance: string;
  mode: "apply" | "detect";
  log: Logger;
  redactor: Redactor;
  registry: Registry;
  status: StatusStore;
  /** The request's CSRF token when the server issues one (the page puts it in `<meta name="csrf-token">`). */
  csrfToken?: (req: IncomingMessage) => string | undefined;
}

/** What the daemon calls. */
export interface Reporters {
  readonly page: StatusPage;
  /** The server listens at `url` (the page link when no public URL is set). */
  listening(url: string): void;
  /** A pass is about to plan `revision`. */
  passStarted(input: { revision: string }): void;
  /** A pass finished. */
  passFinished(result: PassResult, durationMs: number): void;
  /** Flushes what is in flight (bounded) and ends the page's streams. */
  close(): Promise<void>;
}

/** The status page's URL for links, from the public URL or a listen address people can reach. */
export function pageUrlFor(publicUrl: string | undefined, listenUrl: string | undefined): string | undefined {
  if (publicUrl) return publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`;
  if (!listenUrl || /\/\/(0\.0\.0\.0|\[::\])[:/]/.test(listenUrl)) return undefined;
  return `${listenUrl}/`;
}

/** Builds the reporters from the settings. */
export function createReporters(settings: ReportSettings | undefined, deps: ReportDeps): Reporters {
  let listenUrl: string | undefined;
  const pageUrl = (): string | undefined => pageUrlFor(settings?.publicUrl, listenUrl);
  const history = new PassHistory(deps.redactor);
  const page = new StatusPage({
    status: deps.status, history, log: deps.log.child({ component: "status-page" }), ...(deps.csrfToken ? { csrfToken: deps.csrfToken } : {}),
  });
  const notifier = settings?.notify && settings.notify.targets.length > 0
    ? new Notifier(settings.notify, { instance: deps.instance, mode: deps.mode, log: deps.log.child({ component: "notify" }), redactor: deps.redactor, registry: deps.registry, pageUrl })
    : undefined;
  const statuses = settings?.commitStatus
    ? new CommitStatusReporter(settings.commitStatus, { log: deps.log.child({ component: "commit-status" }), redactor: deps.redactor, registry: deps.registry, pageUrl })
    : undefined;

  // A reporter's bug must not reach the loop: log it and carry on.
  const guard = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      deps.log.error({ err }, `${what} failed`);
    }
  };
  return {
    page,
    listening(url) {
      listenUrl = url;
    },
    passStarted(input) {
      guard("commit status", () => statuses?.passStarted(input.revision));
      guard("status page", () => page.changed());
    },
    passFinished(result, durationMs) {
      guard("status page", () => history.add(result, durationMs));
      guard("status page", () => page.changed());
      guard("notifications", () => notifier?.observePass(result));
      guard("commit status", () => statuses?.passFinished(result));
    },
    async close() {
      page.close();
      await Promise.all([notifier?.close(), statuses?.close()]);
    },
  };
}
