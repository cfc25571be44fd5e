/**
 * What the daemon knows about itself, as `/status` and `/readyz` read it. The
 * loop writes pass results here; readers get a redacted snapshot. A pass that
 * never reached Dokploy (invalid manifests, unreadable source, Dokploy down)
 * does not replace the resources: the daemon keeps serving the last good
 * state, with the failure in `conditions` and `diagnostics`.
 */
import type { Diagnostic } from "../model/manifest.ts";
import type { Redactor } from "../util/redact.ts";
import { computeConditions, passMessage, type Condition } from "./conditions.ts";
import type { PassReason, PassResult, ResourceStatus } from "./types.ts";

/** The source as `/status` shows it: never with credentials. */
export interface SourceInfo {
  url: string;
  branch?: string;
  path?: string;
}

/** `/status` JSON (a contract with users: add fields, never rename). */
export interface DaemonStatus {
  instance: string;
  source: SourceInfo;
  mode: "apply" | "detect";
  suspended: boolean;
  revision: { applied: string | null; attempted: string | null };
  lastPass: {
    reconcileId: string;
    revision: string | null;
    startedAt: string;
    finishedAt: string;
    outcome: "succeeded" | "failed";
    reason: PassReason;
    message: string;
    apiCalls: number;
  } | null;
  conditions: Condition[];
  diagnostics: Diagnostic[];
  summary: { synced: number; outOfSync: number; missing: number; conflict: number; error: number };
  /** Shared between answers and frozen: read-only. */
  resources: readonly ResourceStatus[];
}

/** Reasons of passes that stop before the live state was read: they keep the previous resources. */
const KEEPS_PREVIOUS_RESOURCES: ReadonlySet<PassReason> = new Set<PassReason>([
  "ValidationFailed",
  "SourceFailed",
  "SecretResolutionFailed",
  "DokployUnavailable",
  "Unauthorized",
]);

/** True when a pass's resources replace the ones shown (it got as far as reading live state). */
export function replacesResources(result: PassResult): boolean {
  return !KEEPS_PREVIOUS_RESOURCES.has(result.reason);
}

/** Reasons that say Dokploy could not be used; other reasons after observing say it could. */
const DOKPLOY_UNREACHABLE: ReadonlySet<PassReason> = new Set<PassReason>(["DokployUnavailable", "Unauthorized"]);
/** Reasons of passes that stop before talking to Dokploy: they say nothing about it. */
const NO_DOKPLOY_CONTACT: ReadonlySet<PassReason> = new Set<PassReason>(["ValidationFailed", "SourceFailed", "SecretResolutionFailed"]);

export interface StatusStoreOptions {
  instance: string;
  source: SourceInfo;
  mode: "apply" | "detect";
  suspended: boolean;
  redactor: Redactor;
  now?: () => Date;
}

/** Counts resources by sync status. */
export function summarize(resources: readonly ResourceStatus[]): DaemonStatus["summary"] {
  const summary = { synced: 0, outOfSync: 0, missing: 0, conflict: 0, error: 0 };
  for (const r of resources) {
    if (r.sync === "Synced") summary.synced++;
    else if (r.sync === "OutOfSync") summary.outOfSync++;
    else if (r.sync === "Missing") summary.missing++;
    else if (r.sync === "Conflict") summary.conflict++;
    else summary.error++;
  }
  return summary;
}

/** The single writer of daemon status; every read is a redacted copy. */
export class StatusStore {
  readonly #options: StatusStoreOptions;
  readonly #now: () => Date;
  #source: SourceInfo;
  #suspended: boolean;
  #last: PassResult | undefined;
  /** The resources of the last pass that planned, redacted and frozen. */
  #resources: readonly ResourceStatus[] = [];
  /** `#resources` as `/status` prints them, made on first request after each pass. */
  #resourcesJson: string | undefined;
  #applied: string | null = null;
  #running = false;
  #retryScheduled = false;
  /** What the last pass that talked to Dokploy found: usable, down, or the key rejected. */
  #dokploy: "unknown" | "usable" | "unavailable" | "rejected" = "unknown";
  /** A pass has read Dokploy's live state with the key accepted, at least once. */
  #dokployEverUsable = false;
  #conditions: Condition[];

  constructor(options: StatusStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#source = { ...options.source };
    this.#suspended = options.suspended;
    this.#conditions = this.#compute();
  }

