/**
 * Application (`application.*`). To the user one step; to Dokploy several
 * calls (create, save*Provider, saveBuildType, saveEnvironment, update,
 * deploy). The order makes every crash point recoverable without duplicates:
 * - create writes a pending marker in the same call, so a lost answer is
 *   found again by it, and the id is written only after configuration;
 * - an update that needs a deploy first marks the application `dirty`, and
 *   clears it once the deploy is queued, so a crash in between deploys on
 *   the next pass instead of leaving the change undeployed;
 * - nothing is deployed before every configuration call has succeeded; the
 *   deploy itself is queued by the applier once the application and its
 *   domains are configured (`apply/deploys.ts`), so a failing build never
 *   holds back configuration.
 */
import type { DokployApi } from "../dokploy/port.ts";
import type { ApplicationDetail, ApplicationUpdateInput } from "../dokploy/types.ts";
import { renderDescription, type Marker } from "../model/marker.ts";
import type { Manifest } from "../model/manifest.ts";
import type { PlanStep } from "../plan/types.ts";
import type { View } from "../plan/views.ts";
import { buildPayload, environmentPayload, generalPayload, sourcePayload } from "../apply/payloads.ts";
import type { ApplyContext } from "../apply/context.ts";
import { desiredApplicationView, exportApplicationSpec, liveApplicationView } from "./application-views.ts";
import { withRecordIntents, foreignDomains } from "./domain.ts";
import { foreignChildren, separateLists, unscheduleLists } from "./child-list.ts";
import { mountInputs } from "./mount.ts";
import { childKindsOf } from "./registry.ts";
import { createOnce, removeOwned, withoutId } from "./protocol.ts";
import { applyLifecycle, changedUnder, decideServiceDeploy, serviceHealth, serviceReferenceFields, servicesInEnvironment, type DeployCalls } from "./service.ts";
import type { ServiceDetail, ServiceKind, StepResult } from "./types.ts";

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

function deployCalls(api: DokployApi, applicationId: string): DeployCalls {
  return {
    deploy: (title, description) => api.applicationDeploy({ applicationId, title, description }),
    deployments: () => api.deploymentAll({ applicationId }),
  };
}

async function applyApplication(ctx: ApplyContext, step: PlanStep): Promise<StepResult> {
  const m = step.manifest;
  switch (step.action) {
    case "create": {
      if (m?.kind !== "Application") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredApplicationView(m.metadata.name, m.spec);
      const text = m.spec.description ?? "";
      const environmentId = ctx.idOf(step.parentKey!);
      const pending = withRecordIntents(ctx, step.key, withoutId(step.marker));
      const applicationId = await createOnce(
        ctx, step,
        async () => {
          const row = await ctx.api.applicationCreate({ name: m.metadata.name, environmentId, appName: m.metadata.name, description: renderDescription(text, pending) });
          // The answer carries the appName Dokploy chose: references to this application's host resolve from it.
          ctx.learn(step.key, { id: row.applicationId, name: row.name, appName: row.appName, raw: row });
          return row.applicationId;
        },
        () => listed(ctx, step, environmentId),
      );
      ctx.ids.set(step.key, applicationId);
      await configure(ctx, applicationId, view, { source: true, build: true, env: true });
      // Like an update: dirty until the deploy is queued, then one write clears it and records the queued deploy.
      const marker: Marker = { ...pending, id: applicationId };
      await ctx.api.applicationUpdate({ applicationId, description: renderDescription(text, step.deploy ? { ...marker, dirty: true } : marker), ...generalPayload(view) } as ApplicationUpdateInput);
      ctx.setServiceMarker(step, applicationId, text, step.deploy ? { ...marker, dirty: true } : marker);
      return { dokployId: applicationId };
    }
    case "update":
    case "adopt": {
      if (m?.kind !== "Application") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredApplicationView(m.metadata.name, m.spec);
      const text = m.spec.description ?? "";
      const applicationId = ctx.idOf(step.key);
      const marker = withRecordIntents(ctx, step.key, { ...step.marker!, id: applicationId });
      const general = changedUnder(step, "/metadata/name", "/spec/description", "/spec/command", "/spec/args", "/spec/replicas", "/spec/resources", "/spec/autoDeploy");
      const parts = { source: changedUnder(step, "/spec/source"), build: changedUnder(step, "/spec/build"), env: changedUnder(step, "/spec/env", "/spec/buildArgs", "/spec/buildSecrets") };
      const markerChanged = step.markerWrite || JSON.stringify(marker) !== JSON.stringify(step.marker);
      // Ownership (and the dirty flag) first: an adopted object is marked before it is changed.
      if (step.deploy || general || markerChanged) {
        const first: ApplicationUpdateInput = { applicationId, description: renderDescription(text, step.deploy ? { ...marker, dirty: true } : marker) };
        await ctx.api.applicationUpdate(general ? ({ ...first, ...generalPayload(view) } as ApplicationUpdateInput) : first);
      }
      await configure(ctx, applicationId, view, parts);
      ctx.setServiceMarker(step, applicationId, text, step.deploy ? { ...marker, dirty: true } : marker);
      const lifecycle = await applyLifecycle(step, {
        stop: () => ctx.api.applicationStop({ applicationId }),
        start: () => ctx.api.applicationStart({ applicationId }),
      });
      return { dokployId: applicationId, ...lifecycle };
    }
    case "delete":
    case "orphan": {
      const applicationId = ctx.idOf(step.key);
      return removeOwned(ctx, step, {
        read: async () => {
          const live = await ctx.api.applicationOne({ applicationId });
          const lists = step.action === "delete" ? await separateLists(ctx.api, childKindsOf("Application"), { kind: "Application", id: applicationId }) : undefined;
          return { ...live, id: applicationId, lists };
        },
        release: (description) => ctx.api.applicationUpdate({ applicationId, description }),
        remove: async (live) => {
          await unscheduleLists(ctx.api, childKindsOf("Application"), live.lists);
          return ctx.api.applicationDelete({ applicationId });
        },
        cascades: (live, marker) => application.cascades(withLists(applicationDetail(live), live.lists), marker),
      });
    }
    default:
      return {};
  }
}

