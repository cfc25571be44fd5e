/**
 * Application steps. To the user one step; to Dokploy several calls (create,
 * save*Provider, saveBuildType, saveEnvironment, update, deploy). The order
 * makes every crash point recoverable without duplicates:
 * - create writes a pending marker in the same call, so a lost answer is
 *   found again by it, and the id is written only after configuration;
 * - an update that needs a deploy first marks the application `dirty`, and
 *   clears it once the deploy is queued, so a crash in between deploys on
 *   the next pass instead of leaving the change undeployed;
 * - nothing is deployed before every configuration call has succeeded.
 */
import type { ApplicationUpdateInput, DeploymentRow } from "../dokploy/types.ts";
import { ownershipOf, renderDescription, type Marker } from "../model/marker.ts";
import { resourceLabel } from "../model/resource.ts";
import type { PlanStep } from "../plan/types.ts";
import { desiredApplicationView, desiredDomainView, type View } from "../plan/views.ts";
import { buildPayload, environmentPayload, generalPayload, sourcePayload } from "./payloads.ts";
import type { DeployOutcome, StepOutcome } from "./types.ts";
import { SafetyRefusal, isNotFound, mayHaveApplied, type ApplyContext } from "./context.ts";
import { releasedText, withoutId } from "./containers.ts";

type Result = Partial<StepOutcome>;

const changedUnder = (step: PlanStep, ...prefixes: string[]): boolean =>
  step.changes.some((c) => prefixes.some((p) => c.path === p || c.path.startsWith(`${p}/`)));

/** Domain intents for this application's planned domain creates (written before `domain.create`). */
function withDomainIntents(ctx: ApplyContext, appKey: string, marker: Marker): Marker {
  const domains = { ...(marker.domains ?? {}) };
  for (const s of ctx.plan.steps) {
    if (s.kind !== "Domain" || s.parentKey !== appKey || s.action !== "create" || s.manifest?.kind !== "Domain") continue;
    const v = desiredDomainView(s.identity.name, s.manifest.spec);
    domains[s.identity.name] = { host: String(v.spec.host), path: String(v.spec.path), ...(s.manifest.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {}) };
  }
  return Object.keys(domains).length > 0 ? { ...marker, domains } : marker;
}

async function configure(ctx: ApplyContext, applicationId: string, view: View, parts: { source: boolean; build: boolean; env: boolean }): Promise<void> {
  const api = ctx.api;
  if (parts.source) {
    const { method, body } = sourcePayload(applicationId, view, ctx.secrets);
    await (api[method] as unknown as (b: Record<string, unknown>) => Promise<unknown>).call(api, body);
  }
  if (parts.build) {
    const build = buildPayload(applicationId, view);
    if (build) await api.applicationSaveBuildType(build);
  }
  if (parts.env) await api.applicationSaveEnvironment(environmentPayload(applicationId, view, ctx.secrets, true));
}

