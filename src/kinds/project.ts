/**
 * Project: the top of Dokploy's hierarchy (`project.*`). Dokploy creates a
 * `production` environment with every project; that environment's handling
 * is the Environment module's. Deleting a project deletes everything in it,
 * so a delete is refused while anything that is not being deleted remains.
 */
import { renderDescription } from "../model/marker.ts";
import { DEFAULT_ENVIRONMENT } from "../model/resource.ts";
import type { Manifest } from "../model/manifest.ts";
import { envText } from "../apply/payloads.ts";
import type { PlanStep } from "../plan/types.ts";
import { desiredContainerView, liveContainerView, type EnvView } from "../plan/views.ts";
import { createOnce, removeOwned, withId, withoutId } from "./protocol.ts";
import type { ContainerKind, StepResult } from "./types.ts";
import type { ApplyContext } from "../apply/context.ts";

const changed = (step: PlanStep, prefix: string): boolean => step.changes.some((c) => c.path === prefix || c.path.startsWith(`${prefix}/`));

function desiredOf(step: PlanStep): { text: string; env: EnvView; name: string } {
  if (step.manifest?.kind !== "Project") throw new Error(`${step.key}: internal error: no manifest`);
  const view = project.desiredView(step.manifest);
  return { text: String(view.spec.description), env: view.spec.env as EnvView, name: step.manifest.metadata.name };
}

async function applyProject(ctx: ApplyContext, step: PlanStep): Promise<StepResult> {
  const { api } = ctx;
  switch (step.action) {
    case "create": {
      const d = desiredOf(step);
      let defaultEnvId: string | undefined;
      const projectId = await createOnce(ctx, step, async () => {
        const res = await api.projectCreate({ name: d.name, description: renderDescription(d.text, withoutId(step.marker)), env: envText(d.env, ctx.secrets, "/spec/env") });
        defaultEnvId = res.environment?.environmentId;
        return res.project.projectId;
      }, async () => (await api.projectAll()).map((p) => ({ id: p.projectId, description: p.description })));
      await api.projectUpdate({ projectId, description: renderDescription(d.text, withId(step.marker, projectId)) });
      if (!defaultEnvId) {
        const detail = await api.projectOne({ projectId });
        defaultEnvId = detail.environments.find((e) => e.isDefault)?.environmentId;
      }
      ctx.ids.set(step.key, projectId);
      if (defaultEnvId) ctx.ids.set(`Environment/${step.identity.project}/${DEFAULT_ENVIRONMENT}`, defaultEnvId);
      return { dokployId: projectId };
    }
    case "update":
    case "adopt": {
      const d = desiredOf(step);
      const projectId = ctx.idOf(step.key);
      const input: Parameters<typeof api.projectUpdate>[0] = { projectId };
      if (changed(step, "/metadata/name")) input.name = d.name;
      if (step.markerWrite || changed(step, "/spec/description")) input.description = renderDescription(d.text, withId(step.marker, projectId));
      if (changed(step, "/spec/env")) input.env = envText(d.env, ctx.secrets, "/spec/env");
      if (Object.keys(input).length > 1) await api.projectUpdate(input);
      return { dokployId: projectId };
    }
    case "delete":
    case "orphan": {
      const projectId = ctx.idOf(step.key);
      return removeOwned(ctx, step, {
        read: async () => {
          const live = await api.projectOne({ projectId });
          return { ...live, id: live.projectId };
        },
        release: (description) => api.projectUpdate({ projectId, description }),
        remove: () => api.projectRemove({ projectId }),
        // Everything left in it goes with it: the prune plan deletes our contents first.
        cascades: (live) => {
          const leftovers: string[] = [];
          for (const env of live.environments) {
            if (!env.isDefault) leftovers.push(`environment ${env.name}`);
            for (const [field, noun] of SERVICE_LISTS) {
              const list = (env as Record<string, unknown>)[field];
              if (Array.isArray(list)) for (const s of list as Array<{ name?: string }>) leftovers.push(`${noun} ${s.name ?? "?"}`);
            }
          }
          return leftovers;
        },
      });
    }
    default:
      return {};
  }
}

/**
 * Every service array of a `project.one` environment (Dokploy v0.30.2,
 * apps/dokploy/server/api/routers/project.ts `one`), managed or not: a
 * project or environment delete takes all of them.
 */
export const SERVICE_LISTS: ReadonlyArray<readonly [field: string, noun: string]> = [
  ["applications", "application"], ["compose", "compose"], ["postgres", "postgres"], ["mysql", "mysql"],
  ["mariadb", "mariadb"], ["mongo", "mongo"], ["redis", "redis"], ["libsql", "libsql"],
];

export const project: ContainerKind<"Project"> = {
  kind: "Project",
  family: "container",
  refs: [],
  schemaFile: "project.schema.json",
  summary: "A Dokploy project: description and project-level shared variables.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: ["/spec/env"] },
  desiredView: (m: Manifest<"Project">) => desiredContainerView(m.metadata.name, m.spec),
  exportSpec: (live) => ({ spec: liveContainerView(live).spec }),
  apply: applyProject,
};
