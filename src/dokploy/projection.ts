/**
 * `application.one` answers cut down, where they are parsed, to the fields
 * `ApplicationDetail` types. Dokploy returns far more (mounts, redirects,
 * security, ports, preview deployments, the server, registries, provider rows
 * and every untyped column), and a pass holds one answer per managed
 * application until it has planned and applied: at 1,000 applications that
 * is most of what V8 promotes to its old generation during a pass. The key
 * lists are checked against the types at compile time, so a field added to a
 * type without its key here fails `tsc`, and the type stays truthful. The
 * service children (mounts, ports, redirects, basic-auth users) are kept:
 * the plan reads them from this answer rather than with a call per child.
 */
import type { ApplicationDetail, ApplicationRow, DeploymentRow, DomainRow, EnvironmentRow, ProjectRow } from "./types.ts";
import type { MountRow } from "./routers/mounts.ts";
import type { PortRow } from "./routers/port.ts";
import type { RedirectRow } from "./routers/redirects.ts";
import type { SecurityRow } from "./routers/security.ts";

/** Fails to compile unless `Keys` lists every key of `T`. */
type Exhaustive<T, Keys extends readonly (keyof T)[]> = [Exclude<keyof T, Keys[number]>] extends [never] ? Keys : never;

const APPLICATION_KEYS = [
  "applicationId", "name", "appName", "description", "environmentId", "env", "buildArgs", "buildSecrets",
  "createEnvFile", "memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit", "command", "args", "replicas",
  "autoDeploy", "applicationStatus", "sourceType", "buildType",
  "repository", "owner", "branch", "buildPath", "githubId", "triggerType", "enableSubmodules", "watchPaths",
  "gitlabId", "gitlabProjectId", "gitlabOwner", "gitlabRepository", "gitlabPathNamespace", "gitlabBranch", "gitlabBuildPath",
  "bitbucketId", "bitbucketOwner", "bitbucketRepository", "bitbucketRepositorySlug", "bitbucketBranch", "bitbucketBuildPath",
  "giteaId", "giteaOwner", "giteaRepository", "giteaBranch", "giteaBuildPath",
  "customGitUrl", "customGitBranch", "customGitBuildPath", "customGitSSHKeyId",
  "dockerImage", "username", "password", "registryUrl",
  "dockerfile", "dockerContextPath", "dockerBuildStage", "publishDirectory", "isStaticSpa", "herokuVersion", "railpackVersion",
  "createdAt",
] as const;
const DOMAIN_KEYS = [
  "domainId", "host", "https", "port", "path", "internalPath", "stripPath", "customEntrypoint", "serviceName", "domainType",
  "certificateType", "customCertResolver", "uniqueConfigKey", "createdAt", "applicationId", "composeId", "previewDeploymentId",
  "middlewares", "forwardAuthEnabled", "enabled",
] as const;
const DEPLOYMENT_KEYS = [
  "deploymentId", "title", "description", "status", "logPath", "applicationId", "composeId", "createdAt", "startedAt",
  "finishedAt", "errorMessage",
] as const;
const ENVIRONMENT_KEYS = ["environmentId", "name", "description", "createdAt", "env", "projectId", "isDefault"] as const;
const PROJECT_KEYS = ["projectId", "name", "description", "createdAt", "organizationId", "env"] as const;
// ---- service children (issue 15) ----
const MOUNT_KEYS = [
  "mountId", "type", "hostPath", "volumeName", "filePath", "content", "serviceType", "mountPath", "applicationId", "composeId",
  "libsqlId", "mariadbId", "mongoId", "mysqlId", "postgresId", "redisId",
] as const;
const PORT_KEYS = ["portId", "publishedPort", "publishMode", "targetPort", "protocol", "applicationId"] as const;
const REDIRECT_KEYS = ["redirectId", "regex", "replacement", "permanent", "uniqueConfigKey", "createdAt", "applicationId"] as const;
const SECURITY_KEYS = ["securityId", "username", "password", "createdAt", "applicationId"] as const;

// Compile-time completeness checks (see the module comment).
const checked: {
  application: Exhaustive<ApplicationRow, typeof APPLICATION_KEYS>;
  domain: Exhaustive<DomainRow, typeof DOMAIN_KEYS>;
  deployment: Exhaustive<DeploymentRow, typeof DEPLOYMENT_KEYS>;
  environment: Exhaustive<EnvironmentRow, typeof ENVIRONMENT_KEYS>;
  project: Exhaustive<ProjectRow, typeof PROJECT_KEYS>;
  mount: Exhaustive<MountRow, typeof MOUNT_KEYS>;
  port: Exhaustive<PortRow, typeof PORT_KEYS>;
  redirect: Exhaustive<RedirectRow, typeof REDIRECT_KEYS>;
  security: Exhaustive<SecurityRow, typeof SECURITY_KEYS>;
} = {
  application: APPLICATION_KEYS, domain: DOMAIN_KEYS, deployment: DEPLOYMENT_KEYS, environment: ENVIRONMENT_KEYS, project: PROJECT_KEYS,
  mount: MOUNT_KEYS, port: PORT_KEYS, redirect: REDIRECT_KEYS, security: SECURITY_KEYS,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The listed keys that `source` has (an absent key stays absent, a null stays null). */
function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in source) out[k] = source[k];
  return out;
}

const pickAll = (list: unknown, keys: readonly string[]): unknown =>
  Array.isArray(list) ? list.map((x) => (isObject(x) ? pick(x, keys) : x)) : list;

/**
 * The typed part of an `application.one` answer. Anything that is not an
 * object is returned as it came, so a malformed answer fails where it did
 * before (the planner's reads), not here.
 */
export function projectApplicationDetail(answer: unknown): ApplicationDetail {
  if (!isObject(answer)) return answer as ApplicationDetail;
  const out = pick(answer, checked.application);
  if ("domains" in answer) out.domains = pickAll(answer.domains, checked.domain);
  if ("deployments" in answer) out.deployments = pickAll(answer.deployments, checked.deployment);
  if ("mounts" in answer) out.mounts = projectMounts(answer.mounts);
  if ("ports" in answer) out.ports = pickAll(answer.ports, checked.port);
  if ("redirects" in answer) out.redirects = pickAll(answer.redirects, checked.redirect);
  if ("security" in answer) out.security = pickAll(answer.security, checked.security);
  const environment = answer.environment;
  if (isObject(environment)) {
    const env = pick(environment, checked.environment);
    if (isObject(environment.project)) env.project = pick(environment.project, checked.project);
    else if ("project" in environment) env.project = environment.project;
    out.environment = env;
  } else if ("environment" in answer) {
    out.environment = environment;
  }
  return out as unknown as ApplicationDetail;
}

/**
 * The typed part of a `mounts` array, for every `one` answer that carries one
 * (`application.one`, `compose.one`, each database's `one`). A value that is
 * not an array is returned as it came, for the reader to reject.
 */
export function projectMounts(list: unknown): MountRow[] {
  return pickAll(list, checked.mount) as MountRow[];
}
