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
import { SERVICE_CALLS, kindModule, serviceModule } from "../kinds/registry.ts";
import { ApplyContext, SafetyRefusal, type ApplyDeps } from "./context.ts";
import { UnresolvedSecretError } from "./payloads.ts";
import { UnresolvedReferenceError, withResolvedReferences } from "./references.ts";
import { deployError, runDeploy } from "./deploys.ts";
import type { ApplyResult, StepOutcome } from "./types.ts";

export type { ApplyDeps } from "./context.ts";

const EXECUTABLE = new Set(["create", "update", "adopt", "delete", "orphan"]);

/** The kind's executor (its calls); the protocols it must follow live in `src/kinds/protocol.ts`. */
function executorFor(step: PlanStep): (ctx: ApplyContext, step: PlanStep) => Promise<Partial<StepOutcome>> {
  return kindModule(step.kind).apply;
}

function describeError(step: PlanStep, err: unknown): { error: string; transient: boolean; unauthorized?: boolean } {
  const label = resourceLabel(step.identity);
  if (err instanceof SafetyRefusal || err instanceof UnresolvedSecretError || err instanceof UnresolvedReferenceError) return { error: err.message.startsWith(label) ? err.message : `${label}: ${err.message}`, transient: false };
  if (err instanceof DokployError) {
    return { error: `${label}: ${step.action} failed: ${err.message}`, transient: err.retriable, ...(err.kind === "unauthorized" ? { unauthorized: true } : {}) };
  }
  return { error: `${label}: ${step.action} failed: ${err instanceof Error ? err.message : String(err)}`, transient: false };
}

/**
 * Concurrency slots of one apply. A step holds a slot while it makes calls;
 * following a deploy gives the slot back between polls (`ApplyContext.withoutSlot`),
 * so a fleet of slow builds does not starve the steps that still have calls
 * to make (measured in bench/fleet-converge.ts: holding the slot while polling
 * made a 1,000-application converge ~10x its lower bound). Reacquiring
 * callers are served before new steps start.
 */