  #compute(): Condition[] {
    return computeConditions(this.#conditions ?? [], {
      last: this.#last,
      running: this.#running,
      retryScheduled: this.#retryScheduled,
      now: this.#now().toISOString(),
    });
  }

  /** Updates the source description (the default branch is known only after the first fetch). */
  setSource(source: SourceInfo): void {
    this.#source = { ...source };
  }

  setSuspended(suspended: boolean): void {
    this.#suspended = suspended;
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  /** A pass has started. */
  passStarted(): void {
    this.#running = true;
    this.#conditions = this.#compute();
  }

  /** The loop looked, found a revision that already failed validation, and ran nothing. */
  passSkipped(): void {
    this.#running = false;
    this.#conditions = this.#compute();
  }

  /** A pass has finished; `retryScheduled` when the loop will back off and retry. */
  passFinished(result: PassResult, retryScheduled: boolean): void {
    this.#running = false;
    this.#retryScheduled = retryScheduled;
    // Only what conditions and `/status` read: the plan and the apply outcomes of a
    // 1,000-application pass are megabytes that would otherwise live until the next pass.
    const { plan: _plan, apply: _apply, resources: _resources, ...rest } = result;
    this.#last = { ...rest, resources: [] };
    // Redacted and frozen once per pass, not per request: `/status` is polled (dashboards, CI
    // waiting for a revision), and copying thousands of resources per call costs the daemon
    // CPU it needs for its passes.
    if (replacesResources(result)) {
      this.#resources = deepFreeze(this.#options.redactor.redactValue(structuredClone(result.resources)));
      this.#resourcesJson = undefined;
    }
    if (result.outcome === "succeeded") this.#applied = result.revision ?? this.#applied;
    if (result.reason === "Unauthorized") this.#dokploy = "rejected";
    else if (DOKPLOY_UNREACHABLE.has(result.reason)) this.#dokploy = "unavailable";
    else if (!NO_DOKPLOY_CONTACT.has(result.reason)) this.#dokploy = "usable";
    if (this.#dokploy === "usable") this.#dokployEverUsable = true;
    this.#conditions = this.#compute();
  }

  /**
   * The last finished pass (unredacted: for the loop and metrics, never for
   * output), without its plan, apply outcomes and resources: the store keeps
   * only what conditions and `/status` need between passes.
   */
  get lastResult(): PassResult | undefined {
    return this.#last;
  }

  /**
   * `/readyz`. Ready means the daemon can do its job: a pass has read
   * Dokploy's live state with the key accepted at least once, and the last
   * pass that talked to Dokploy was not refused (a rejected key, or a key
   * whose rate limit is used up: Dokploy answers both with 401, and only a
   * person can fix either). Not ready before that, with the reason: started
   * with `--suspend` (no pass yet), the first pass still running, or every
   * pass so far stopped before Dokploy (invalid manifests, unreadable
   * source) or failed to reach it. Once ready, Dokploy being down for a
   * while keeps the daemon ready (the pass is retried with backoff, and a
   * Service should keep routing webhooks to it); the message says so.
   */
  readiness(): { ready: boolean; message: string } {
    const last = this.#last;
    const redact = (text: string): string => this.#options.redactor.redact(text);
    if (!last) {
      if (this.#suspended) return { ready: false, message: "suspended before the first reconciliation: POST /resume to start" };
      return { ready: false, message: "the first reconciliation has not finished yet" };
    }
    if (this.#dokploy === "rejected") {
      return { ready: false, message: redact(`Dokploy refuses the API key (a wrong key, or its rate limit is used up): ${passMessage(last)}`) };
    }
    if (!this.#dokployEverUsable) {
      return { ready: false, message: redact(`no reconciliation has reached Dokploy yet; last pass: ${last.reason}: ${passMessage(last)}`) };
    }
    if (this.#dokploy === "unavailable") {
      return { ready: true, message: redact(`Dokploy was unreachable on the last pass, retrying: ${passMessage(last)}`) };
    }
    return { ready: true, message: "ok" };
  }

  /** The `/status` document, redacted. Its `resources` are shared between calls and frozen: read-only. */
  snapshot(): DaemonStatus {
    const last = this.#last;
    const status: DaemonStatus = {
      instance: this.#options.instance,
      source: { ...this.#source },
      mode: this.#options.mode,
      suspended: this.#suspended,
      revision: { applied: this.#applied, attempted: last?.revision ?? null },
      lastPass: last
        ? {
            reconcileId: last.reconcileId,
            revision: last.revision ?? null,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt,
            outcome: last.outcome,
            reason: last.reason,
            message: passMessage(last),
            apiCalls: last.apiCalls,
          }
        : null,
      conditions: this.#conditions.map((c) => ({ ...c })),
      diagnostics: last?.diagnostics ?? [],
      summary: summarize(this.#resources),
      resources: [],
    };
    // Everything but the resources is small and copied per call; the resources are already redacted and frozen.
    const copy = this.#options.redactor.redactValue(structuredClone(status));
    copy.resources = this.#resources;
    return copy;
  }

  /**
   * `snapshot()` as `/status` serves it (JSON, two-space indent), with the
   * resources serialised once per pass instead of once per request.
   */
  snapshotJson(): string {
    const { resources, ...head } = this.snapshot();
    this.#resourcesJson ??= JSON.stringify(resources, null, 2).replace(/\n/g, "\n  ");
    // `resources` is the document's last member: splice its text in before the closing brace.
    return `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "resources": ${this.#resourcesJson}\n}`;
  }
}

/** Freezes a JSON-like value all the way down (shared read-only between `/status` answers). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
