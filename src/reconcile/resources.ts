/**
 * Per-resource status for `/status`: one entry per managed or conflicting
 * object, built from the plan (what differs) and the apply outcomes (what
 * happened), with application health from Dokploy's own status and the last
 * deployment. Secrets are already masked in the plan's changes.
 */
import type { ApplyResult, StepOutcome } from "../apply/types.ts";
import type { ObservedService, ObservedState } from "../model/observed.ts";
import { SERVICE_KINDS, serviceModule } from "../kinds/registry.ts";
import { liveServicesOf } from "../plan/services.ts";
import { newestDeployment } from "../kinds/service.ts";
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

/** Observed services of every managed kind by kind and id, built once per status computation. */
function servicesById(observed: ObservedState | undefined): Map<string, ObservedService> {
  const byId = new Map<string, ObservedService>();
  for (const p of observed?.projects ?? []) {
    for (const e of p.environments) for (const kind of SERVICE_KINDS) for (const s of liveServicesOf(kind, e)) byId.set(`${kind.kind}/${s.id}`, s);
  }
  return byId;
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
  const live = servicesById(observed);
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
      ...(id.compose ? { compose: id.compose } : {}),
      ...(id.database ? { database: { ...id.database } } : {}),
      name: id.name,
      ...(outcome?.dokployId ?? step.dokployId ? { dokployId: outcome?.dokployId ?? step.dokployId } : {}),
      sync: syncOf(step),
      action: step.action,
    };
    if (step.action === "conflict" || step.action === "would-prune" || step.unmanaged) entry.message = step.reasons.join("; ");
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
    const service = serviceModule(step.kind);
    if (service && step.action !== "conflict") {
      const wantStopped = (step.manifest?.spec as { state?: string } | undefined)?.state === "stopped";
      const observedService = step.dokployId ? live.get(`${step.kind}/${step.dokployId}`) : undefined;
      const health = healthAfter(outcome) ?? (observedService ? service.health(observedService.detail, observedService, wantStopped) : undefined) ?? (step.action === "create" ? (wantStopped ? "Suspended" : "Unknown") : undefined);
      if (health) entry.health = health;
      const deployment = deploymentOf(outcome, observedService);
      if (deployment) entry.deployment = deployment;
    }
    out.push(entry);
  }
  return out;
}

/** The deployment to show for a service: what this apply queued or followed, else the newest live one. */
function deploymentOf(outcome: StepOutcome | undefined, live: ObservedService | undefined): ResourceStatus["deployment"] {
  const d = outcome?.deploy;
  if (d) return { ...(d.deploymentId ? { id: d.deploymentId } : {}), status: d.status, ...(d.message && d.status !== "queued" ? { error: d.message } : {}) };
  const newest = newestDeployment(live?.detail?.deployments ?? []);
  if (!newest) return undefined;
  return { id: newest.deploymentId, status: newest.status, ...(newest.errorMessage ? { error: newest.errorMessage } : {}) };
}
