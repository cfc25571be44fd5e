/**
 * `application.*` (apps/dokploy/server/api/routers/application.ts,
 * packages/server/src/services/application.ts): appName generation (cleaned input + 6
 * random characters, or a faker-style name) and its immutability, the
 * `true` / empty-body returns, the save* calls that also set `sourceType` and
 * reset `applicationStatus`, and deploys that only enqueue.
 */
import { jobFor } from "../deploy-queue.ts";
import { notFound, SimError } from "../errors.ts";
import { applicationRow } from "../rows.ts";
import type { ApplicationRecord } from "../types.ts";
import { applicationWithRelations } from "../views.ts";
import { definedOnly, failedUpdate, type Handler, type Input, type RouteContext } from "./context.ts";

const copy = <T>(row: T): T => structuredClone(row);

function findApplication({ store }: RouteContext, applicationId: unknown): ApplicationRecord {
  const a = store.applications.get(String(applicationId));
  if (!a) throw notFound("Application");
  return a;
}

/** Whether the app's Swarm service exists: a deploy finished `done` once (or a seed says it runs). */
function hasSwarmService({ store }: RouteContext, app: ApplicationRecord): boolean {
  return app.applicationStatus === "done" || store.deploymentsOf(app.applicationId).some((d) => d.status === "done");
}

/** Dokploy's `cleanAppName`: trim, spaces to `-`, lowercase. */
export function cleanAppName(appName: string): string {
  return appName.trim().replace(/ /g, "-").toLowerCase();
}

/**
 * A save* call: drizzle `.set()` of the defined fields (a no-op on an unknown
 * id), then `findApplicationById`, which gives the 404.
 */
function save(ctx: RouteContext, input: Input, keys: readonly string[], extra: Input): true {
  const id = String(input.applicationId);
  if (ctx.store.applications.has(id)) ctx.store.patch("application", id, { ...definedOnly(input, keys), ...extra });
  findApplication(ctx, id);
  return true;
}

function provider(sourceType: string, keys: readonly string[]): Handler {
  return (input, ctx) => save(ctx, input, keys, { sourceType, applicationStatus: "idle" });
}

function enqueue(type: "deploy" | "redeploy", defaultTitle: string): Handler {
  return (input, ctx) => {
    const app = findApplication(ctx, input.applicationId);
    ctx.queue.enqueue(jobFor({ applicationId: app.applicationId }, type, input, defaultTitle));
    return undefined;
  };
}

