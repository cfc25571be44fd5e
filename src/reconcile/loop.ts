/**
 * The daemon loop: level-triggered, one pass at a time. Triggers (timer, cron,
 * webhooks, `POST /reconcile`, file watch) only mark "look again"; whatever
 * arrives while a pass runs is coalesced into exactly one more pass, which
 * fetches the newest revision. The pass itself is injected, so the loop's
 * timing rules are testable without Dokploy.
 *
 * Failure rules:
 * - transient (Dokploy down, git unreachable): retry with exponential backoff
 *   (reset on success), regardless of the interval;
 * - terminal: wait for the next interval or trigger. Like Flux, the same
 *   revision is tried again on the interval (live state may have changed),
 *   EXCEPT a revision whose validation failed: validation depends only on the
 *   revision, so it is not re-run until the revision changes or a person asks
 *   (`POST /reconcile`, resume, restart).
 * - the loop never exits on a failed pass; only `stop()` ends it.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Redactor } from "../util/redact.ts";
import type { Snapshot, Source } from "../source/types.ts";
import { SourceError } from "../source/types.ts";
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.ts";
import type { PassReads } from "./plan-revision.ts";
import type { StatusStore } from "./status-store.ts";
import { FORCING_TRIGGERS, startCronTrigger, type TriggerReason } from "./triggers.ts";
import type { PassReason, PassResult } from "./types.ts";

/** What the loop hands to the injected pass. */
/** How soon a daemon looks again while a deploy it queued runs. */
export const DEFAULT_DEPLOY_FOLLOW_MS = 15_000;

export interface LoopPassInput {
  root: string;
  revision: string;
  reconcileId: string;
  /** Aborted on shutdown: the pass should stop between steps. */
  signal: AbortSignal;
  /** A child logger carrying `reconcileId`. */
  log: Logger;
  /** Why this pass runs (several when triggers coalesced). */
  triggers: TriggerReason[];
  /** What `beginPass` started for this pass. */
  reads?: PassReads;
  /** Service keys whose deploy was asked for (`POST /reconcile?redeploy=KEY`). */
  redeploy?: string[];
}

/** Receives every finished pass (metrics). */
export interface PassObserver {
  observePass(result: PassResult, durationMs: number): void;
}

export interface LoopOptions {
  /** Time between passes after a success or terminal failure; undefined with `schedule`. */
  intervalMs?: number;
  /** A cron expression instead of an interval. */
  schedule?: string;
  /** How soon to look again while a deploy this daemon queued is still running (default 15 s). */
  deployFollowMs?: number;
  backoff?: BackoffOptions;
}

export interface LoopDeps {
  source: Source;
  runPass: (input: LoopPassInput) => Promise<PassResult>;
  /**
   * Called as a pass starts, before the source is fetched: begins the work
   * that does not need the revision (reading live state ahead), so that it
   * overlaps the fetch. Stopped when the pass ends without planning.
   */
  beginPass?: (signal: AbortSignal) => PassReads;
  status: StatusStore;
  log: Logger;
  redactor: Redactor;
  observer?: PassObserver;
  newReconcileId?: () => string;
  now?: () => Date;
}

/** How `trigger` answered: run soon, or refused because of suspension or shutdown. */
export type TriggerAnswer = "accepted" | "suspended" | "stopping";

/** A failed pass built by the loop itself (source failure, unexpected exception). */
export function failedResult(init: {
  reconcileId: string;
  revision?: string;
  startedAt: Date;
  finishedAt: Date;
  reason: PassReason;
  message: string;
  transient: boolean;
}): PassResult {
  return {
    reconcileId: init.reconcileId,
    ...(init.revision !== undefined ? { revision: init.revision } : {}),
    startedAt: init.startedAt.toISOString(),
    finishedAt: init.finishedAt.toISOString(),
    outcome: "failed",
    reason: init.reason,
    message: init.message,
    transient: init.transient,
    diagnostics: [],
    resources: [],
    apiCalls: 0,
    apiCallsByEndpoint: {},
  };
}

