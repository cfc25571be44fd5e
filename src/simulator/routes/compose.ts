/**
 * `compose.*`, `deployment.allByCompose` and `deployment.queueList` as
 * Dokploy v0.30.2 has them (apps/dokploy/server/api/routers/{compose,deployment}.ts,
 * packages/server/src/services/{compose,deployment}.ts): `create` with its
 * `sourceType` (missing from openapi.json) and appName, `update` returning the
 * row (an empty 200 for an unknown id), deploys that only queue and answer
 * `{success, message, composeId}`, `delete` with `deleteVolumes`, start and
 * stop that need the project a first deploy wrote, and the queue listing.
 */
import { composeServices, jobFor, type DeployJob } from "../deploy-queue.ts";
import { notFound, SimError } from "../errors.ts";
import { composeRow } from "../service-rows.ts";
import { composeDetail } from "../service-views.ts";
import type { Store } from "../store.ts";
import type { ComposeRecord } from "../types.ts";
import { cleanAppName } from "./application.ts";
import { definedOnly, failedUpdate, type Handler, type RouteContext } from "./context.ts";

const copy = <T>(row: T): T => structuredClone(row);

function findCompose({ store }: RouteContext, composeId: unknown): ComposeRecord {
  const c = store.services.compose.get(String(composeId));
  if (!c) throw notFound("Compose");
  return c;
}

/** `execAsync`'s wrap of a failed command (packages/server/src/utils/process/execAsync.ts). */
const commandFailed = (detail: string): SimError => new SimError("INTERNAL_SERVER_ERROR", `Command execution failed: ${detail}`);

/** `resolveServicePath` (packages/server/src/services/deployment.ts): where the UI shows a job's service. */
function servicePath(store: Store, job: DeployJob): { href: string | null; label: string } {
  const [label, kind, id, service] = "composeId" in job
    ? ["Compose", "compose", job.composeId, store.services.compose.get(job.composeId)]
    : ["Application", "application", job.applicationId, store.applications.get(job.applicationId)];
  const env = service ? store.environments.get(service.environmentId) : undefined;
  if (!env) return { href: null, label: "—" };
  return { href: `/dashboard/project/${env.projectId}/environment/${env.environmentId}/services/${kind}/${id}`, label };
}

function queue(type: "deploy" | "redeploy", defaultTitle: string, message: string): Handler {
  return (input, ctx) => {
    const c = findCompose(ctx, input.composeId);
    ctx.queue.enqueue(jobFor({ composeId: c.composeId }, type, input, defaultTitle));
    return { success: true, message, composeId: c.composeId };
  };
}

