/**
 * What Dokploy's deployable services (Application, Compose) share: the deploy
 * decision, the dirty/queuedAt marker protocol around a deploy, following a
 * deploy to its end, and the domain intents written into the service's marker
 * before `domain.create`.
 *
 * The deploy protocol: before a deploy-relevant change (and before the first
 * deploy of a new service) the marker gets `dirty: true`; once the deploy is
 * queued, one write clears it and records `queuedAt`. A crash in between
 * leaves `dirty`, and the next plan deploys. Dokploy shows nothing of a
 * queued deploy until its job starts, so for a while after `queuedAt` the
 * planner does not treat "never deployed" or "idle" as a reason to deploy
 * again.
 */
import type { DeploymentRow } from "../dokploy/types.ts";
import { resourceLabel } from "../model/resource.ts";
import type { PlanStep } from "../plan/types.ts";
import type { DeployOutcome, StepOutcome } from "../apply/types.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { HealthStatus } from "../reconcile/types.ts";
import type { DeployContext, DeployDecision, ReferenceableField, ServiceDetail, ServiceSummary } from "./types.ts";

/**
 * How long a deploy this tool queued may stay invisible (queued, not started)
 * before the planner stops waiting for it. Dokploy keeps its build queue in
 * memory, so a queue lost to a Dokploy restart heals after this window.
 */
export const DEPLOY_QUEUE_GRACE_MS = 30 * 60_000;

/** Deployment states that will not change any more. */
export const TERMINAL_DEPLOYMENT = new Set(["done", "error", "cancelled"]);

/** The most recently created deployment (Dokploy's order in `*.one` is not relied on). */
export function newestDeployment<T extends { createdAt: string }>(deployments: readonly T[]): T | undefined {
  let newest: T | undefined;
  for (const d of deployments) if (!newest || Date.parse(d.createdAt) > Date.parse(newest.createdAt)) newest = d;
  return newest;
}

/** Options of the shared deploy decision. */
export interface DeployRules {
  /** Desired replicas: Dokploy's `start` scales to exactly 1, so a stopped service with more is deployed instead. */
  replicas?: number;
  /** Whether the kind has a start/stop lifecycle. */
  lifecycle: boolean;
}

/**
 * The deploy decision of a deployable service: deploy on a deploy-relevant
 * change, after an interrupted deploy (dirty marker), when never deployed, or
 * when idle after a build cut short; start or stop to match `state`.
 */
export function decideServiceDeploy(c: DeployContext, wantRunning: boolean, rules: DeployRules): DeployDecision {
  const { detail, liveMarker, owned, label } = c;
  const reasons: string[] = [];
  const status = detail.status;
  if (!wantRunning) {
    return rules.lifecycle && status !== "idle" ? { deploy: false, lifecycle: "stop", reasons } : { deploy: false, reasons };
  }
  const queuedAt = owned ? liveMarker?.queuedAt : undefined;
  const queueAge = queuedAt === undefined ? Number.POSITIVE_INFINITY : c.now - Date.parse(queuedAt);
  const newest = newestDeployment(detail.deployments);
  // A deployment that began at or after our queueing and has ended is that deploy: nothing is queued any more.
  const queueEnded = queuedAt !== undefined && newest !== undefined && TERMINAL_DEPLOYMENT.has(newest.status) && Date.parse(newest.createdAt) >= Date.parse(queuedAt);
  // The queue is a fact when Dokploy was asked (`deployment.queueList`); the grace is the fallback.
  const queuePending = !queueEnded && (c.queued !== undefined ? c.queued : queueAge >= 0 && queueAge < DEPLOY_QUEUE_GRACE_MS);
  // Idle after a build that did not finish (Dokploy cancels running builds and idles their
  // services when it restarts): starting would run the previous image, or fail with no service.
  const interrupted = status === "idle" && (newest?.status === "cancelled" || newest?.status === "error");
  const neverDeployed = detail.deployments.length === 0;
  if (c.deployRelevant) return { deploy: true, reasons };
  if (liveMarker?.dirty && owned) {
    return { deploy: true, reasons: [`${label}: a previous apply changed its configuration but did not finish deploying it`] };
  }
  if (queuePending && (neverDeployed || status === "idle")) {
    // Queued by us and not started yet: Dokploy shows nothing of it. Don't queue another.
    return { deploy: false, reasons: [`${label}: a deploy queued at ${queuedAt} has not started yet; waiting for it`] };
  }
  if (neverDeployed) return { deploy: true, reasons: [`${label}: has never been deployed`] };
  if (interrupted) {
    return { deploy: true, reasons: [`${label}: idle after a deployment that ended ${newest!.status} (a build cut short, e.g. by a Dokploy restart); deploying again instead of starting the previous one`] };
  }
  if (status === "idle" && rules.replicas !== undefined && rules.replicas !== 1) {
    // Dokploy's start is `docker service scale <app>=1`, whatever `replicas` says; a deploy applies the whole spec.
    return { deploy: true, reasons: [`${label}: stopped, and Dokploy's start runs 1 replica; deploying to run ${rules.replicas}`] };
  }
  if (status === "idle" && rules.lifecycle) return { deploy: false, lifecycle: "start", reasons };
  return { deploy: false, reasons };
}

/** The calls that start a deploy and list a service's deployments. */
export interface DeployCalls {
  deploy(title: string, description: string): Promise<unknown>;
  deployments(): Promise<DeploymentRow[]>;
}

