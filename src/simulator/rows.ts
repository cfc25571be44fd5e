/**
 * Column defaults of Dokploy v0.30.2's tables (`packages/server/src/db/schema/*.ts`):
 * what a row reads back as when a column was never written. The
 * planner compares desired state with these read-backs, so they must match
 * Dokploy's exactly or every plan against the simulator would show drift that
 * a real Dokploy would not.
 */
import type {
  ApplicationRecord, DeploymentRecord, DomainRecord, EnvironmentRecord, ProjectRecord,
} from "./types.ts";
import type {
  MountRecord, PortRecord, RedirectRecord, ScheduleRecord, SecurityRecord, VolumeBackupRecord,
} from "./child-types.ts";

function withoutUndefined(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

/** The organisation every simulated object belongs to (the key's owner sees everything). */
export const ORGANIZATION_ID = "sim-organization";

/** A project row with Dokploy's defaults. */
export function projectRow(init: Pick<ProjectRecord, "projectId" | "name" | "createdAt"> & Partial<ProjectRecord>): ProjectRecord {
  return {
    projectId: init.projectId, name: init.name, description: null, createdAt: init.createdAt,
    organizationId: ORGANIZATION_ID, env: "", ...withoutUndefined(init),
  } as ProjectRecord;
}

/** An environment row with Dokploy's defaults. */
export function environmentRow(
  init: Pick<EnvironmentRecord, "environmentId" | "name" | "createdAt" | "projectId"> & Partial<EnvironmentRecord>,
): EnvironmentRecord {
  return {
    environmentId: init.environmentId, name: init.name, description: null, createdAt: init.createdAt, env: "",
    projectId: init.projectId, isDefault: false, ...withoutUndefined(init),
  } as EnvironmentRecord;
}

/** Every column of the `application` table with its default, in the table's order. */
export function applicationRow(
  init: Pick<ApplicationRecord, "applicationId" | "name" | "appName" | "environmentId" | "createdAt"> & Record<string, unknown>,
): ApplicationRecord {
  const row: Record<string, unknown> = {
    applicationId: init.applicationId, name: init.name, appName: init.appName, description: null, env: null,
    previewEnv: null, watchPaths: null, previewBuildArgs: null, previewBuildSecrets: null, previewLabels: null,
    previewWildcard: null, previewPort: 3000, previewHttps: false, previewPath: "/", previewCertificateType: "none",
    previewCustomCertResolver: null, previewLimit: 3, isPreviewDeploymentsActive: false,
    previewRequireCollaboratorPermissions: true, rollbackActive: false, buildArgs: null, buildSecrets: null,
    memoryReservation: null, memoryLimit: null, cpuReservation: null, cpuLimit: null, title: null, enabled: null,
    subtitle: null, command: null, args: null, icon: null, refreshToken: null, sourceType: "github",
    cleanCache: false, repository: null, owner: null, branch: null, buildPath: "/", triggerType: "push",
    autoDeploy: true, gitlabProjectId: null, gitlabRepository: null, gitlabOwner: null, gitlabBranch: null,
    gitlabBuildPath: "/", gitlabPathNamespace: null, giteaRepository: null, giteaOwner: null, giteaBranch: null,
    giteaBuildPath: "/", bitbucketRepository: null, bitbucketRepositorySlug: null, bitbucketOwner: null,
    bitbucketBranch: null, bitbucketBuildPath: "/", username: null, password: null, dockerImage: null,
    registryUrl: null, customGitUrl: null, customGitBranch: null, customGitBuildPath: null, customGitSSHKeyId: null,
    enableSubmodules: false, dockerfile: "Dockerfile", dockerContextPath: null, dockerBuildStage: null,
    dropBuildPath: null, healthCheckSwarm: null, restartPolicySwarm: null, placementSwarm: null,
    updateConfigSwarm: null, rollbackConfigSwarm: null, modeSwarm: null, labelsSwarm: null, networkSwarm: null,
    stopGracePeriodSwarm: null, endpointSpecSwarm: null, ulimitsSwarm: null, replicas: 1, applicationStatus: "idle",
    buildType: "nixpacks", railpackVersion: "0.15.4", herokuVersion: "24", publishDirectory: null, isStaticSpa: null,
    createEnvFile: true, createdAt: init.createdAt, registryId: null, rollbackRegistryId: null,
    environmentId: init.environmentId, githubId: null, gitlabId: null, giteaId: null, bitbucketId: null,
    serverId: null, buildServerId: null, buildRegistryId: null, networkIds: [], detachDokployNetwork: false,
  };
  for (const [k, v] of Object.entries(init)) if (v !== undefined) row[k] = v;
  return row as ApplicationRecord;
}

/** Every column of the `domain` table with its default. */
export function domainRow(
  init: Pick<DomainRecord, "domainId" | "host" | "createdAt"> & { uniqueConfigKey: number } & Record<string, unknown>,
): DomainRecord {
  const row: Record<string, unknown> = {
    domainId: init.domainId, host: init.host, https: false, port: 3000, path: "/", serviceName: null,
    domainType: "application", uniqueConfigKey: init.uniqueConfigKey, createdAt: init.createdAt, composeId: null,
    customCertResolver: null, applicationId: null, previewDeploymentId: null, certificateType: "none",
    internalPath: "/", stripPath: false, customEntrypoint: null, middlewares: [], forwardAuthEnabled: false,
    enabled: true,
  };
  for (const [k, v] of Object.entries(init)) if (v !== undefined) row[k] = v;
  return row as DomainRecord;
}

/** Every column of the `deployment` table with its default. */
export function deploymentRow(
  init: Pick<DeploymentRecord, "deploymentId" | "title" | "applicationId" | "createdAt"> & Record<string, unknown>,
): DeploymentRecord {
  const row: Record<string, unknown> = {
    deploymentId: init.deploymentId, title: init.title, description: null, status: "running", logPath: "",
    pid: null, applicationId: init.applicationId, composeId: null, serverId: null, isPreviewDeployment: false,
    previewDeploymentId: null, createdAt: init.createdAt, startedAt: null, finishedAt: null, errorMessage: null,
    scheduleId: null, backupId: null, rollbackId: null, volumeBackupId: null, buildServerId: null,
  };
  for (const [k, v] of Object.entries(init)) if (v !== undefined) row[k] = v;
  return row as DeploymentRecord;
}

// ---- service children (issue 15): mount, port, redirect, security, schedule, volume_backup ----

/** The row with its defaults, then every defined value of `init` (so keys stay in the table's order). */
function withDefaults<T>(defaults: Record<string, unknown>, init: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(init)) if (v !== undefined) defaults[k] = v;
  return defaults as T;
}

