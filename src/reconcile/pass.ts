/**
 * One reconcile pass: plan the revision, apply it (unless in detect mode),
 * and report. A pass never throws for an expected failure: it returns an
 * outcome with a fixed reason and whether retrying can help, and the
 * per-resource status the daemon serves. Every message leaving it is
 * redacted.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { applyPlan } from "../apply/applier.ts";
import type { ApplyResult } from "../apply/types.ts";
import type { DokployApi } from "../dokploy/port.ts";
import type { ManifestCache } from "../manifest/index.ts";
import type { Redactor } from "../util/redact.ts";
import { planRevisionDetailed, type PassReads } from "./plan-revision.ts";
import { resourceStatuses } from "./resources.ts";
import type { PassReason, PassResult, PassSettings } from "./types.ts";

export interface PassInput {
  /** Directory holding the manifests (already checked out). */
  root: string;
  revision?: string;
  reconcileId?: string;
  settings: PassSettings;
}

export interface PassDeps {
  api: DokployApi;
  log: Pick<Logger, "info" | "warn" | "debug" | "error">;
  redactor: Redactor;
  /** Where `fromEnv` secrets are read. */
  secretEnv: NodeJS.ProcessEnv;
  /** Cancels between steps (shutdown). */
  signal?: AbortSignal;
  /** Embedded simulator only: placeholder values for unresolved secrets (see PlanRevisionDeps). */
  placeholderSecrets?: boolean;
  /** Kept across the daemon's passes (see `ManifestCache`). */
  manifestCache?: ManifestCache;
  /** The pass's API use when it began before planning (the daemon's read-ahead). */
  passReads?: PassReads;
}

function summarize(apply: ApplyResult): string {
  const by = (action: string): number => apply.outcomes.filter((o) => o.action === action && o.status === "succeeded").length;
  const parts = [["created", by("create")], ["updated", by("update")], ["adopted", by("adopt")], ["deleted", by("delete")], ["released", by("orphan")]]
    .filter(([, n]) => (n as number) > 0)
    .map(([w, n]) => `${n} ${w}`);
  return parts.length > 0 ? parts.join(", ") : "nothing to change";
}

/** Runs one pass over `input.root` against Dokploy. */
export async function reconcilePass(input: PassInput, deps: PassDeps): Promise<PassResult> {
  const reconcileId = input.reconcileId ?? randomUUID();
  const startedAt = new Date().toISOString();
  const log = deps.log;
  const { settings } = input;
  const planned = await planRevisionDetailed({ root: input.root, ...(input.revision ? { revision: input.revision } : {}), settings }, deps);
  const base = {
    reconcileId,
    ...(input.revision ? { revision: input.revision } : {}),
    startedAt,
    diagnostics: planned.diagnostics,
  };
  const finish = (fields: Omit<PassResult, keyof typeof base | "finishedAt" | "apiCalls" | "apiCallsByEndpoint">): PassResult => ({
    ...base,
    ...fields,
    message: deps.redactor.redact(fields.message),
    finishedAt: new Date().toISOString(),
    apiCalls: planned.countedApi.total(),
    apiCallsByEndpoint: planned.countedApi.counts(),
  });

  if (planned.failure || !planned.plan) {
    const f = planned.failure ?? { reason: "ApplyFailed" as const, message: "no plan", transient: false };
    log.warn({ phase: "plan", reason: f.reason }, f.message);
    return finish({ outcome: "failed", reason: f.reason, message: f.message, transient: f.transient, resources: [] });
  }
  const plan = planned.plan;
  log.info({ phase: "plan", changes: plan.summary.changes, apiCalls: planned.countedApi.total() }, "plan computed");

  const conflicts = plan.summary.counts.conflict;
  if (settings.mode === "detect") {
    const resources = resourceStatuses(plan, planned.observed);
    const reason: PassReason = conflicts > 0 ? "ConflictsFound" : plan.summary.changes > 0 ? "DriftDetected" : "ReconciliationSucceeded";
    const message = conflicts > 0 ? `${conflicts} conflict(s): ${plan.warnings[0] ?? ""}` : plan.summary.changes > 0 ? `${plan.summary.changes} resource(s) out of sync (detect mode: nothing applied)` : "in sync";
    return finish({ outcome: conflicts > 0 ? "failed" : "succeeded", reason, message, transient: false, plan, resources });
  }

  if (planned.secretProblems.length > 0) {
    const message = `${planned.secretProblems.length} secret(s) could not be resolved; nothing applied; first: ${planned.secretProblems[0]!.message}`;
    log.warn({ phase: "secrets" }, message);
    return finish({ outcome: "failed", reason: "SecretResolutionFailed", message, transient: false, plan, resources: resourceStatuses(plan, planned.observed) });
  }

  const apply = await applyPlan(plan, {
    api: planned.countedApi.api,
    secrets: planned.secrets!,
    instance: settings.instance,
    concurrency: settings.concurrency,
    deployTimeoutMs: settings.deployTimeoutMs,
    waitForDeploys: settings.waitForDeploys,
    ...(settings.deployPollIntervalMs !== undefined ? { pollIntervalMs: settings.deployPollIntervalMs } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    log,
    redactor: deps.redactor,
  });
  for (const o of apply.outcomes) if (o.error) o.error = deps.redactor.redact(o.error);
  const resources = resourceStatuses(plan, planned.observed, apply);
  const failures = apply.outcomes.filter((o) => o.status === "failed");
  if (failures.some((o) => o.unauthorized)) {
    // A 401 mid-apply (the key expired or its rate limit ran out after the reads):
    // say so, and let the daemon retry with backoff, as when it happens while observing.
    const first = failures.find((o) => o.unauthorized)!;
    return finish({
      outcome: "failed", reason: "Unauthorized", transient: true, plan, apply, resources,
      message: `${failures.length} step(s) failed; first: ${first.error ?? first.key}`,
    });
  }
  if (failures.length > 0) {
    const pruneFailed = failures.some((o) => o.action === "delete" || o.action === "orphan");
    const reason: PassReason = failures.every((o) => o.action === "delete" || o.action === "orphan") && pruneFailed ? "PruneFailed" : "ApplyFailed";
    return finish({
      outcome: "failed", reason, transient: apply.transient, plan, apply, resources,
      message: `${failures.length} step(s) failed; first: ${failures[0]!.error ?? failures[0]!.key}`,
    });
  }
  if (conflicts > 0) {
    return finish({ outcome: "failed", reason: "ConflictsFound", transient: false, plan, apply, resources, message: `${summarize(apply)}; ${conflicts} conflict(s) left untouched: ${plan.warnings[0] ?? ""}` });
  }
  if (plan.refusals.length > 0) {
    return finish({ outcome: "failed", reason: "PruneRefused", transient: false, plan, apply, resources, message: `${summarize(apply)}; ${plan.refusals[0]!.message}` });
  }
  return finish({ outcome: "succeeded", reason: "ReconciliationSucceeded", transient: false, plan, apply, resources, message: summarize(apply) });
}
