/**
 * Compose (`compose.*`): a Docker Compose or Swarm stack, from YAML kept
 * beside the manifest (`source.type: raw`) or from a git repository.
 * `compose.update` writes any column, so configuration and the ownership
 * marker go out in one call; deploys follow the Application's protocol
 * (dirty before, `queuedAt` after). Deleting a stack never deletes its
 * volumes unless its manifest said `dokploy-gitops/delete-volumes: "true"`
 * when it was applied (recorded in the marker: the manifest is gone when the
 * prune happens).
 */
import type { DokployApi } from "../dokploy/port.ts";
import { parseDescription, renderDescription, type Marker } from "../model/marker.ts";
import type { Manifest } from "../model/manifest.ts";
import { ANNOTATION_DELETE_VOLUMES, type ComposeSpec } from "../model/spec.ts";
import { envText } from "../apply/payloads.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { PlanStep } from "../plan/types.ts";
import { descriptionText, desiredEnv, liveEnv, type EnvView, type View } from "../plan/views.ts";
import type { ApplicationDetail } from "../dokploy/types.ts";
import type { ApplicationSpec } from "../model/spec.ts";
import { desiredSource, liveSource } from "./application-views.ts";
import { composeRouter, type ComposeDetail, type ComposeUpdateInput } from "../dokploy/routers/compose.ts";
import { deploymentRouter } from "../dokploy/routers/deployment.ts";
import { foreignDomains, withRecordIntents } from "./domain.ts";
import { foreignChildren, separateLists, unscheduleLists } from "./child-list.ts";
import { mountInputs } from "./mount.ts";
import { childKindsOf } from "./registry.ts";
import { createOnce, removeOwned, withoutId } from "./protocol.ts";
import { applyLifecycle, changedUnder, decideServiceDeploy, serviceHealth, serviceReferenceFields, servicesInEnvironment, type DeployCalls } from "./service.ts";
import type { ExportedSpec, ServiceDetail, ServiceKind, StepResult } from "./types.ts";

/** Dokploy's column defaults (packages/server/src/db/schema/compose.ts). */
export const COMPOSE_DEFAULTS = {
  composePath: "./docker-compose.yml",
  composeType: "docker-compose",
  command: "",
  autoDeploy: true,
  isolatedDeployment: false,
} as const;

/** The pointer of the field that names a raw compose file beside the manifest. */
export const COMPOSE_FILE_POINTER = "/spec/source/composeFile";

const BUILD_PATHS = ["buildPath", "gitlabBuildPath", "bitbucketBuildPath", "giteaBuildPath"];

function withoutBuildPath(source: Record<string, unknown>, composePath: unknown): Record<string, unknown> {
  const out = { ...source };
  for (const k of BUILD_PATHS) delete out[k];
  out.composePath = composePath;
  return out;
}

/** The compose YAML a raw source stands for: the referenced file's text (an input of the manifest) or the inline content. */
export function composeContent(m: Manifest<"Compose">): string {
  const s = m.spec.source;
  if (s.type !== "raw") return "";
  return m.inputs?.[COMPOSE_FILE_POINTER] ?? s.content ?? "";
}

function desiredComposeView(m: Manifest<"Compose">): View {
  const spec: ComposeSpec = m.spec;
  const s = spec.source;
  const source = s.type === "raw"
    ? { type: "raw", composeFile: composeContent(m) }
    : withoutBuildPath(desiredSource({ source: s } as unknown as ApplicationSpec), s.composePath ?? COMPOSE_DEFAULTS.composePath);
  return {
    metadata: { name: m.metadata.name },
    spec: {
      description: descriptionText(spec.description),
      source,
      composeType: spec.composeType ?? COMPOSE_DEFAULTS.composeType,
      env: desiredEnv(spec.env),
      command: spec.command ?? COMPOSE_DEFAULTS.command,
      autoDeploy: spec.autoDeploy ?? COMPOSE_DEFAULTS.autoDeploy,
      isolatedDeployment: spec.isolatedDeployment ?? COMPOSE_DEFAULTS.isolatedDeployment,
    },
  };
}

