/**
 * The deploy phase of an apply. A service's deploy is queued once its own
 * configuration step and every step under it (its domains, and later its
 * ports and mounts) have settled, whatever they did: a build that fails, or
 * takes ten minutes in Dokploy's one-at-a-time queue, never holds back
 * configuration, and the queue is fed as soon as each service is ready.
 * Following a deploy to its end is optional (`waitForDeploys`): the daemon
 * only queues, and reads the outcome on later passes.
 */
import { serviceModule } from "../kinds/registry.ts";
import { followDeploy, recordQueued } from "../kinds/service.ts";
import { resourceLabel } from "../model/resource.ts";
import type { PlanStep } from "../plan/types.ts";
import type { ApplyContext } from "./context.ts";
import type { DeployOutcome } from "./types.ts";

/** Queues the deploy of a configured service and, when asked, follows it. Holds a slot only while it makes calls. */
export async function runDeploy(ctx: ApplyContext, step: PlanStep): Promise<DeployOutcome> {
  const kind = serviceModule(step.kind);
  if (!kind) throw new Error(`${step.key}: internal error: ${step.kind} does not deploy`);
  if (kind.runDeploy) return kind.runDeploy(ctx, step);
  const id = ctx.idOf(step.key);
  const calls = kind.deployCalls(ctx.api, id);
  const deps = ctx.deps;
  // A new service has no deployments: nothing to tell the new one apart from.
  const known = new Set(step.action === "create" ? [] : (await calls.deployments()).map((d) => d.deploymentId));
  // Taken before the call: Dokploy may start the job (and write its deployment row) before answering.
  const queuedAt = new Date().toISOString();
  await calls.deploy(deps.deployTitle ?? "dokploy-gitops", ctx.plan.revision ? `revision ${ctx.plan.revision}` : "applied by dokploy-gitops");
  await recordQueued(ctx, step, queuedAt);
  if (deps.waitForDeploys === false) return { status: "queued" };
  return followDeploy(ctx, step, calls, known);
}

/** The error line of a deploy that did not end well, or undefined. */
export function deployError(step: PlanStep, d: DeployOutcome): string | undefined {
  if (d.status !== "error" && d.status !== "timeout") return undefined;
  return `${resourceLabel(step.identity)}: deploy ${d.deploymentId ?? ""} ${d.status === "timeout" ? "timed out" : "failed"}${d.message ? `: ${d.message}` : ""}`.replace(/ {2}/g, " ");
}