/** After a create whose answer was lost: the applications of its environment (found by their pending marker). */
const listed = (ctx: ApplyContext, step: PlanStep, environmentId: string): Promise<Array<{ id: string; description: string | null }>> =>
  servicesInEnvironment(ctx, step, environmentId, "applications", "applicationId");

/** `application.one` reduced for the engine; the typed answer rides along as `raw`. */
export function applicationDetail(a: ApplicationDetail): ServiceDetail {
  return {
    id: a.applicationId, name: a.name, description: a.description, appName: a.appName, status: a.applicationStatus,
    deployments: a.deployments, domains: a.domains, raw: a,
    children: { ports: a.ports, mounts: a.mounts, redirects: a.redirects, security: a.security },
  };
}

/** A detail with the child lists read by calls of their own added. */
const withLists = (d: ServiceDetail, lists: ServiceDetail["children"]): ServiceDetail => (lists ? { ...d, children: { ...d.children, ...lists } } : d);

export const application: ServiceKind<"Application"> = {
  kind: "Application",
  family: "service",
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "An application built from git or run from a docker image, with its env, build and resources.",
  noun: "application",
  listField: "applications",
  idField: "applicationId",
  statusField: "applicationStatus",
  fields: {
    deploy: ["/spec/source", "/spec/build", "/spec/env", "/spec/buildArgs", "/spec/buildSecrets", "/spec/command", "/spec/args", "/spec/replicas", "/spec/resources"],
    secretMaps: ["/spec/buildSecrets"],
    hiddenLiveMaps: ["/spec/env", "/spec/buildArgs", "/spec/buildSecrets"],
  },
  liveIn: (env) => env.applications.map((a) => ({
    kind: "Application", id: a.applicationId, name: a.name, description: a.description, appName: a.appName, status: a.applicationStatus,
    ...(a.detail ? { detail: withLists(applicationDetail(a.detail), a.children) } : {}),
  })),
  desiredView: (m: Manifest<"Application">) => desiredApplicationView(m.metadata.name, m.spec),
  liveView: (d) => liveApplicationView(d.raw as ApplicationDetail),
  deployCalls,
  writeDescription: (api: DokployApi, id: string, description: string) => api.applicationUpdate({ applicationId: id, description }),
  read: async (api: DokployApi, id: string) => applicationDetail(await api.applicationOne({ applicationId: id })),
  decideDeploy: (c) => decideServiceDeploy(c, (c.manifest.spec.state ?? "running") === "running", { replicas: c.manifest.spec.replicas ?? 1, lifecycle: true }),
  health: serviceHealth,
  cascades: (detail, marker) => [...foreignDomains(detail.domains, marker), ...foreignChildren(childKindsOf("Application"), detail, marker)],
  inputs: (m) => mountInputs(m.spec.mounts),
  deleteNote: () => undefined,
  referenceable: serviceReferenceFields("The application's host name on Dokploy's internal network (its appName, chosen by Dokploy when it is created): other services reach it as `http://<host>:<port>`."),
  exportSpec: (d) => exportApplicationSpec(d.raw as ApplicationDetail),
  apply: applyApplication,
};