function liveComposeView(c: ComposeDetail): View {
  const source = c.sourceType === "raw"
    ? { type: "raw", composeFile: c.composeFile ?? "" }
    : withoutBuildPath(liveSource(c as unknown as ApplicationDetail), c.composePath);
  return {
    metadata: { name: c.name },
    spec: {
      description: parseText(c.description),
      source,
      composeType: c.composeType,
      env: liveEnv(c.env),
      command: c.command ?? "",
      autoDeploy: c.autoDeploy ?? COMPOSE_DEFAULTS.autoDeploy,
      isolatedDeployment: c.isolatedDeployment ?? false,
    },
  };
}

const parseText = (d: string | null): string => parseDescription(d).text;

/**
 * `export`: the live stack as a manifest spec. A raw stack's YAML goes to a
 * file beside the manifest (`composeFile`); an idle stack is `stopped`; a
 * volume policy recorded in our marker becomes its annotation again.
 */
function exportComposeSpec(c: ComposeDetail, marker: Marker | undefined): ExportedSpec {
  const v = liveComposeView(c).spec;
  const raw = c.sourceType === "raw";
  const spec: Record<string, unknown> = {
    description: v.description,
    source: raw ? { type: "raw", composeFile: "" } : v.source,
    composeType: v.composeType,
    env: v.env,
    command: v.command,
    autoDeploy: v.autoDeploy,
    isolatedDeployment: v.isolatedDeployment,
  };
  if (c.composeStatus === "idle") spec.state = "stopped";
  return {
    spec,
    ...(marker?.deleteVolumes ? { annotations: { [ANNOTATION_DELETE_VOLUMES]: "true" } } : {}),
    ...(raw ? { inputs: [{ pointer: COMPOSE_FILE_POINTER, suffix: "compose.yml", content: c.composeFile ?? "" }] } : {}),
  };
}

/** The `compose.update` columns of the desired view (secrets resolved). */
function configPayload(ctx: ApplyContext, view: View): Omit<ComposeUpdateInput, "composeId"> {
  const spec = view.spec;
  const src = spec.source as Record<string, unknown>;
  const out: Record<string, unknown> = {
    name: view.metadata.name,
    composeType: spec.composeType,
    env: envText(spec.env as EnvView, ctx.secrets, "/spec/env"),
    command: spec.command,
    autoDeploy: spec.autoDeploy,
    isolatedDeployment: spec.isolatedDeployment,
  };
  switch (src.type) {
    case "raw":
      // Dokploy still writes the stack's .env beside composePath for a raw source: keep it at its default.
      Object.assign(out, { sourceType: "raw", composeFile: src.composeFile, composePath: COMPOSE_DEFAULTS.composePath });
      break;
    case "github":
      Object.assign(out, { sourceType: "github", owner: src.owner, repository: src.repository, branch: src.branch, githubId: src.githubId, triggerType: src.triggerType });
      break;
    case "git":
      Object.assign(out, { sourceType: "git", customGitUrl: src.url, customGitBranch: src.branch, customGitSSHKeyId: src.sshKeyId });
      break;
    case "gitlab":
      Object.assign(out, { sourceType: "gitlab", gitlabId: src.gitlabId, gitlabProjectId: src.gitlabProjectId, gitlabOwner: src.gitlabOwner, gitlabRepository: src.gitlabRepository, gitlabPathNamespace: src.gitlabPathNamespace, gitlabBranch: src.gitlabBranch });
      break;
    case "bitbucket":
      Object.assign(out, { sourceType: "bitbucket", bitbucketId: src.bitbucketId, bitbucketOwner: src.bitbucketOwner, bitbucketRepository: src.bitbucketRepository, bitbucketRepositorySlug: src.bitbucketRepositorySlug, bitbucketBranch: src.bitbucketBranch });
      break;
    case "gitea":
      Object.assign(out, { sourceType: "gitea", giteaId: src.giteaId, giteaOwner: src.giteaOwner, giteaRepository: src.giteaRepository, giteaBranch: src.giteaBranch });
      break;
  }
  if (src.type !== "raw") {
    const watchPaths = (src.watchPaths as string[] | undefined) ?? [];
    Object.assign(out, { composePath: src.composePath, watchPaths: watchPaths.length > 0 ? watchPaths : null, enableSubmodules: Boolean(src.submodules) });
  }
  return out as Omit<ComposeUpdateInput, "composeId">;
}

