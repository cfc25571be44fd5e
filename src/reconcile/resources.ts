/**
 * Per-resource status for `/status`: one entry per managed or conflicting
 * object, built from the plan (what differs) and the apply outcomes (what
 * happened), with application health from Dokploy's own status and the last
 * deployment. Secrets are already masked in the plan's changes.
 */
import type { ApplyResult, StepOutcome } from "../apply/types.ts";
import type { ObservedApplication, ObservedState } from "../model/observed.ts";
import type { Plan, PlanStep } from "../plan/types.ts";
import type { DriftField, HealthStatus, ResourceStatus, SyncStatus } from "./types.ts";

function syncOf(step: PlanStep): SyncStatus {
  switch (step.action) {
    case "noop":
      return "Synced";
    case "create":
      return "Missing";
    case "conflict":
      return "Conflict";
    default:
      return "OutOfSync";
  }
}

function drift(step: PlanStep): DriftField[] {
  return step.changes.map((c) => ({
    path: c.path,
    ...(c.after !== undefined ? { desired: c.after } : {}),
    ...(c.before !== undefined ? { live: c.before } : {}),
    ...(c.secret ? { secret: c.secret } : {}),
  }));
}

/** Observed applications by id, built once per status computation. */
function applicationsById(observed: ObservedState | undefined): Map<string, ObservedApplication> {
  const byId = new Map<string, ObservedApplication>();
  for (const p of observed?.projects ?? []) for (const e of p.environments) for (const a of e.applications) byId.set(a.applicationId, a);
  return byId;
}

function liveHealth(a: ObservedApplication | undefined, wantStopped: boolean): HealthStatus | undefined {
  if (!a) return undefined;
  const status = a.detail?.applicationStatus ?? a.applicationStatus;
  const last = [...(a.detail?.deployments ?? [])].sort((x, y) => (x.createdAt < y.createdAt ? 1 : -1))[0];
  if (status === "running" || last?.status === "running") return "Progressing";
  if (status === "error" || last?.status === "error") return "Degraded";
  if (status === "idle") return wantStopped ? "Suspended" : last ? "Degraded" : "Unknown";
  return "Healthy";
}

function healthAfter(outcome: StepOutcome | undefined): HealthStatus | undefined {
  const d = outcome?.deploy;
  if (!d) return outcome?.lifecycle === "stopped" ? "Suspended" : undefined;
  if (d.status === "done") return "Healthy";
  if (d.status === "error") return "Degraded";
  return "Progressing";
}

/**
 * Builds the resource list. With `apply`, successful writes are Synced and
 * failed ones Error; removed objects disappear; without it (detect mode or
 * plan only) the plan's view stands.
 */
export function resourceStatuses(plan: Plan, observed: ObservedState | undefined, apply?: ApplyResult): ResourceStatus[] {
  const outcomes = new Map(apply?.outcomes.map((o) => [o.key, o]) ?? []);
  const live = applicationsById(observed);
  const out: ResourceStatus[] = [];
  for (const step of plan.steps) {
    const outcome = outcomes.get(step.key);
    if (apply && (step.action === "delete" || step.action === "orphan") && outcome?.status === "succeeded") continue;
    const id = step.identity;
    const entry: ResourceStatus = {
      kind: step.kind,
      key: step.key,
      project: id.project,
      ...(id.environment ? { environment: id.environment } : {}),
      ...(id.application ? { application: id.application } : {}),
      name: id.name,
      ...(outcome?.dokployId ?? step.dokployId ? { dokployId: outcome?.dokployId ?? step.dokployId } : {}),
      sync: syncOf(step),
      action: step.action,
    };
    if (step.action === "conflict" || step.action === "would-prune") entry.message = step.reasons.join("; ");
    if (apply && outcome && step.action !== "noop" && step.action !== "conflict" && step.action !== "would-prune") {
      if (outcome.status === "succeeded") entry.sync = "Synced";
      else {
        entry.sync = "Error";
        if (outcome.error) entry.message = outcome.error;
      }
    }
    if (entry.sync === "OutOfSync" || entry.sync === "Missing" || (entry.sync === "Error" && step.changes.length > 0)) {
      entry.drift = drift(step);
    }
    if (step.kind === "Application" && step.action !== "conflict") {
      const wantStopped = step.manifest?.kind === "Application" && step.manifest.spec.state === "stopped";
      const health = healthAfter(outcome) ?? liveHealth(step.dokployId ? live.get(step.dokployId) : undefined, wantStopped) ?? (step.action === "create" ? (wantStopped ? "Suspended" : "Unknown") : undefined);
      if (health) entry.health = health;
    }
    out.push(entry);
  }
  return out;
}
