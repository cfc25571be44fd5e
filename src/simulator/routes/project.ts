/**
 * `project.*` and `environment.*` (apps/dokploy/server/api/routers/project.ts,
 * environment.ts; packages/server/src/services/project.ts, environment.ts): the wrapped create result
 * with its auto-created `production` environment, the guards that keep
 * `production` from being created, renamed or removed, the cascading remove,
 * and each handler's own error re-wrapping (environment.update turns every
 * error, 404 included, into a 400).
 */
import { notFound, SimError } from "../errors.ts";
import { environmentRow, projectRow } from "../rows.ts";
import type { EnvironmentRecord, ProjectRecord } from "../types.ts";
import { environmentDetail, environmentListItem, projectDetail, projectListItem } from "../views.ts";
import { definedOnly, failedInsert, failedUpdate, type Handler, type RouteContext } from "./context.ts";

const copy = <T>(row: T): T => structuredClone(row);

function findProject({ store }: RouteContext, projectId: unknown): ProjectRecord {
  const p = store.projects.get(String(projectId));
  if (!p) throw notFound("Project");
  return p;
}

function findEnvironment({ store }: RouteContext, environmentId: unknown): EnvironmentRecord {
  const e = store.environments.get(String(environmentId));
  if (!e) throw notFound("Environment");
  return e;
}

/** Re-throws `err` as Dokploy's `BAD_REQUEST "<prefix>: <message>"` wrap. */
function wrap(prefix: string, err: unknown, keepTrpc: boolean): never {
  if (keepTrpc && err instanceof SimError) throw err;
  throw new SimError("BAD_REQUEST", `${prefix}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Creates a project row and its default environment, as `project.create` does. */
export function createProjectWithDefault(
  ctx: RouteContext,
  init: { name: string; description?: string | null; env?: string; projectId?: string; environmentId?: string },
): { project: ProjectRecord; environment: EnvironmentRecord } {
  const { store } = ctx;
  const project = store.insertProject(
    projectRow({
      projectId: init.projectId ?? store.random.id(),
      name: init.name,
      description: init.description ?? null,
      env: init.env ?? "",
      createdAt: store.now(),
    }),
  );
  const environment = store.insertEnvironment(
    environmentRow({
      environmentId: init.environmentId ?? store.random.id(),
      name: "production",
      description: "Production environment",
      isDefault: true,
      projectId: project.projectId,
      createdAt: store.now(),
    }),
  );
  return { project, environment };
}

/** Handlers by endpoint. */
export const projectRoutes: Record<string, Handler> = {
  "project.all": (_input, { store }) =>
    [...store.projects.values()]
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      .map((p) => projectListItem(store, p)),

  "project.one": (input, ctx) => projectDetail(ctx.store, findProject(ctx, input.projectId)),

  "project.create": (input, ctx) => {
    try {
      const { project, environment } = createProjectWithDefault(ctx, {
        name: String(input.name),
        description: input.description as string | null | undefined,
        env: input.env as string | undefined,
      });
      return { project: copy(project), environment: copy(environment) };
    } catch (err) {
      wrap("Error creating the project", err, false);
    }
  },

  "project.update": (input, ctx) => {
    const p = findProject(ctx, input.projectId);
    ctx.store.patch("project", p.projectId, definedOnly(input, ["name", "description", "env", "createdAt", "organizationId"]));
    return copy(p);
  },

  "project.remove": (input, ctx) => {
    const p = findProject(ctx, input.projectId);
    return copy(ctx.store.removeProject(p.projectId));
  },

  "environment.one": (input, ctx) => environmentDetail(ctx.store, findEnvironment(ctx, input.environmentId)),

  "environment.byProjectId": (input, { store }) => {
    try {
      return store.environmentsOf(String(input.projectId)).map((e) => environmentListItem(store, e));
    } catch (err) {
      wrap("Error fetching environments", err, false);
    }
  },

  "environment.create": (input, ctx) => {
    try {
      if (input.name === "production") {
        throw new SimError("BAD_REQUEST", "You cannot create a environment with the name 'production'");
      }
      const values = {
        environmentId: ctx.store.random.id(),
        name: String(input.name),
        description: input.description as string | undefined,
        createdAt: ctx.store.now(),
        projectId: String(input.projectId),
      };
      if (!ctx.store.projects.has(values.projectId)) throw new Error(failedInsert("environment", values));
      const row = ctx.store.insertEnvironment(environmentRow({ ...values, description: values.description ?? null }));
      return copy(row);
    } catch (err) {
      wrap("Error creating the environment", err, true);
    }
  },

  "environment.update": (input, ctx) => {
    try {
      const e = findEnvironment(ctx, input.environmentId);
      if (e.isDefault && input.name !== undefined) {
        throw new SimError("BAD_REQUEST", "You cannot rename the default environment");
      }
      const patch = definedOnly(input, ["name", "description", "projectId", "env"]);
      // `updateEnvironmentById` sets what is left after taking environmentId out: drizzle's `.set({})` throws.
      if (Object.keys(patch).length === 0) throw new Error("No values to set");
      if (patch.projectId !== undefined && !ctx.store.projects.has(String(patch.projectId))) {
        throw new Error(failedUpdate("environment", "environmentId", e.environmentId, patch));
      }
      ctx.store.patch("environment", e.environmentId, patch);
      return copy(e);
    } catch (err) {
      wrap("Error updating the environment", err, false);
    }
  },

  "environment.remove": (input, ctx) => {
    try {
      const e = findEnvironment(ctx, input.environmentId);
      if (e.isDefault) throw new SimError("BAD_REQUEST", "You cannot delete the default environment");
      if (ctx.store.applicationsOf(e.environmentId).length > 0 || ctx.store.services.hasServices(e.environmentId)) {
        throw new SimError("BAD_REQUEST", "Cannot delete environment: it has active services. Delete all services first.");
      }
      return copy(ctx.store.removeEnvironment(e.environmentId));
    } catch (err) {
      wrap("Error deleting the environment", err, true);
    }
  },
};
