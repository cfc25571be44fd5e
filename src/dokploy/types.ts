/**
 * Wire types of the Dokploy endpoints this tool uses (Dokploy v0.30.2:
 * apps/dokploy/server/api/routers/*.ts, packages/server/src/db/schema/*.ts). Only the fields the reconciler reads are typed; Dokploy returns
 * more, and those pass through untouched as unknown extra keys.
 */
import type { MountRow } from "./routers/mounts.ts";
import type { PortRow } from "./routers/port.ts";
import type { RedirectRow } from "./routers/redirects.ts";
import type { SecurityRow } from "./routers/security.ts";

// The service children's wire types live with their routers (src/dokploy/routers/*); re-exported for readers of `one` answers.
export type { MountRow, MountType, ServiceType } from "./routers/mounts.ts";
export type { PortProtocol, PortRow, PublishMode } from "./routers/port.ts";
export type { RedirectRow } from "./routers/redirects.ts";
export type { SecurityRow } from "./routers/security.ts";
export type { ScheduleRow, ScheduleType } from "./routers/schedule.ts";
export type { VolumeBackupRow } from "./routers/volume-backups.ts";

export type ApplicationStatus = "idle" | "running" | "done" | "error";
export type DeploymentStatus = "running" | "done" | "error" | "cancelled";
export type SourceType = "github" | "gitlab" | "bitbucket" | "gitea" | "git" | "docker" | "drop";

/** A project row (`project.create`, `project.update`, `project.one`, `project.all`). */
export interface ProjectRow {
  projectId: string;
  name: string;
  description: string | null;
  createdAt: string;
  organizationId: string;
  env: string;
}

/** An environment row. */
export interface EnvironmentRow {
  environmentId: string;
  name: string;
  description: string | null;
  createdAt?: string;
  env: string;
  projectId: string;
  isDefault: boolean;
}

/** `project.all` item: project row + environments with minimal service lists. No env/service descriptions. */
export interface ProjectListItem extends ProjectRow {
  environments: Array<{
    name: string;
    environmentId: string;
    isDefault: boolean;
    applications: Array<{ applicationId: string; name: string; applicationStatus: ApplicationStatus }>;
    compose: Array<{ composeId: string; name: string; composeStatus: string }>;
    [service: string]: unknown;
  }>;
}

/** Service summary as nested in `project.one` environments. */
export interface ApplicationSummary {
  applicationId: string;
  name: string;
  description: string | null;
  appName: string;
  createdAt: string;
  serverId: string | null;
  applicationStatus: ApplicationStatus;
}

/** `project.one`: project row + environments (all columns) with service summaries. No domains. */
export interface ProjectDetail extends ProjectRow {
  environments: Array<EnvironmentRow & { applications: ApplicationSummary[]; [service: string]: unknown }>;
}

/** `project.create` returns the project and its auto-created `production` environment. */
export interface ProjectCreateResult {
  project: ProjectRow;
  environment: EnvironmentRow;
}

export interface DomainRow {
  domainId: string;
  host: string;
  https: boolean;
  port: number | null;
  path: string | null;
  internalPath: string | null;
  stripPath: boolean;
  customEntrypoint: string | null;
  serviceName: string | null;
  domainType: "application" | "compose" | "preview" | null;
  certificateType: "letsencrypt" | "none" | "custom";
  customCertResolver: string | null;
  uniqueConfigKey: number;
  createdAt: string;
  applicationId: string | null;
  composeId: string | null;
  previewDeploymentId: string | null;
  middlewares: string[] | null;
  forwardAuthEnabled: boolean;
  enabled: boolean;
}

export interface DeploymentRow {
  deploymentId: string;
  title: string;
  description: string | null;
  status: DeploymentStatus;
  logPath: string;
  applicationId: string | null;
  composeId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  errorMessage: string | null;
}

/** An application row: the columns this tool manages or reads. */
export interface ApplicationRow {
  applicationId: string;
  name: string;
  appName: string;
  description: string | null;
  environmentId: string;
  env: string | null;
  buildArgs: string | null;
  buildSecrets: string | null;
  createEnvFile: boolean;
  memoryReservation: string | null;
  memoryLimit: string | null;
  cpuReservation: string | null;
  cpuLimit: string | null;
  command: string | null;
  args: string[] | null;
  replicas: number;
  autoDeploy: boolean | null;
  applicationStatus: ApplicationStatus;
  sourceType: SourceType;
  buildType: string;
  // github
  repository: string | null;
  owner: string | null;
  branch: string | null;
  buildPath: string | null;
  githubId: string | null;
  triggerType: "push" | "tag" | null;
  enableSubmodules: boolean;
  watchPaths: string[] | null;
  // gitlab
  gitlabId: string | null;
  gitlabProjectId: number | null;
  gitlabOwner: string | null;
  gitlabRepository: string | null;
  gitlabPathNamespace: string | null;
  gitlabBranch: string | null;
  gitlabBuildPath: string | null;
  // bitbucket
  bitbucketId: string | null;
  bitbucketOwner: string | null;
  bitbucketRepository: string | null;
  bitbucketRepositorySlug: string | null;
  bitbucketBranch: string | null;
  bitbucketBuildPath: string | null;
  // gitea
  giteaId: string | null;
  giteaOwner: string | null;
  giteaRepository: string | null;
  giteaBranch: string | null;
  giteaBuildPath: string | null;
  // git
  customGitUrl: string | null;
  customGitBranch: string | null;
  customGitBuildPath: string | null;
  customGitSSHKeyId: string | null;
  // docker
  dockerImage: string | null;
  username: string | null;
  password: string | null;
  registryUrl: string | null;
  // build
  dockerfile: string | null;
  dockerContextPath: string | null;
  dockerBuildStage: string | null;
  publishDirectory: string | null;
  isStaticSpa: boolean | null;
  herokuVersion: string | null;
  railpackVersion: string | null;
  createdAt: string;
}