class Slots {
  readonly #limit: number;
  #used = 0;
  readonly #waiters: Array<() => void> = [];
  onFree: () => void = () => undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Takes a slot if one is free (new steps). */
  tryTake(): boolean {
    if (this.#used >= this.#limit || this.#waiters.length > 0) return false;
    this.#used++;
    return true;
  }

  /** Waits for a slot (a deploy follower resuming). */
  acquire(): Promise<void> {
    if (this.#used < this.#limit && this.#waiters.length === 0) {
      this.#used++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next(); // the slot passes straight to the waiter
    else {
      this.#used--;
      this.onFree();
    }
  }

}

/** Applies `plan`; never throws for a step failure (each is reported in its outcome). */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const ctx = new ApplyContext(plan, deps, SERVICE_CALLS);
  const slots = new Slots(Math.max(1, deps.concurrency ?? 4));
  ctx.slot = { release: () => slots.release(), acquire: () => slots.acquire() };
  const outcomes = new Map<string, StepOutcome>();
  const executable = plan.steps.filter((s) => EXECUTABLE.has(s.action));
  const executableKeys = new Set(executable.map((s) => s.key));

  for (const s of plan.steps) {
    if (!executableKeys.has(s.key)) {
      outcomes.set(s.key, { key: s.key, action: s.action, status: s.action === "noop" ? "succeeded" : "skipped", ...(s.dokployId ? { dokployId: s.dokployId } : {}), durationMs: 0 });
    }
  }

  // Ready queue by dependency counts: each completion touches only its own
  // dependents (re-scanning every waiting step per completion was quadratic
  // in the plan size: seconds of CPU for a 3,000-step plan).
  const remaining = new Map<PlanStep, number>();
  const dependents = new Map<string, PlanStep[]>();
  const ready: PlanStep[] = [];
  for (const step of executable) {
    const own = [...new Set(step.dependsOn.filter((k) => executableKeys.has(k)))];
    remaining.set(step, own.length);
    for (const k of own) (dependents.get(k) ?? dependents.set(k, []).get(k)!).push(step);
    if (own.length === 0) ready.push(step);
  }
  // Deploys wait for their service's configuration and for every step under it (its domains...).
  const deployWaits = new Map<string, { step: PlanStep; children: number; configured: boolean }>();
  for (const step of executable) if (step.deploy && serviceModule(step.kind)) deployWaits.set(step.key, { step, children: 0, configured: false });
  for (const step of executable) {
    const wait = step.parentKey ? deployWaits.get(step.parentKey) : undefined;
    if (wait) wait.children++;
  }
  let deploysRunning = 0;
  let settled = 0;
  let readyAt = 0;
  // Started and not settled; a step following a deploy holds no slot but is still in flight.
  let inFlight = 0;

  await new Promise<void>((resolveAll) => {
    const maybeDeploy = (key: string): void => {
      const wait = deployWaits.get(key);
      if (!wait || !wait.configured || wait.children > 0) return;
      deployWaits.delete(key);
      const step = wait.step;
      if (deps.signal?.aborted) {
        // The marker stays dirty: the next pass deploys.
        outcomes.get(step.key)!.deploy = { status: "cancelled", message: "not queued: the apply was cancelled" };
        return;
      }
      deploysRunning++;
      void slots.acquire()
        .then(() => runDeploy(ctx, step).finally(() => slots.release()))
        .then((deploy) => {
          const outcome = outcomes.get(step.key)!;
          outcome.deploy = deploy;
          const error = deployError(step, deploy);
          if (error) {
            outcome.status = "failed";
            outcome.error = error;
            outcome.transient = deploy.status === "timeout";
            deps.log?.warn({ resource: step.key, deploy: deploy.status, deploymentId: deploy.deploymentId, err: error }, "deploy failed");
          } else deps.log?.info({ resource: step.key, deploy: deploy.status, ...(deploy.deploymentId ? { deploymentId: deploy.deploymentId } : {}) }, deploy.status === "queued" ? "deploy queued" : "deploy finished");
        }, (err: unknown) => {
          const outcome = outcomes.get(step.key)!;
          Object.assign(outcome, { status: "failed" }, describeError({ ...step, action: "deploy" } as unknown as PlanStep, err));
          deps.log?.warn({ resource: step.key, err: outcome.error }, "deploy failed");
        })
        .finally(() => {
          deploysRunning--;
          pump();
        });
    };
    const settle = (step: PlanStep, outcome: StepOutcome): void => {
      outcomes.set(step.key, outcome);
      settled++;
      for (const d of dependents.get(step.key) ?? []) {
        const left = remaining.get(d)! - 1;
        remaining.set(d, left);
        if (left === 0) ready.push(d);
      }
      const own = deployWaits.get(step.key);
      if (own) {
        if (outcome.status === "succeeded") {
          own.configured = true;
          maybeDeploy(step.key);
        } else deployWaits.delete(step.key);
      }
      const parent = step.parentKey ? deployWaits.get(step.parentKey) : undefined;
      if (parent) {
        parent.children--;
        maybeDeploy(step.parentKey!);
      }
    };
    const start = (step: PlanStep): void => {
      inFlight++;
      const started = Date.now();
      deps.log?.debug({ resource: step.key, action: step.action }, "step started");
      // References resolve right before the payloads are built, from what earlier steps of this apply learnt.
      void withResolvedReferences(ctx, step).then((resolved) => executorFor(resolved)(ctx, resolved))
        .then((r): StepOutcome => ({ key: step.key, action: step.action, status: "succeeded", durationMs: Date.now() - started, ...r }), (err: unknown): StepOutcome => ({ key: step.key, action: step.action, status: "failed", durationMs: Date.now() - started, ...describeError(step, err) }))
        .then((outcome) => {
          if (outcome.status === "failed") deps.log?.warn({ resource: step.key, action: step.action, durationMs: outcome.durationMs, err: outcome.error }, "step failed");
          else deps.log?.info({ resource: step.key, action: step.action, durationMs: outcome.durationMs, ...(outcome.deploy ? { deploy: outcome.deploy.status } : {}) }, "step applied");
          inFlight--;
          settle(step, outcome);
          slots.release();
        });
    };
    const pump = (): void => {
      while (readyAt < ready.length) {
        const step = ready[readyAt]!;
        const failedDep = step.dependsOn.find((k) => executableKeys.has(k) && outcomes.get(k)!.status !== "succeeded");
        if (failedDep || deps.signal?.aborted) {
          readyAt++;
          const label = resourceLabel(step.identity);
          settle(step, {
            key: step.key, action: step.action, status: "skipped", durationMs: 0,
            error: deps.signal?.aborted ? `${label}: not applied: the apply was cancelled` : `${label}: not applied: ${failedDep} did not succeed`,
          });
          continue;
        }
        if (!slots.tryTake()) break;
        readyAt++;
        start(step);
      }
      if (settled === executable.length) {
        if (deploysRunning === 0) resolveAll();
      } else if (inFlight === 0 && deploysRunning === 0 && readyAt === ready.length) {
        // Dependencies that can never be met (a cycle would be a planner bug): fail them loudly.
        for (const step of executable) {
          if (outcomes.has(step.key)) continue;
          outcomes.set(step.key, { key: step.key, action: step.action, status: "failed", durationMs: 0, error: `${resourceLabel(step.identity)}: internal error: unmet dependencies ${step.dependsOn.join(", ")}` });
        }
        resolveAll();
      }
    };
    slots.onFree = pump;
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
