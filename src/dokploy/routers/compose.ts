/**
 * `compose.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/compose.ts),
 * with the columns and nullability of packages/server/src/db/schema/compose.ts
 * and the service code of packages/server/src/services/compose.ts. A compose
 * has no `save*Provider` calls: its git source, compose file and every other
 * column go through `update`, which (unlike `application.update`) returns the
 * updated row, or a 200 with an empty body when the id is unknown.
 */
import { mutation, query } from "../endpoint.ts";
import type { ApplicationStatus, DeploymentRow, DomainRow, EnvironmentRow, ProjectRow } from "../types.ts";
import type { BackupWithDestination } from "./backup.ts";
import type { ServiceMountRow } from "./database.ts";

/** `sourceTypeCompose`: `raw` is the inline compose file. The column default is `github`. */
export type ComposeSourceType = "git" | "github" | "gitlab" | "bitbucket" | "gitea" | "raw";
/** `docker compose up` or `docker stack deploy`. */
export type ComposeType = "docker-compose" | "stack";

/** A `compose` row: every column except the provider relations. */
export interface ComposeRow {
  composeId: string;
  name: string;
  /** `compose-<words>-<6>` when not given; `<cleaned input>-<6>` otherwise; never updatable. */
  appName: string;
  description: string | null;
  /** Encrypted at rest, returned in plain text. */
  env: string | null;
  /** Default `""`. */
  composeFile: string;
  refreshToken: string | null;
  sourceType: ComposeSourceType;
  composeType: ComposeType;
  repository: string | null;
  owner: string | null;
  branch: string | null;
  autoDeploy: boolean | null;
  gitlabProjectId: number | null;
  gitlabRepository: string | null;
  gitlabOwner: string | null;
  gitlabBranch: string | null;
  gitlabPathNamespace: string | null;
  bitbucketRepository: string | null;
  bitbucketRepositorySlug: string | null;
  bitbucketOwner: string | null;
  bitbucketBranch: string | null;
  giteaRepository: string | null;
  giteaOwner: string | null;
  giteaBranch: string | null;
  customGitUrl: string | null;
  customGitBranch: string | null;
  customGitSSHKeyId: string | null;
  /** Dokploy's command override; default `""`. */
  command: string;
  createEnvFile: boolean;
  enableSubmodules: boolean;
  /** Default `./docker-compose.yml`; ignored for `raw`. */
  composePath: string;
  suffix: string;
  randomize: boolean;
  isolatedDeployment: boolean;
  isolatedDeploymentsVolume: boolean;
  triggerType: "push" | "tag" | null;
  composeStatus: ApplicationStatus;
  icon: string | null;
  environmentId: string;
  createdAt: string;
  watchPaths: string[] | null;
  githubId: string | null;
  gitlabId: string | null;
  bitbucketId: string | null;
  giteaId: string | null;
  serverId: string | null;
  serviceNetworks: Array<{ serviceName: string; networkIds: string[]; detachDokployNetwork: boolean }> | null;
}

/**
 * `findComposeById`: the row with its environment (and project), deployments
 * (unsorted), mounts, domains (those created without `domainType: compose`
 * too) and backups. The provider rows and the server are left untyped.
 */
export interface ComposeDetail extends ComposeRow {
  environment: EnvironmentRow & { project: ProjectRow };
  deployments: DeploymentRow[];
  mounts: ServiceMountRow[];
  domains: DomainRow[];
  backups: BackupWithDestination[];
}

/** `compose.one` adds what the caller may do with the git provider. */
export interface ComposeOne extends ComposeDetail {
  hasGitProviderAccess: boolean;
  unauthorizedProvider: string | null;
}

/**
 * `apiCreateCompose`. `sourceType` is missing from openapi.json but accepted;
 * omitted, it is `github` even when `composeFile` is sent.
 */
export interface ComposeCreateInput {
  name: string;
  environmentId: string;
  description?: string | null;
  composeType?: ComposeType;
  appName?: string;
  serverId?: string | null;
  composeFile?: string;
  sourceType?: ComposeSourceType;
}

/**
 * `apiUpdateCompose`: any column but `serverId` (dropped by the schema) and
 * `appName` (dropped by `updateCompose`). The server-owned columns are left
 * out of the type on purpose.
 */
export type ComposeUpdateInput = { composeId: string } & Partial<
  Omit<ComposeRow, "composeId" | "appName" | "serverId" | "createdAt" | "composeStatus" | "refreshToken" | "environmentId">
>;

/**
 * A compose as `project.one` and `environment.byProjectId` list it in each
 * environment's `compose` array (packages/server/src/services/project.ts
 * `findProjectById`; `byProjectId` adds `icon`). `project.all` gives only
 * `{composeId, name, composeStatus}`.
 */
export interface ComposeSummary {
  composeId: string;
  name: string;
  description: string | null;
  appName: string;
  createdAt: string;
  serverId: string | null;
  composeStatus: ApplicationStatus;
}

/** `compose.deploy` / `redeploy` answer (self-hosted; Dokploy Cloud with a server answers `true`). */
export interface ComposeDeployResult {
  success: true;
  message: "Deployment queued" | "Redeployment queued";
  composeId: string;
}

/** The `compose.*` procedures the reconciler and `export` use. */
export const composeRouter = {
  /** Returns the inserted row (no relations). 404 for an unknown environment. */
  create: mutation<ComposeCreateInput, ComposeRow>("compose.create", "once"),
  one: query<{ composeId: string }, ComposeOne>("compose.one"),
  /** The updated row; `undefined` (an empty 200) when the id is unknown: re-read to tell. */
  update: mutation<ComposeUpdateInput, ComposeRow | undefined>("compose.update", "idempotent"),
  /** `env` must be present (null clears it). 400 "Error adding environment variables" for an unknown id. */
  saveEnvironment: mutation<{ composeId: string; env: string | null; createEnvFile?: boolean }, true>(
    "compose.saveEnvironment", "idempotent",
  ),
  /**
   * Returns the compose as read before the delete (without the access flags).
   * `deleteVolumes` runs `docker compose down --volumes`; Dokploy treats an
   * absent key as `false` (the REST adapter coerces booleans), but send it.
   */
  delete: mutation<{ composeId: string; deleteVolumes: boolean }, ComposeDetail>("compose.delete", "delete"),
  /** Queues a job (deployment row and `composeStatus: running` only when it starts). */
  deploy: mutation<{ composeId: string; title?: string; description?: string }, ComposeDeployResult>("compose.deploy", "once"),
  /** Like `deploy`, without fetching the source again. */
  redeploy: mutation<{ composeId: string; title?: string; description?: string }, ComposeDeployResult>("compose.redeploy", "once"),
  /** `docker compose up -d` in the code directory: fails (500) before the first deploy wrote it. */
  start: mutation<{ composeId: string }, true>("compose.start", "idempotent"),
  /** `docker compose stop` (or `docker stack rm`); on failure `composeStatus` becomes `error`. */
  stop: mutation<{ composeId: string }, true>("compose.stop", "idempotent"),
  /** The service names of the compose file on disk (`cache`) or freshly fetched (`fetch`); 404 "Services not found". */
  loadServices: query<{ composeId: string; type?: "fetch" | "cache" }, string[]>("compose.loadServices"),
} as const;