/** Every column of the `mount` table with its default (no service column set: an orphan until one is given). */
export function mountRow(init: Pick<MountRecord, "mountId" | "type" | "mountPath"> & Record<string, unknown>): MountRecord {
  return withDefaults({
    mountId: init.mountId, type: init.type, hostPath: null, volumeName: null, filePath: null, content: null,
    serviceType: "application", mountPath: init.mountPath, applicationId: null, composeId: null, libsqlId: null,
    mariadbId: null, mongoId: null, mysqlId: null, postgresId: null, redisId: null,
  }, init);
}

/** Every column of the `port` table; `publishMode`/`protocol` as the API defaults them (`ingress`, `tcp`). */
export function portRow(
  init: Pick<PortRecord, "portId" | "publishedPort" | "targetPort" | "applicationId"> & Record<string, unknown>,
): PortRecord {
  return withDefaults({
    portId: init.portId, publishedPort: init.publishedPort, publishMode: "ingress", targetPort: init.targetPort,
    protocol: "tcp", applicationId: init.applicationId,
  }, init);
}

/** Every column of the `redirect` table. */
export function redirectRow(
  init: Pick<RedirectRecord, "redirectId" | "regex" | "replacement" | "uniqueConfigKey" | "createdAt" | "applicationId"> & Record<string, unknown>,
): RedirectRecord {
  return withDefaults({
    redirectId: init.redirectId, regex: init.regex, replacement: init.replacement, permanent: false,
    uniqueConfigKey: init.uniqueConfigKey, createdAt: init.createdAt, applicationId: init.applicationId,
  }, init);
}

/** Every column of the `security` table. */
export function securityRow(
  init: Pick<SecurityRecord, "securityId" | "username" | "password" | "createdAt" | "applicationId">,
): SecurityRecord {
  return withDefaults({
    securityId: init.securityId, username: init.username, password: init.password, createdAt: init.createdAt,
    applicationId: init.applicationId,
  }, init);
}

/** Every column of the `schedule` table with its default (`enabled` true, `bash`, `application`). */
export function scheduleRow(
  init: Pick<ScheduleRecord, "scheduleId" | "name" | "cronExpression" | "appName" | "command" | "createdAt"> & Record<string, unknown>,
): ScheduleRecord {
  return withDefaults({
    scheduleId: init.scheduleId, name: init.name, description: null, cronExpression: init.cronExpression,
    appName: init.appName, serviceName: null, shellType: "bash", scheduleType: "application", command: init.command,
    script: null, applicationId: null, composeId: null, serverId: null, organizationId: null, enabled: true,
    timezone: null, createdAt: init.createdAt,
  }, init);
}

/** Every column of the `volume_backup` table with its default (`enabled` null: not scheduled). */
export function volumeBackupRow(
  init: Pick<VolumeBackupRecord, "volumeBackupId" | "name" | "volumeName" | "prefix" | "appName" | "cronExpression" | "createdAt" | "destinationId">
    & Record<string, unknown>,
): VolumeBackupRecord {
  return withDefaults({
    volumeBackupId: init.volumeBackupId, name: init.name, volumeName: init.volumeName, prefix: init.prefix,
    serviceType: "application", appName: init.appName, serviceName: null, turnOff: false,
    cronExpression: init.cronExpression, keepLatestCount: null, enabled: null, applicationId: null, postgresId: null,
    mariadbId: null, mongoId: null, mysqlId: null, redisId: null, libsqlId: null, composeId: null,
    createdAt: init.createdAt, destinationId: init.destinationId,
  }, init);
}