export async function applyApplication(ctx: ApplyContext, step: PlanStep): Promise<Result> {
  const m = step.manifest;
  switch (step.action) {
    case "create": {
      if (m?.kind !== "Application") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredApplicationView(m.metadata.name, m.spec);
      const text = m.spec.description ?? "";
      const environmentId = ctx.idOf(step.parentKey!);
      const pending = withDomainIntents(ctx, step.key, withoutId(step.marker));
      let applicationId: string;
      try {
        const row = await ctx.api.applicationCreate({ name: m.metadata.name, environmentId, appName: m.metadata.name, description: renderDescription(text, pending) });
        applicationId = row.applicationId;
      } catch (err) {
        if (!mayHaveApplied(err)) throw err;
        applicationId = await findPendingApplication(ctx, step, environmentId, err);
      }
      ctx.ids.set(step.key, applicationId);
      await configure(ctx, applicationId, view, { source: true, build: true, env: true });
      // Like an update: dirty until the deploy is queued, then one write clears it and records the queued deploy.
      const marker: Marker = { ...pending, id: applicationId };
      await ctx.api.applicationUpdate({ applicationId, description: renderDescription(text, step.deploy ? { ...marker, dirty: true } : marker), ...generalPayload(view) } as ApplicationUpdateInput);
      ctx.setAppMarker(step.key, { appId: applicationId, text, marker });
      const deploy = step.deploy ? await deployAndFollow(ctx, step, applicationId, new Set(), () => recordQueued(ctx, step, applicationId, text, marker)) : undefined;
      return { dokployId: applicationId, ...(deploy ? { deploy } : {}) };
    }
    case "update":
    case "adopt": {
      if (m?.kind !== "Application") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredApplicationView(m.metadata.name, m.spec);
      const text = m.spec.description ?? "";
      const applicationId = ctx.idOf(step.key);
      const marker = withDomainIntents(ctx, step.key, { ...step.marker!, id: applicationId });
      const general = changedUnder(step, "/metadata/name", "/spec/description", "/spec/command", "/spec/args", "/spec/replicas", "/spec/resources", "/spec/autoDeploy");
      const parts = { source: changedUnder(step, "/spec/source"), build: changedUnder(step, "/spec/build"), env: changedUnder(step, "/spec/env", "/spec/buildArgs", "/spec/buildSecrets") };
      const markerChanged = step.markerWrite || JSON.stringify(marker) !== JSON.stringify(step.marker);
      // Ownership (and the dirty flag) first: an adopted object is marked before it is changed.
      if (step.deploy || general || markerChanged) {
        const first: ApplicationUpdateInput = { applicationId, description: renderDescription(text, step.deploy ? { ...marker, dirty: true } : marker) };
        await ctx.api.applicationUpdate(general ? ({ ...first, ...generalPayload(view) } as ApplicationUpdateInput) : first);
      }
      await configure(ctx, applicationId, view, parts);
      ctx.setAppMarker(step.key, { appId: applicationId, text, marker });
      let deploy: DeployOutcome | undefined;
      if (step.deploy) {
        const known = new Set((await ctx.api.deploymentAll({ applicationId })).map((d) => d.deploymentId));
        deploy = await deployAndFollow(ctx, step, applicationId, known, () => recordQueued(ctx, step, applicationId, text, marker));
      }
      let lifecycle: StepOutcome["lifecycle"];
      if (step.lifecycle === "stop") {
        await ctx.api.applicationStop({ applicationId });
        lifecycle = "stopped";
      } else if (step.lifecycle === "start") {
        await ctx.api.applicationStart({ applicationId });
        lifecycle = "started";
      }
      return { dokployId: applicationId, ...(deploy ? { deploy } : {}), ...(lifecycle ? { lifecycle } : {}) };
    }
    case "delete":
    case "orphan": {
      const applicationId = ctx.idOf(step.key);
      let live;
      try {
        live = await ctx.api.applicationOne({ applicationId });
      } catch (err) {
        if (isNotFound(err)) return { dokployId: applicationId };
        throw err;
      }
      const liveMarker = ctx.assertStillOurs(step, live.description, applicationId);
      if (step.action === "orphan") {
        await ctx.api.applicationUpdate({ applicationId, description: releasedText(live.description) });
        return { dokployId: applicationId };
      }
      const recorded = new Set(Object.values(liveMarker.domains ?? {}).map((r) => r.id));
      const foreign = live.domains.filter((d) => !recorded.has(d.domainId));
      if (foreign.length > 0) {
        throw new SafetyRefusal(`${resourceLabel(step.identity)}: refused: it holds domain(s) not managed by dokploy-gitops (${foreign.map((d) => d.host).join(", ")}), which Dokploy would delete with it; left untouched`);
      }
      try {
        await ctx.api.applicationDelete({ applicationId });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return { dokployId: applicationId };
    }
    default:
      return {};
  }
}

/**
 * Once a deploy is queued: clear the dirty flag and record when it was queued,
 * in one write (Dokploy shows nothing of a queued deploy until its job starts).
 */
async function recordQueued(ctx: ApplyContext, step: PlanStep, applicationId: string, text: string, marker: Marker): Promise<void> {
  const queued: Marker = { ...marker, queuedAt: new Date().toISOString() };
  await ctx.api.applicationUpdate({ applicationId, description: renderDescription(text, queued) });
  ctx.setAppMarker(step.key, { appId: applicationId, text, marker: queued });
}

/** After a create whose answer was lost: the application carrying our pending marker, if exactly one. */
async function findPendingApplication(ctx: ApplyContext, step: PlanStep, environmentId: string, original: unknown): Promise<string> {
  const projectId = ctx.ids.get(`Project/${step.identity.project}`);
  if (!projectId) throw original;
  const detail = await ctx.api.projectOne({ projectId });
  const env = detail.environments.find((e) => e.environmentId === environmentId);
  const found = (env?.applications ?? []).filter((a) => {
    const o = ownershipOf(a.description, ctx.instance, a.applicationId);
    return o.kind === "pending" && o.marker.key === step.key;
  });
  if (found.length !== 1) throw original;
  return found[0]!.applicationId;
}

const TERMINAL = new Set(["done", "error", "cancelled"]);

/**
 * Queues a deploy and follows it by its new deploymentId (never by title:
 * Dokploy rewrites titles for git sources) to done or error, with a timeout.
 */
async function deployAndFollow(
  ctx: ApplyContext, step: PlanStep, applicationId: string, known: Set<string>, afterQueued?: () => Promise<void>,
): Promise<DeployOutcome> {
  const deps = ctx.deps;
  await ctx.api.applicationDeploy({
    applicationId,
    title: deps.deployTitle ?? "dokploy-gitops",
    description: ctx.plan.revision ? `revision ${ctx.plan.revision}` : "applied by dokploy-gitops",
  });
  if (afterQueued) await afterQueued();
  if (deps.waitForDeploys === false) return { status: "queued" };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const base = deps.pollIntervalMs ?? 500;
  const deadline = Date.now() + (deps.deployTimeoutMs ?? 600_000);
  let interval = base;
  let current: DeploymentRow | undefined;
  while (Date.now() < deadline) {
    if (deps.signal?.aborted) return { status: "cancelled", ...(current ? { deploymentId: current.deploymentId } : {}), message: "stopped following: shutting down" };
    await ctx.withoutSlot(() => sleep(interval));
    interval = Math.min(interval * 2, base * 8);
    const rows = await ctx.api.deploymentAll({ applicationId });
    current = rows.filter((d) => !known.has(d.deploymentId)).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    if (current && TERMINAL.has(current.status)) {
      return {
        deploymentId: current.deploymentId,
        status: current.status as DeployOutcome["status"],
        ...(current.errorMessage ? { message: current.errorMessage } : {}),
      };
    }
  }
  return { status: "timeout", ...(current ? { deploymentId: current.deploymentId } : {}), message: `${resourceLabel(step.identity)}: deploy did not finish within ${Math.round((deps.deployTimeoutMs ?? 600_000) / 1000)}s` };
}
