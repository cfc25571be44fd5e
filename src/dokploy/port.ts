/**
 * The Dokploy API port. The reconciler depends on this interface only;
 * `createDokployClient` (undici) implements it for a real or simulated Dokploy.
 * Two ways in: `call(EndpointDef)`, through which kind modules (src/kinds/)
 * reach the endpoints they declare (`compose.*` in routers/compose.ts), and the named methods
 * of the first kinds (projects, environments, applications, domains), whose
 * names mirror the tRPC procedure (`project.all` -> `projectAll`). A few named
 * methods are not used by the engine today (`health`, `settingsGetDokployVersion`,
 * `environmentByProjectId`, `applicationRedeploy`, `domainOne`): the client
 * contract tests keep them honest for tools built on the port. Every method
 * rejects with a `DokployError`.
 */
import type {
  ApplicationCreateInput, ApplicationDetail, ApplicationRow, ApplicationUpdateInput, DeployInput,
  DeploymentRow, DomainCreateInput, DomainRow, DomainUpdateInput, EnvironmentCreateInput, EnvironmentRow,
  EnvironmentUpdateInput, ProjectCreateInput, ProjectCreateResult, ProjectDetail, ProjectListItem,
  ProjectRow, ProjectUpdateInput, SaveBitbucketProviderInput, SaveBuildTypeInput, SaveDockerProviderInput,
  SaveEnvironmentInput, SaveGitProviderInput, SaveGiteaProviderInput, SaveGithubProviderInput,
  SaveGitlabProviderInput,
} from "./types.ts";
import type { EndpointDef } from "./endpoint.ts";

export interface DokployApi {
  /**
   * Any endpoint a kind module declares (`endpoint.ts`), sent with the same
   * retries, breaker, deadlines and error types as the named methods below.
   */
  call<I, O>(endpoint: EndpointDef<I, O>, input: I): Promise<O>;
  /** `GET /api/health` (no auth). */
  health(): Promise<{ ok: boolean }>;
  /** `GET settings.getDokployVersion`: a cheap authenticated check. */
  settingsGetDokployVersion(): Promise<string>;

  projectAll(): Promise<ProjectListItem[]>;
  projectOne(input: { projectId: string }): Promise<ProjectDetail>;
  projectCreate(input: ProjectCreateInput): Promise<ProjectCreateResult>;
  projectUpdate(input: ProjectUpdateInput): Promise<ProjectRow>;
  projectRemove(input: { projectId: string }): Promise<ProjectRow>;

  environmentOne(input: { environmentId: string }): Promise<unknown>;
  environmentByProjectId(input: { projectId: string }): Promise<unknown[]>;
  environmentCreate(input: EnvironmentCreateInput): Promise<EnvironmentRow>;
  environmentUpdate(input: EnvironmentUpdateInput): Promise<EnvironmentRow>;
  environmentRemove(input: { environmentId: string }): Promise<EnvironmentRow>;

  applicationOne(input: { applicationId: string }): Promise<ApplicationDetail>;
  applicationCreate(input: ApplicationCreateInput): Promise<ApplicationRow>;
  /** Returns `true`. */
  applicationUpdate(input: ApplicationUpdateInput): Promise<boolean>;
  applicationDelete(input: { applicationId: string }): Promise<unknown>;
  applicationSaveGithubProvider(input: SaveGithubProviderInput): Promise<boolean>;
  applicationSaveGitlabProvider(input: SaveGitlabProviderInput): Promise<boolean>;
  applicationSaveBitbucketProvider(input: SaveBitbucketProviderInput): Promise<boolean>;
  applicationSaveGiteaProvider(input: SaveGiteaProviderInput): Promise<boolean>;
  applicationSaveGitProvider(input: SaveGitProviderInput): Promise<boolean>;
  applicationSaveDockerProvider(input: SaveDockerProviderInput): Promise<boolean>;
  applicationSaveBuildType(input: SaveBuildTypeInput): Promise<boolean>;
  applicationSaveEnvironment(input: SaveEnvironmentInput): Promise<boolean>;
  /** Empty 200 body on self-hosted Dokploy: resolves to undefined. */
  applicationDeploy(input: DeployInput): Promise<void>;
  applicationRedeploy(input: DeployInput): Promise<void>;
  /** Returns the row read before the status change. */
  applicationStart(input: { applicationId: string }): Promise<unknown>;
  applicationStop(input: { applicationId: string }): Promise<unknown>;

  domainCreate(input: DomainCreateInput): Promise<DomainRow>;
  domainOne(input: { domainId: string }): Promise<DomainRow>;
  domainByApplicationId(input: { applicationId: string }): Promise<DomainRow[]>;
  domainUpdate(input: DomainUpdateInput): Promise<DomainRow>;
  domainDelete(input: { domainId: string }): Promise<DomainRow>;

  deploymentAll(input: { applicationId: string }): Promise<DeploymentRow[]>;
}

/** Every endpoint of the named methods (`router.procedure`), with its HTTP method; endpoints reached through `call` are declared by their kind module. */
export const ENDPOINTS = {
  "settings.getDokployVersion": "GET",
  "project.all": "GET",
  "project.one": "GET",
  "project.create": "POST",
  "project.update": "POST",
  "project.remove": "POST",
  "environment.one": "GET",
  "environment.byProjectId": "GET",
  "environment.create": "POST",
  "environment.update": "POST",
  "environment.remove": "POST",
  "application.one": "GET",
  "application.create": "POST",
  "application.update": "POST",
  "application.delete": "POST",
  "application.saveGithubProvider": "POST",
  "application.saveGitlabProvider": "POST",
  "application.saveBitbucketProvider": "POST",
  "application.saveGiteaProvider": "POST",
  "application.saveGitProvider": "POST",
  "application.saveDockerProvider": "POST",
  "application.saveBuildType": "POST",
  "application.saveEnvironment": "POST",
  "application.deploy": "POST",
  "application.redeploy": "POST",
  "application.start": "POST",
  "application.stop": "POST",
  "domain.create": "POST",
  "domain.one": "GET",
  "domain.byApplicationId": "GET",
  "domain.update": "POST",
  "domain.delete": "POST",
  "deployment.all": "GET",
} as const;

export type Endpoint = keyof typeof ENDPOINTS;

/** True for endpoints that change state (POST). `plan` and `comment` must never call one. */
export function isWriteEndpoint(endpoint: string): boolean {
  return (ENDPOINTS as Record<string, string>)[endpoint] === "POST";
}
