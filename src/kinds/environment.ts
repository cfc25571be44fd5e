/**
 * Environment (`environment.*`). `production` exists in every Dokploy project
 * and cannot be created, renamed or deleted: a manifest for it configures the
 * existing one (its marker is written with `environment.update` without
 * `name`). Deleting an environment deletes every service in it.
 */
import { renderDescription } from "../model/marker.ts";
import { DEFAULT_ENVIRONMENT } from "../model/resource.ts";
import type { Manifest } from "../model/manifest.ts";
import { envText } from "../apply/payloads.ts";
import type { PlanStep } from "../plan/types.ts";
import { desiredContainerView, liveContainerView, type EnvView } from "../plan/views.ts";
import type { ApplyContext } from "../apply/context.ts";
import { createOnce, removeOwned, withId, withoutId } from "./protocol.ts";
import { SERVICE_LISTS } from "./project.ts";
import type { ContainerKind, StepResult } from "./types.ts";

/** Dokploy's description of the environment it creates with every project. */
export const DEFAULT_ENVIRONMENT_DESCRIPTION = "Production environment";

const changed = (step: PlanStep, prefix: string): boolean => step.changes.some((c) => c.path === prefix || c.path.startsWith(`${prefix}/`));

function desiredOf(step: PlanStep): { text: string; env: EnvView; name: string } {
  if (step.manifest?.kind !== "Environment") throw new Error(`${step.key}: internal error: no manifest`);
  const view = environment.desiredView(step.manifest);
  return { text: String(view.spec.description), env: view.spec.env as EnvView, name: step.manifest.metadata.name };
}

async function applyEnvironment(ctx: ApplyContext, step: PlanStep): Promise<StepResult> {
  const { api } = ctx;
  const isDefault = step.identity.name === DEFAULT_ENVIRONMENT;
  switch (step.action) {
    case "create": {
      const d = desiredOf(step);
      if (isDefault) {
        // Created by Dokploy with the project: configure it (never send `name`).
        const environmentId = ctx.idOf(step.key);
        await api.environmentUpdate({ environmentId, description: renderDescription(d.text, withId(step.marker, environmentId)), env: envText(d.env, ctx.secrets, "/spec/env") });
        return { dokployId: environmentId };
      }
      const projectId = ctx.idOf(step.parentKey!);
      const environmentId = await createOnce(
        ctx, step,
        async () => (await api.environmentCreate({ name: d.name, projectId, description: renderDescription(d.text, withoutId(step.marker)) })).environmentId,
        async () => (await api.projectOne({ projectId })).environments.map((e) => ({ id: e.environmentId, description: e.description })),
      );
      await api.environmentUpdate({ environmentId, description: renderDescription(d.text, withId(step.marker, environmentId)), env: envText(d.env, ctx.secrets, "/spec/env") });
      ctx.ids.set(step.key, environmentId);
      return { dokployId: environmentId };
    }
    case "update":
    case "adopt": {
      const d = desiredOf(step);
      const environmentId = ctx.idOf(step.key);
      const input: Parameters<typeof api.environmentUpdate>[0] = { environmentId };
      if (!isDefault && changed(step, "/metadata/name")) input.name = d.name;
      if (step.markerWrite || changed(step, "/spec/description")) input.description = renderDescription(d.text, withId(step.marker, environmentId));
      if (changed(step, "/spec/env")) input.env = envText(d.env, ctx.secrets, "/spec/env");
      if (Object.keys(input).length > 1) await api.environmentUpdate(input);
      return { dokployId: environmentId };
    }
    case "delete":
    case "orphan": {
      const environmentId = ctx.idOf(step.key);
      return removeOwned(ctx, step, {
        read: async () => {
          const live = (await api.environmentOne({ environmentId })) as Record<string, unknown> & { description: string | null };
          return { ...live, id: environmentId } as Record<string, unknown> & { id: string; description: string | null };
        },
        release: (description) => api.environmentUpdate({ environmentId, description }),
        remove: () => api.environmentRemove({ environmentId }),
        // The prune plan deletes our services first; whatever is still there would go with it.
        cascades: (live) => {
          const leftovers: string[] = [];
          for (const [field, noun] of SERVICE_LISTS) {
            const list = live[field];
            if (Array.isArray(list)) for (const s of list as Array<{ name?: string }>) leftovers.push(`${noun} ${s.name ?? "?"}`);
          }
          return leftovers;
        },
      });
    }
    default:
      return {};
  }
}

export const environment: ContainerKind<"Environment"> = {
  kind: "Environment",
  family: "container",
  refs: ["project"],
  schemaFile: "environment.schema.json",
  summary: "An environment of a project; `production` always exists and is configured, never created.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: ["/spec/env"] },
  desiredView: (m: Manifest<"Environment">) => {
    const isDefault = m.metadata.name === DEFAULT_ENVIRONMENT;
    return desiredContainerView(m.metadata.name, { ...m.spec, description: m.spec.description ?? (isDefault ? DEFAULT_ENVIRONMENT_DESCRIPTION : "") });
  },
  exportSpec: (live) => ({ spec: liveContainerView(live).spec }),
  apply: applyEnvironment,
};