/** The reconcile loop. `start()` once, `stop()` once. */
export class ReconcileLoop {
  readonly #options: LoopOptions;
  readonly #deps: LoopDeps;
  readonly #backoff: Backoff;
  readonly #now: () => Date;
  readonly #pending = new Set<TriggerReason>();
  #deployInFlight = false;
  #follows = 0;
  /** Redeploys asked for since the last pass started (they ride on the next pass). */
  readonly #redeploy = new Set<string>();
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopCron: (() => Promise<void>) | undefined;
  #stopWatch: (() => Promise<void>) | undefined;
  #controller: AbortController | undefined;
  #main: Promise<void> | undefined;
  #stopping = false;
  #passes = 0;
  #skipped = 0;
  #failedValidationRevision: string | undefined;

  constructor(options: LoopOptions, deps: LoopDeps) {
    if (options.intervalMs !== undefined && !(options.intervalMs > 0)) {
      throw new RangeError(`loop: interval must be positive, got ${options.intervalMs}`);
    }
    this.#options = options;
    this.#deps = deps;
    this.#backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.#now = deps.now ?? (() => new Date());
  }

  /** Passes run so far (skipped revisions excluded). */
  get passes(): number {
    return this.#passes;
  }

  /** Passes skipped because their revision already failed validation. */
  get skipped(): number {
    return this.#skipped;
  }

  /** True when no pass runs and none is pending (tests wait for this). */
  get idle(): boolean {
    return this.#controller === undefined && this.#pending.size === 0;
  }

  /** True while a pass runs. */
  get busy(): boolean {
    return this.#controller !== undefined;
  }