/** Handlers by endpoint. */
export const applicationRoutes: Record<string, Handler> = {
  "application.create": (input, ctx) => {
    const { store } = ctx;
    try {
      if (!store.environments.has(String(input.environmentId))) throw notFound("Environment");
      if (input.serverId) throw new SimError("UNAUTHORIZED", "You are not authorized to access this server");
      const given = input.appName as string | undefined;
      const appName = given ? `${cleanAppName(given)}-${store.random.appNameSuffix()}` : store.random.defaultAppName();
      if (store.appIdByAppName(appName) !== undefined) {
        throw new SimError("CONFLICT", "Application with this 'AppName' already exists");
      }
      const row = store.insertApplication(
        applicationRow({
          applicationId: store.random.id(),
          name: String(input.name),
          appName,
          description: (input.description as string | null | undefined) ?? null,
          environmentId: String(input.environmentId),
          serverId: (input.serverId as string | null | undefined) ?? null,
          sourceType: input.sourceType as string | undefined,
          refreshToken: store.random.id(),
          createdAt: store.now(),
        }),
      );
      return copy(row);
    } catch (err) {
      if (err instanceof SimError) throw err;
      throw new SimError("BAD_REQUEST", "Error creating the application");
    }
  },

  "application.one": (input, ctx) => ({
    ...applicationWithRelations(ctx.store, findApplication(ctx, input.applicationId)),
    hasGitProviderAccess: true,
    unauthorizedProvider: null,
  }),

  "application.update": (input, ctx) => {
    const { applicationId, appName: _ignored, ...rest } = input;
    const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (Object.keys(patch).length === 0) throw new SimError("INTERNAL_SERVER_ERROR", "No values to set");
    const id = String(applicationId);
    if (!ctx.store.applications.has(id)) throw new SimError("BAD_REQUEST", "Error updating application");
    if (patch.environmentId !== undefined && !ctx.store.environments.has(String(patch.environmentId))) {
      throw new SimError("INTERNAL_SERVER_ERROR", failedUpdate("application", "applicationId", id, patch));
    }
    ctx.store.patch("application", id, patch);
    return true;
  },

  "application.delete": (input, ctx) => {
    const app = findApplication(ctx, input.applicationId);
    const before = applicationWithRelations(ctx.store, app);
    ctx.store.removeApplication(app.applicationId);
    ctx.queue.dropWaiting({ applicationId: app.applicationId }); // `cleanQueuesByApplication`
    return before;
  },

  "application.saveGithubProvider": provider("github", [
    "repository", "branch", "owner", "buildPath", "githubId", "watchPaths", "triggerType", "enableSubmodules",
  ]),
  "application.saveGitlabProvider": provider("gitlab", [
    "gitlabId", "gitlabBranch", "gitlabBuildPath", "gitlabOwner", "gitlabRepository", "gitlabProjectId",
    "gitlabPathNamespace", "watchPaths", "enableSubmodules",
  ]),
  "application.saveBitbucketProvider": provider("bitbucket", [
    "bitbucketRepository", "bitbucketRepositorySlug", "bitbucketOwner", "bitbucketBranch", "bitbucketBuildPath",
    "bitbucketId", "watchPaths", "enableSubmodules",
  ]),
  "application.saveGiteaProvider": provider("gitea", [
    "giteaRepository", "giteaOwner", "giteaBranch", "giteaBuildPath", "giteaId", "watchPaths", "enableSubmodules",
  ]),
  "application.saveGitProvider": provider("git", [
    "customGitBranch", "customGitBuildPath", "customGitUrl", "customGitSSHKeyId", "watchPaths", "enableSubmodules",
  ]),
  "application.saveDockerProvider": provider("docker", ["dockerImage", "username", "password", "registryUrl"]),

  "application.saveBuildType": (input, ctx) =>
    save(ctx, input, [
      "buildType", "dockerfile", "publishDirectory", "dockerContextPath", "dockerBuildStage", "herokuVersion",
      "isStaticSpa", "railpackVersion",
    ], {}),

  "application.saveEnvironment": (input, ctx) =>
    save(ctx, input, ["env", "buildArgs", "buildSecrets", "createEnvFile"], {}),

  "application.deploy": enqueue("deploy", "Manual deployment"),
  "application.redeploy": enqueue("redeploy", "Rebuild deployment"),

  /**
   * Returns the application (with relations) as read before the status change.
   * Dokploy runs `docker service scale <appName>=1`, which fails (a 500 carrying
   * the command's error, status unchanged) when no Swarm service exists: the
   * service appears with the first successful deploy (`startService` rethrows;
   * `stopService` swallows the same failure).
   */
  "application.start": (input, ctx) => {
    const app = findApplication(ctx, input.applicationId);
    if (!hasSwarmService(ctx, app)) {
      throw new SimError(
        "INTERNAL_SERVER_ERROR",
        `Command execution failed: Command failed: docker service scale ${app.appName}=1 \nError: No such service: ${app.appName}\n`,
      );
    }
    const before = applicationWithRelations(ctx.store, app);
    ctx.store.patch("application", app.applicationId, { applicationStatus: "done" });
    return before;
  },

  /**
   * Like `start`, returns the application (with relations) as read before the
   * status change (v0.30.2 ends with `return service`); never fails for a
   * missing Swarm service (`stopService` swallows it).
   */
  "application.stop": (input, ctx) => {
    const app = findApplication(ctx, input.applicationId);
    const before = applicationWithRelations(ctx.store, app);
    ctx.store.patch("application", app.applicationId, { applicationStatus: "idle" });
    return before;
  },
};