function deployCalls(api: DokployApi, composeId: string): DeployCalls {
  return {
    deploy: (title, description) => api.call(composeRouter.deploy, { composeId, title, description }),
    deployments: () => api.call(deploymentRouter.allByCompose, { composeId }),
  };
}

/** The marker a compose carries: the volume policy is recorded while the manifest exists. */
function composeMarker(m: Manifest<"Compose">, base: Marker): Marker {
  const { deleteVolumes: _old, ...rest } = base;
  return m.metadata.annotations?.[ANNOTATION_DELETE_VOLUMES] === "true" ? { ...rest, deleteVolumes: true } : rest;
}

async function applyCompose(ctx: ApplyContext, step: PlanStep): Promise<StepResult> {
  const m = step.manifest;
  switch (step.action) {
    case "create": {
      if (m?.kind !== "Compose") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredComposeView(m);
      const text = m.spec.description ?? "";
      const environmentId = ctx.idOf(step.parentKey!);
      const pending = withRecordIntents(ctx, step.key, withoutId(step.marker));
      const config = configPayload(ctx, view);
      const composeId = await createOnce(
        ctx, step,
        async () => {
          const row = await ctx.api.call(composeRouter.create, {
            name: m.metadata.name, environmentId, appName: m.metadata.name, description: renderDescription(text, pending),
            composeType: config.composeType as "docker-compose" | "stack", sourceType: config.sourceType as "raw",
            ...(config.sourceType === "raw" ? { composeFile: String(config.composeFile) } : {}),
          });
          // The answer carries the appName Dokploy chose: references to this stack's host resolve from it.
          ctx.learn(step.key, { id: row.composeId, name: row.name, appName: row.appName, raw: row });
          return row.composeId;
        },
        () => listed(ctx, step, environmentId),
      );
      ctx.ids.set(step.key, composeId);
      const marker: Marker = { ...pending, id: composeId };
      await ctx.api.call(composeRouter.update, { composeId, ...config, description: renderDescription(text, step.deploy ? { ...marker, dirty: true } : marker) });
      ctx.setServiceMarker(step, composeId, text, step.deploy ? { ...marker, dirty: true } : marker);
      return { dokployId: composeId };
    }
    case "update":
    case "adopt": {
      if (m?.kind !== "Compose") throw new Error(`${step.key}: internal error: no manifest`);
      const view = desiredComposeView(m);
      const text = m.spec.description ?? "";
      const composeId = ctx.idOf(step.key);
      const marker = withRecordIntents(ctx, step.key, { ...step.marker!, id: composeId });
      const configChanged = changedUnder(step, "/metadata/name", "/spec");
      const markerChanged = step.markerWrite || JSON.stringify(marker) !== JSON.stringify(step.marker);
      // One call: ownership (and the dirty flag) land together with the configuration.
      if (step.deploy || configChanged || markerChanged) {
        await ctx.api.call(composeRouter.update, {
          composeId,
          ...(configChanged ? configPayload(ctx, view) : {}),
          description: renderDescription(text, step.deploy ? { ...marker, dirty: true } : marker),
        });
      }
      ctx.setServiceMarker(step, composeId, text, step.deploy ? { ...marker, dirty: true } : marker);
      const lifecycle = await applyLifecycle(step, {
        stop: () => ctx.api.call(composeRouter.stop, { composeId }),
        start: () => ctx.api.call(composeRouter.start, { composeId }),
      });
      return { dokployId: composeId, ...lifecycle };
    }
    case "delete":
    case "orphan": {
      const composeId = ctx.idOf(step.key);
      return removeOwned(ctx, step, {
        read: async () => {
          const live = await ctx.api.call(composeRouter.one, { composeId });
          const lists = step.action === "delete" ? await separateLists(ctx.api, childKindsOf("Compose"), { kind: "Compose", id: composeId }) : undefined;
          return { ...live, id: composeId, lists };
        },
        release: (description) => ctx.api.call(composeRouter.update, { composeId, description }),
        remove: async (live, marker) => {
          await unscheduleLists(ctx.api, childKindsOf("Compose"), live.lists);
          return ctx.api.call(composeRouter.delete, { composeId, deleteVolumes: marker.deleteVolumes === true });
        },
        cascades: (live, marker) => {
          const detail = composeDetail(live);
          return compose.cascades(live.lists ? { ...detail, children: { ...detail.children, ...live.lists } } : detail, marker);
        },
      });
    }
    default:
      return {};
  }
}

