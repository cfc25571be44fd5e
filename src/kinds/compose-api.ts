/**
 * The `compose.*` calls the Compose kind makes, and the columns it reads
 * (Dokploy v0.30.2: apps/dokploy/server/api/routers/compose.ts,
 * packages/server/src/db/schema/compose.ts). `compose.create` accepts
 * `sourceType` although openapi.json omits it; `compose.update` writes any
 * column but `serverId` and answers 200 with an empty body for an unknown id;
 * `compose.delete` takes `deleteVolumes` (false when absent).
 */
import { mutation, query } from "../dokploy/endpoint.ts";
import type { DeploymentRow, DomainRow, MountRow } from "../dokploy/types.ts";

export type ComposeSourceType = "git" | "github" | "gitlab" | "bitbucket" | "gitea" | "raw";
export type ComposeStatus = "idle" | "running" | "done" | "error";

/** A compose row: the columns this tool manages or reads. */
export interface ComposeRow {
  composeId: string;
  name: string;
  appName: string;
  description: string | null;
  env: string | null;
  composeFile: string;
  sourceType: ComposeSourceType;
  composeType: "docker-compose" | "stack";
  composePath: string;
  command: string;
  composeStatus: ComposeStatus;
  autoDeploy: boolean | null;
  isolatedDeployment: boolean;
  environmentId: string;
  createdAt: string;
  triggerType: "push" | "tag" | null;
  watchPaths: string[] | null;
  enableSubmodules: boolean;
  repository: string | null; owner: string | null; branch: string | null; githubId: string | null;
  gitlabId: string | null; gitlabProjectId: number | null; gitlabOwner: string | null; gitlabRepository: string | null;
  gitlabPathNamespace: string | null; gitlabBranch: string | null;
  bitbucketId: string | null; bitbucketOwner: string | null; bitbucketRepository: string | null;
  bitbucketRepositorySlug: string | null; bitbucketBranch: string | null;
  giteaId: string | null; giteaOwner: string | null; giteaRepository: string | null; giteaBranch: string | null;
  customGitUrl: string | null; customGitBranch: string | null; customGitSSHKeyId: string | null;
}

/** `compose.one`: the row plus its deployments, domains and mounts (and more this tool does not read). */
export interface ComposeDetail extends ComposeRow {
  deployments: DeploymentRow[];
  domains: DomainRow[];
  /** Dokploy v0.30.2 `findComposeById` loads the mounts with the compose. */
  mounts?: MountRow[];
}

export interface ComposeCreateInput {
  name: string;
  environmentId: string;
  description?: string | null;
  composeType?: "docker-compose" | "stack";
  appName?: string;
  composeFile?: string;
  sourceType?: ComposeSourceType;
}

export type ComposeUpdateInput = { composeId: string } & Partial<Omit<ComposeRow, "composeId" | "appName" | "composeStatus" | "createdAt" | "environmentId">>;

export const COMPOSE = {
  one: query<{ composeId: string }, ComposeDetail>("compose.one"),
  create: mutation<ComposeCreateInput, ComposeRow>("compose.create", "once"),
  /** The updated row; an empty body (undefined) when the id is unknown. */
  update: mutation<ComposeUpdateInput, ComposeRow | undefined>("compose.update", "idempotent"),
  delete: mutation<{ composeId: string; deleteVolumes: boolean }, unknown>("compose.delete", "delete"),
  deploy: mutation<{ composeId: string; title?: string; description?: string }, { success: boolean; message: string; composeId: string }>("compose.deploy", "once"),
  start: mutation<{ composeId: string }, unknown>("compose.start", "idempotent"),
  stop: mutation<{ composeId: string }, unknown>("compose.stop", "idempotent"),
} as const;

/** `deployment.allByCompose` (apps/dokploy/server/api/routers/deployment.ts). */
export const DEPLOYMENTS_BY_COMPOSE = query<{ composeId: string }, DeploymentRow[]>("deployment.allByCompose");