/**
 * `application.one`: row + relations. The service children (mounts, ports,
 * redirects, basic-auth users) come with it, so a plan reads them without a
 * call per child; schedules and volume backups do not (see their routers).
 */
export interface ApplicationDetail extends ApplicationRow {
  domains: DomainRow[];
  deployments: DeploymentRow[];
  environment: EnvironmentRow & { project: ProjectRow };
  mounts: MountRow[];
  ports: PortRow[];
  redirects: RedirectRow[];
  security: SecurityRow[];
}

// ---- inputs ---------------------------------------------------------------

export interface ProjectCreateInput { name: string; description?: string | null; env?: string }
export interface ProjectUpdateInput { projectId: string; name?: string; description?: string | null; env?: string }
export interface EnvironmentCreateInput { name: string; description?: string; projectId: string }
/** Never send `name` for the default environment (apps/dokploy/server/api/routers/environment.ts `update` refuses any `name` for the default environment, even unchanged). */
export interface EnvironmentUpdateInput { environmentId: string; name?: string; description?: string | null; env?: string }
export interface ApplicationCreateInput {
  name: string;
  environmentId: string;
  appName?: string;
  description?: string | null;
  serverId?: string | null;
}
/** `application.update`: any column except serverId. */
export type ApplicationUpdateInput = { applicationId: string } & Partial<
  Omit<ApplicationRow, "applicationId" | "appName" | "createdAt" | "applicationStatus">
>;
export interface SaveGithubProviderInput {
  applicationId: string; repository: string | null; owner: string | null; buildPath: string | null;
  githubId: string | null; branch: string; triggerType?: "push" | "tag"; enableSubmodules?: boolean;
  watchPaths?: string[] | null;
}
export interface SaveGitlabProviderInput {
  applicationId: string; gitlabBuildPath: string | null; gitlabOwner: string | null; gitlabRepository: string | null;
  gitlabId: string | null; gitlabProjectId: number | null; gitlabPathNamespace: string | null; gitlabBranch: string;
  enableSubmodules?: boolean; watchPaths?: string[] | null;
}
export interface SaveBitbucketProviderInput {
  applicationId: string; bitbucketBuildPath: string | null; bitbucketOwner: string | null;
  bitbucketRepository: string | null; bitbucketRepositorySlug: string | null; bitbucketId: string | null;
  bitbucketBranch: string; enableSubmodules?: boolean; watchPaths?: string[] | null;
}
export interface SaveGiteaProviderInput {
  applicationId: string; giteaBuildPath: string | null; giteaOwner: string | null; giteaRepository: string | null;
  giteaId: string | null; giteaBranch: string; enableSubmodules?: boolean; watchPaths?: string[] | null;
}
export interface SaveGitProviderInput {
  applicationId: string; customGitUrl: string | null; customGitBuildPath: string | null;
  watchPaths: string[] | null; customGitBranch: string; customGitSSHKeyId?: string | null; enableSubmodules?: boolean;
}
export interface SaveDockerProviderInput {
  applicationId: string; dockerImage: string | null; username: string | null; password: string | null;
  registryUrl: string | null;
}
export interface SaveBuildTypeInput {
  applicationId: string; buildType: string; dockerfile: string | null; dockerContextPath: string | null;
  dockerBuildStage: string | null; herokuVersion: string | null; railpackVersion: string | null;
  publishDirectory?: string | null; isStaticSpa?: boolean | null;
}
export interface SaveEnvironmentInput {
  applicationId: string; env: string | null; buildArgs: string | null; buildSecrets: string | null;
  createEnvFile: boolean;
}
export interface DeployInput { applicationId: string; title?: string; description?: string }
/**
 * A compose domain names its compose (`composeId`), the compose service that
 * receives the traffic (`serviceName`, checked only at deploy time) and
 * `domainType: "compose"` (omitted, Dokploy stores `application`).
 */
export interface DomainCreateInput {
  host: string; path?: string | null; port?: number | null; https?: boolean; applicationId?: string | null;
  certificateType?: "letsencrypt" | "none" | "custom"; customCertResolver?: string | null;
  domainType?: "application" | "compose" | "preview" | null; internalPath?: string | null; stripPath?: boolean;
  composeId?: string | null; serviceName?: string | null;
}
export interface DomainUpdateInput {
  domainId: string; host: string; path?: string | null; port?: number | null; https?: boolean;
  certificateType?: "letsencrypt" | "none" | "custom"; customCertResolver?: string | null;
  domainType?: "application" | "compose" | "preview" | null; internalPath?: string | null; stripPath?: boolean;
  serviceName?: string | null;
}