/** Handlers by endpoint. */
export const composeRoutes: Record<string, Handler> = {
  "compose.create": (input, ctx) => {
    const { store } = ctx;
    if (!store.environments.has(String(input.environmentId))) throw notFound("Environment");
    if (input.serverId) throw new SimError("UNAUTHORIZED", "You are not authorized to access this server");
    const given = input.appName as string | undefined;
    const appName = given ? `${cleanAppName(given)}-${store.random.appNameSuffix()}` : store.random.defaultAppName("compose");
    // `validUniqueServerAppName` looks at applications and databases, not at compose stacks.
    if (store.appIdByAppName(appName) !== undefined) throw new SimError("CONFLICT", "Service with this 'AppName' already exists");
    const row = store.services.insertCompose(
      composeRow({
        ...definedOnly(input, ["name", "description", "environmentId", "composeType", "serverId", "sourceType"]),
        composeId: store.random.id(),
        name: String(input.name),
        appName,
        environmentId: String(input.environmentId),
        composeFile: (input.composeFile as string | undefined) || "",
        refreshToken: store.random.id(),
        createdAt: store.now(),
      }),
    );
    return copy(row);
  },

  "compose.one": (input, ctx) => ({
    ...composeDetail(ctx.store, findCompose(ctx, input.composeId)),
    hasGitProviderAccess: true,
    unauthorizedProvider: null,
  }),

  /** `updateCompose` sets every given key but `appName` (the id included), with no existence check. */
  "compose.update": (input, ctx) => {
    const { appName: _dropped, ...rest } = input;
    const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const id = String(input.composeId);
    if (!ctx.store.services.compose.has(id)) return undefined;
    if (patch.environmentId !== undefined && !ctx.store.environments.has(String(patch.environmentId))) {
      throw new SimError("INTERNAL_SERVER_ERROR", failedUpdate("compose", "composeId", id, patch));
    }
    return copy(ctx.store.patch("compose", id, patch));
  },

  "compose.saveEnvironment": (input, ctx) => {
    const id = String(input.composeId);
    if (!ctx.store.services.compose.has(id)) throw new SimError("BAD_REQUEST", "Error adding environment variables");
    ctx.store.patch("compose", id, definedOnly(input, ["env", "createEnvFile"]));
    return true;
  },

  /** Deletes the row (cascading), drops its waiting jobs, and answers the compose as read before. */
  "compose.delete": (input, ctx) => {
    const c = findCompose(ctx, input.composeId);
    const before = composeDetail(ctx.store, c);
    ctx.store.services.removeCompose(c.composeId);
    ctx.queue.dropWaiting({ composeId: c.composeId });
    return before;
  },

  "compose.deploy": queue("deploy", "Manual deployment", "Deployment queued"),
  "compose.redeploy": queue("redeploy", "Rebuild deployment", "Redeployment queued"),

  /**
   * `startCompose`: `docker compose up -d` in the project's `code` directory,
   * which exists once a deploy wrote it; a stack has nothing to start. On
   * failure the status becomes `idle` and the call a 500.
   */
  "compose.start": (input, ctx) => {
    const c = findCompose(ctx, input.composeId);
    if (c.composeType !== "stack" && !ctx.store.services.deployed.has(c.composeId)) {
      ctx.store.patch("compose", c.composeId, { composeStatus: "idle" });
      throw commandFailed("spawn /bin/sh ENOENT");
    }
    ctx.store.patch("compose", c.composeId, { composeStatus: "done" });
    return true;
  },

  /** `stopCompose`: `docker compose stop` in the project directory (status `error` on failure), or `docker stack rm`. */
  "compose.stop": (input, ctx) => {
    const c = findCompose(ctx, input.composeId);
    if (c.composeType !== "stack" && !ctx.store.services.deployed.has(c.composeId)) {
      ctx.store.patch("compose", c.composeId, { composeStatus: "error" });
      throw commandFailed("spawn /bin/sh ENOENT");
    }
    ctx.store.patch("compose", c.composeId, { composeStatus: "idle" });
    return true;
  },

  /**
   * The service names of the compose file. The simulator keeps no clone of a
   * git source, so only a raw compose file (once deployed, or with `fetch`)
   * has services; otherwise Dokploy's own 404.
   */
  "compose.loadServices": (input, ctx) => {
    const c = findCompose(ctx, input.composeId);
    const onDisk = input.type === "fetch" || ctx.store.services.deployed.has(c.composeId);
    const services = c.sourceType === "raw" && onDisk ? composeServices(String(c.composeFile)) : undefined;
    if (!services) throw new SimError("NOT_FOUND", "Services not found");
    return Object.keys(services);
  },

  "deployment.allByCompose": (input, { store }) =>
    store
      .composeDeploymentsOf(String(input.composeId))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      .map(copy),

  /** Waiting and running jobs, newest first, with the data Dokploy's routers enqueue and the UI path. */
  "deployment.queueList": (_input, { store, queue: q }) =>
    q.jobs()
      .sort((a, b) => b.timestamp - a.timestamp)
      .map(({ id, job, timestamp, processedOn, state }) => {
        const common = { titleLog: job.title, descriptionLog: job.description, type: job.type };
        const data = "composeId" in job
          ? { composeId: job.composeId, titleLog: common.titleLog, type: job.type, applicationType: "compose", descriptionLog: common.descriptionLog, server: false }
          : { applicationId: job.applicationId, ...common, applicationType: "application", server: false };
        return { id, name: "deployments", data, timestamp, ...(processedOn !== undefined ? { processedOn } : {}), state, servicePath: servicePath(store, job) };
      }),
};