  /** Starts the watchers and the schedule, and runs the first pass. */
  async start(): Promise<void> {
    if (this.#main) throw new Error("loop: already started");
    if (this.#options.schedule) {
      this.#stopCron = startCronTrigger(this.#options.schedule, () => this.trigger("schedule"));
    }
    if (this.#deps.source.watch) {
      this.#stopWatch = await this.#deps.source.watch(() => this.trigger("watch"));
    }
    this.#pending.add("startup");
    this.#main = this.#run();
  }

  /** Asks for a pass. Coalesces with any pending request; refused while suspended or stopping. */
  trigger(reason: TriggerReason, options: { redeploy?: readonly string[] } = {}): TriggerAnswer {
    if (this.#stopping) return "stopping";
    if (this.#deps.status.suspended) {
      this.#deps.log.debug({ trigger: reason }, "trigger ignored: reconciliation is suspended");
      return "suspended";
    }
    for (const key of options.redeploy ?? []) this.#redeploy.add(key);
    this.#pending.add(reason);
    this.#wake?.();
    return "accepted";
  }

  /** Stops starting passes (a running pass finishes). */
  suspend(): void {
    if (this.#deps.status.suspended) return;
    this.#deps.status.setSuspended(true);
    this.#pending.clear();
    this.#deps.log.info("reconciliation suspended");
  }

  /** Starts passes again, with one pass right away. */
  resume(): void {
    if (!this.#deps.status.suspended) return;
    this.#deps.status.setSuspended(false);
    this.#deps.log.info("reconciliation resumed");
    this.trigger("resume");
  }

  /**
   * Stops the loop: no new pass starts, the running pass is aborted between
   * steps, and the promise resolves when it has returned. The caller bounds
   * the wait (the process exits anyway after its shutdown deadline).
   */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#main;
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#controller?.abort(new Error("shutting down"));
    this.#wake?.();
    await Promise.allSettled([this.#stopCron?.(), this.#stopWatch?.()]);
    await this.#main;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      if (this.#pending.size === 0 || this.#deps.status.suspended) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        this.#wake = undefined;
        continue;
      }
      const triggers = [...this.#pending];
      this.#pending.clear();
      await this.#once(triggers);
    }
  }

  async #once(triggers: TriggerReason[]): Promise<void> {
    clearTimeout(this.#timer);
    const { source, status, redactor } = this.#deps;
    const reconcileId = (this.#deps.newReconcileId ?? randomUUID)();
    const log = this.#deps.log.child({ reconcileId });
    const controller = new AbortController();
    this.#controller = controller;
    const startedAt = this.#now();
    status.passStarted();
    log.info({ triggers, phase: "source" }, "reconciliation started");
    const reads = this.#deps.beginPass?.(controller.signal);

    let result: PassResult | undefined;
    let snapshot: Snapshot | undefined;
    try {
      const preparing = Date.now();
      snapshot = await source.prepare(controller.signal);
      status.setSource(source.describe());
      log.info({ phase: "source", revision: snapshot.revision, durationMs: Date.now() - preparing }, "revision checked out");
    } catch (err) {
      const transient = err instanceof SourceError ? err.transient : true;
      result = failedResult({
        reconcileId, startedAt, finishedAt: this.#now(), reason: "SourceFailed", transient,
        message: redactor.redact(`source: ${(err as Error).message ?? String(err)}`),
      });
      // Reads made ahead of the failed fetch still count as this pass's calls.
      if (reads) Object.assign(result, { apiCalls: reads.counted.total(), apiCallsByEndpoint: reads.counted.counts() });
    }

    if (snapshot && !result) {
      const forced = triggers.some((t) => FORCING_TRIGGERS.has(t));
      if (!forced && snapshot.revision === this.#failedValidationRevision) {
        this.#skipped++;
        reads?.live.stopReadingAhead();
        log.info({ revision: snapshot.revision, triggers }, "revision already failed validation; waiting for a new revision");
        this.#controller = undefined;
        status.passSkipped();
        this.#schedule(false);
        return;
      }
      try {
        const redeploy = [...this.#redeploy];
        this.#redeploy.clear();
        result = await this.#deps.runPass({
          root: snapshot.root, revision: snapshot.revision, reconcileId, signal: controller.signal, log, triggers,
          ...(reads ? { reads } : {}), ...(redeploy.length > 0 ? { redeploy } : {}),
        });
      } catch (err) {
        // A pass must not throw; if it does anyway, treat it as transient so the daemon retries instead of dying.
        log.error({ err }, "reconciliation pass threw unexpectedly");
        result = failedResult({
          reconcileId, revision: snapshot.revision, startedAt, finishedAt: this.#now(), reason: "ApplyFailed", transient: true,
          message: redactor.redact(`internal error: ${(err as Error).message ?? String(err)}`),
        });
      }
    }
    reads?.live.stopReadingAhead();
    this.#finish(result!, startedAt, log);
  }

  #finish(result: PassResult, startedAt: Date, log: Logger): void {
    this.#controller = undefined;
    this.#deployInFlight = result.resources.some((r) => r.health === "Progressing") ||
      (result.apply?.outcomes.some((o) => o.deploy?.status === "queued") ?? false);
    this.#passes++;
    this.#failedValidationRevision = result.reason === "ValidationFailed" ? result.revision : undefined;
    const retry = result.outcome === "failed" && result.transient && !this.#stopping;
    this.#deps.status.passFinished(result, retry);
    const durationMs = this.#now().getTime() - startedAt.getTime();
    this.#deps.observer?.observePass(result, durationMs);
    const fields = {
      phase: "done", outcome: result.outcome, reason: result.reason, revision: result.revision,
      transient: result.transient, apiCalls: result.apiCalls, durationMs,
    };
    if (result.outcome === "succeeded") log.info(fields, `reconciliation finished: ${result.message}`);
    else log.warn(fields, `reconciliation failed: ${result.message}`);
    this.#schedule(retry);
  }

  /** Arms the next automatic pass: a backoff retry after a transient failure, else the interval. */
  #schedule(retry: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopping) return;
    let delay: number | undefined;
    let reason: TriggerReason = "interval";
    if (retry) {
      delay = this.#backoff.fail();
      reason = "retry";
      this.#deps.log.info({ retryInMs: delay, failures: this.#backoff.failures }, "transient failure: retrying with backoff");
    } else {
      this.#backoff.reset();
      delay = this.#options.intervalMs;
      // Builds this daemon queued are followed by later passes (a pass never waits for one):
      // look again soon while any is in flight, so /status and notifications learn how it ended.
      if (this.#deployInFlight) {
        // 1 s, 2 s, 4 s ... up to the cap: a quick build is seen at once, a long one costs few reads.
        const follow = Math.min(this.#options.deployFollowMs ?? DEFAULT_DEPLOY_FOLLOW_MS, 1_000 * 2 ** this.#follows++);
        if (delay === undefined || follow < delay) {
          delay = follow;
          reason = "deploy-follow";
        }
      } else this.#follows = 0;
    }
    if (delay === undefined) return;
    this.#timer = setTimeout(() => this.trigger(reason), delay);
    this.#timer.unref();
  }
}