/** After a create whose answer was lost: the stacks of its environment (found by their pending marker). */
const listed = (ctx: ApplyContext, step: PlanStep, environmentId: string): Promise<Array<{ id: string; description: string | null }>> =>
  servicesInEnvironment(ctx, step, environmentId, "compose", "composeId");

function composeDetail(c: ComposeDetail): ServiceDetail {
  return {
    id: c.composeId, name: c.name, description: c.description, appName: c.appName, status: c.composeStatus,
    deployments: c.deployments ?? [], domains: c.domains ?? [], raw: c,
    children: { mounts: c.mounts },
  };
}

export const compose: ServiceKind<"Compose"> = {
  kind: "Compose",
  family: "service",
  refs: ["project", "environment"],
  schemaFile: "compose.schema.json",
  summary: "A Docker Compose (or Swarm stack) service: its compose file, inline, beside the manifest or from git.",
  noun: "compose",
  listField: "compose",
  idField: "composeId",
  statusField: "composeStatus",
  fields: {
    deploy: ["/spec/source", "/spec/composeType", "/spec/env", "/spec/command", "/spec/isolatedDeployment"],
    secretMaps: [],
    hiddenLiveMaps: ["/spec/env"],
  },
  inputs: (m) => [
    ...(m.spec.source.type === "raw" && m.spec.source.composeFile !== undefined ? [{ pointer: COMPOSE_FILE_POINTER, path: m.spec.source.composeFile }] : []),
    ...mountInputs(m.spec.mounts),
  ],
  desiredView: desiredComposeView,
  kindMarker: composeMarker,
  liveView: (d) => liveComposeView(d.raw as ComposeDetail),
  deployCalls,
  writeDescription: (api: DokployApi, id: string, description: string) => api.call(composeRouter.update, { composeId: id, description }),
  read: async (api: DokployApi, id: string) => composeDetail(await api.call(composeRouter.one, { composeId: id })),
  decideDeploy: (c) => decideServiceDeploy(c, (c.manifest.spec.state ?? "running") === "running", { lifecycle: true }),
  health: serviceHealth,
  cascades: (detail, marker) => [...foreignDomains(detail.domains, marker), ...foreignChildren(childKindsOf("Compose"), detail, marker)],
  deleteNote: (annotations, marker) => marker?.policy === "orphan" ? undefined :
    (annotations?.[ANNOTATION_DELETE_VOLUMES] ?? (marker?.deleteVolumes ? "true" : undefined)) === "true"
      ? "its volumes are deleted with it (dokploy-gitops/delete-volumes)"
      : "its volumes are kept (set dokploy-gitops/delete-volumes: \"true\" to delete them)",
  referenceable: serviceReferenceFields("The stack's appName, chosen by Dokploy when it is created: the compose project name (containers are `<appName>-<service>-1`) and, with isolatedDeployment, the name of the stack's own network."),
  exportSpec: (d, marker) => exportComposeSpec(d.raw as ComposeDetail, marker),
  apply: applyCompose,
};

