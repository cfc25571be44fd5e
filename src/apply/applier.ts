/**
 * Executes a plan: independent steps concurrently (up to `concurrency`),
 * every step after the steps it depends on (parents before children for
 * creates, children before parents for removals). A failed step skips its
 * dependents; everything else goes on. Steps that write nothing (no-op,
 * conflict, would-prune) are reported without a call.
 */
import { DokployError } from "../dokploy/errors.ts";
import { resourceLabel } from "../model/resource.ts";
import type { Plan, PlanStep } from "../plan/types.ts";
import { applyApplication } from "./applications.ts";
import { applyEnvironment, applyProject } from "./containers.ts";
import { ApplyContext, SafetyRefusal, type ApplyDeps } from "./context.ts";
import { applyDomain } from "./domains.ts";
import { UnresolvedSecretError } from "./payloads.ts";
import type { ApplyResult, StepOutcome } from "./types.ts";

export type { ApplyDeps } from "./context.ts";

const EXECUTABLE = new Set(["create", "update", "adopt", "delete", "orphan"]);

function executorFor(step: PlanStep): (ctx: ApplyContext, step: PlanStep) => Promise<Partial<StepOutcome>> {
  switch (step.kind) {
    case "Project":
      return applyProject;
    case "Environment":
      return applyEnvironment;
    case "Application":
      return applyApplication;
    case "Domain":
      return applyDomain;
  }
}

function describeError(step: PlanStep, err: unknown): { error: string; transient: boolean } {
  const label = resourceLabel(step.identity);
  if (err instanceof SafetyRefusal || err instanceof UnresolvedSecretError) return { error: err.message.startsWith(label) ? err.message : `${label}: ${err.message}`, transient: false };
  if (err instanceof DokployError) return { error: `${label}: ${step.action} failed: ${err.message}`, transient: err.retriable };
  return { error: `${label}: ${step.action} failed: ${err instanceof Error ? err.message : String(err)}`, transient: false };
}

/** Applies `plan`; never throws for a step failure (each is reported in its outcome). */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const ctx = new ApplyContext(plan, deps);
  const limit = Math.max(1, deps.concurrency ?? 4);
  const outcomes = new Map<string, StepOutcome>();
  const executable = plan.steps.filter((s) => EXECUTABLE.has(s.action));
  const executableKeys = new Set(executable.map((s) => s.key));

  for (const s of plan.steps) {
    if (!executableKeys.has(s.key)) {
      outcomes.set(s.key, { key: s.key, action: s.action, status: s.action === "noop" ? "succeeded" : "skipped", ...(s.dokployId ? { dokployId: s.dokployId } : {}), durationMs: 0 });
    }
  }

  const waiting = new Set(executable);
  let running = 0;
  await new Promise<void>((resolveAll) => {
    const pump = (): void => {
      for (const step of [...waiting]) {
        if (running >= limit) break;
        const deps2 = step.dependsOn.filter((k) => executableKeys.has(k));
        const failedDep = deps2.find((k) => outcomes.has(k) && outcomes.get(k)!.status !== "succeeded");
        if (failedDep || deps.signal?.aborted) {
          waiting.delete(step);
          const label = resourceLabel(step.identity);
          const outcome: StepOutcome = {
            key: step.key, action: step.action, status: "skipped", durationMs: 0,
            error: deps.signal?.aborted ? `${label}: not applied: the apply was cancelled` : `${label}: not applied: ${failedDep} did not succeed`,
          };
          outcomes.set(step.key, outcome);
          continue;
        }
        if (!deps2.every((k) => outcomes.has(k))) continue;
        waiting.delete(step);
        running++;
        const started = Date.now();
        deps.log?.debug({ resource: step.key, action: step.action }, "step started");
        void executorFor(step)(ctx, step)
          .then((r): StepOutcome => {
            const failedDeploy = r.deploy && (r.deploy.status === "error" || r.deploy.status === "timeout");
            const outcome: StepOutcome = { key: step.key, action: step.action, status: failedDeploy ? "failed" : "succeeded", durationMs: Date.now() - started, ...r };
            if (failedDeploy) {
              outcome.error = `${resourceLabel(step.identity)}: deploy ${r.deploy!.deploymentId ?? ""} ${r.deploy!.status === "timeout" ? "timed out" : "failed"}${r.deploy!.message ? `: ${r.deploy!.message}` : ""}`.replace(/ {2}/g, " ");
              outcome.transient = r.deploy!.status === "timeout";
            }
            return outcome;
          }, (err: unknown): StepOutcome => ({ key: step.key, action: step.action, status: "failed", durationMs: Date.now() - started, ...describeError(step, err) }))
          .then((outcome) => {
            outcomes.set(step.key, outcome);
            if (outcome.status === "failed") deps.log?.warn({ resource: step.key, action: step.action, durationMs: outcome.durationMs, err: outcome.error }, "step failed");
            else deps.log?.info({ resource: step.key, action: step.action, durationMs: outcome.durationMs, ...(outcome.deploy ? { deploy: outcome.deploy.status } : {}) }, "step applied");
            running--;
            pump();
          });
      }
      if (running === 0 && waiting.size === 0) resolveAll();
      else if (running === 0 && waiting.size > 0) {
        // Dependencies that can never be met (a cycle would be a planner bug): fail them loudly.
        for (const step of waiting) {
          outcomes.set(step.key, { key: step.key, action: step.action, status: "failed", durationMs: 0, error: `${resourceLabel(step.identity)}: internal error: unmet dependencies ${step.dependsOn.join(", ")}` });
        }
        waiting.clear();
        resolveAll();
      }
    };
    pump();
  });

  const ordered = plan.steps.map((s) => outcomes.get(s.key)!).filter(Boolean);
  const failed = ordered.filter((o) => o.status === "failed" || (o.status === "skipped" && o.error));
  return {
    outcomes: ordered,
    converged: failed.length === 0 && !plan.steps.some((s) => s.action === "conflict"),
    transient: ordered.some((o) => o.transient === true),
  };
}