/**
 * Once a deploy is queued: clear the dirty flag and record when it was queued,
 * in one write (Dokploy shows nothing of a queued deploy until its job starts).
 * The write goes through the service's marker state, serialised with the
 * domain records written by its children.
 */
export async function recordQueued(ctx: ApplyContext, step: PlanStep, queuedAt = new Date().toISOString()): Promise<void> {
  await ctx.updateServiceMarker(step.key, (m) => {
    delete m.dirty;
    m.queuedAt = queuedAt;
  });
}

/**
 * Follows a queued deploy by its new deploymentId (never by title: Dokploy
 * rewrites titles for git sources) to done or error, with a timeout. Holds no
 * concurrency slot while it waits.
 */
export async function followDeploy(ctx: ApplyContext, step: PlanStep, calls: DeployCalls, known: ReadonlySet<string>): Promise<DeployOutcome> {
  const deps = ctx.deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const base = deps.pollIntervalMs ?? 500;
  const deadline = Date.now() + (deps.deployTimeoutMs ?? 600_000);
  let interval = base;
  let current: DeploymentRow | undefined;
  while (Date.now() < deadline) {
    if (deps.signal?.aborted) return { status: "cancelled", ...(current ? { deploymentId: current.deploymentId } : {}), message: "stopped following: shutting down" };
    await ctx.withoutSlot(() => sleep(interval));
    interval = Math.min(interval * 2, base * 8);
    const rows = await calls.deployments();
    current = rows.filter((d) => !known.has(d.deploymentId)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    if (current && TERMINAL_DEPLOYMENT.has(current.status)) {
      return {
        deploymentId: current.deploymentId,
        status: current.status as DeployOutcome["status"],
        ...(current.errorMessage ? { message: current.errorMessage } : {}),
      };
    }
  }
  return { status: "timeout", ...(current ? { deploymentId: current.deploymentId } : {}), message: `${resourceLabel(step.identity)}: deploy did not finish within ${Math.round((deps.deployTimeoutMs ?? 600_000) / 1000)}s` };
}

/** True when a change of `step` is at or under one of `prefixes`. */
export function changedUnder(step: PlanStep, ...prefixes: string[]): boolean {
  return step.changes.some((c) => prefixes.some((p) => c.path === p || c.path.startsWith(`${p}/`)));
}

/**
 * Health of a deployable service from its status and newest deployment
 * (Argo CD style): Progressing while a build runs, Degraded after a failed
 * one, Suspended when stopped on purpose.
 */
export function serviceHealth(detail: ServiceDetail | undefined, summary: ServiceSummary, wantStopped: boolean): HealthStatus {
  const status = detail?.status ?? summary.status;
  const last = newestDeployment(detail?.deployments ?? []);
  if (status === "running" || last?.status === "running") return "Progressing";
  if (status === "error" || last?.status === "error") return "Degraded";
  if (status === "idle") return wantStopped ? "Suspended" : last ? "Degraded" : "Unknown";
  return "Healthy";
}

/**
 * The fields every service offers to references: its host name on Dokploy's
 * internal network (Dokploy's appName: `<name>-<6 random characters>`,
 * chosen at create, so "known after apply" until then) and its name. A
 * service kind spreads them into its `referenceable` and adds its own
 * (a database's user, password, port...). `host` says what the appName is
 * for this kind.
 */
export function serviceReferenceFields(host: string): Record<"host" | "appName" | "name", ReferenceableField> {
  const appName = (_m: unknown, live: { appName?: string } | undefined): string | undefined => live?.appName || undefined;
  return {
    host: { secret: false, source: "live", description: host, read: appName },
    appName: { secret: false, source: "live", description: "Dokploy's appName (the same value as `host`).", read: appName },
    name: { secret: false, source: "manifest", description: "Its name in Dokploy (`metadata.name`).", read: (m) => m.metadata.name },
  };
}

/**
 * Stops or starts a service when its step says so, after its configuration
 * is written (a service's lifecycle is the last thing an update changes, so
 * a stopped service is stopped with its new configuration in place).
 */
export async function applyLifecycle(step: PlanStep, calls: { stop(): Promise<unknown>; start(): Promise<unknown> }): Promise<Pick<StepOutcome, "lifecycle">> {
  if (step.lifecycle === "stop") {
    await calls.stop();
    return { lifecycle: "stopped" };
  }
  if (step.lifecycle === "start") {
    await calls.start();
    return { lifecycle: "started" };
  }
  return {};
}

/**
 * The services of one kind in the step's environment, by id and description,
 * read from `project.one`: after a create whose answer was lost, the new
 * service is the one carrying this step's pending marker (`createOnce`).
 */
export async function servicesInEnvironment(
  ctx: ApplyContext, step: PlanStep, environmentId: string, listField: string, idField: string,
): Promise<Array<{ id: string; description: string | null }>> {
  const projectId = ctx.ids.get(`Project/${step.identity.project}`);
  if (!projectId) return [];
  const detail = await ctx.api.projectOne({ projectId });
  const env = detail.environments.find((e) => e.environmentId === environmentId) as Record<string, unknown> | undefined;
  const list = (env?.[listField] ?? []) as Array<Record<string, unknown>>;
  return list.map((s) => ({ id: String(s[idField]), description: (s.description as string | null | undefined) ?? null }));
}
