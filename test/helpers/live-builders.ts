/**
 * Builders for observed live state and desired manifests, for planner table
 * tests and property tests. Live rows carry Dokploy's read-back defaults
 * (packages/server/src/db/schema/*.ts) so a row built from the same values as a manifest plans as no-op.
 */
import type { ApplicationDetail, DomainRow } from "../../src/dokploy/types.ts";
import { loadManifestTexts } from "../../src/manifest/index.ts";
import type { DesiredState } from "../../src/model/manifest.ts";
import { renderDescription, type Marker } from "../../src/model/marker.ts";
import type { ObservedApplication, ObservedEnvironment, ObservedProject } from "../../src/model/observed.ts";

/** Desired state from YAML text (multi-document); throws with the diagnostics when invalid. */
export function desiredFrom(yaml: string): DesiredState {
  const report = loadManifestTexts([{ file: "test.yaml", text: yaml }]);
  if (!report.desired) {
    throw new Error(`invalid test manifests:\n${report.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n")}`);
  }
  return report.desired;
}

/** A description carrying this tool's marker. */
export function marked(key: string, id: string | undefined, extra: Partial<Marker> = {}, text = "", instance = "default"): string {
  return renderDescription(text, { v: 1, instance, key, ...(id ? { id } : {}), ...extra });
}

export function liveProject(name: string, opts: { id?: string; description?: string | null; env?: string; environments?: ObservedEnvironment[]; detailed?: boolean } = {}): ObservedProject {
  const id = opts.id ?? `p-${name}`;
  return {
    projectId: id,
    name,
    description: opts.description ?? null,
    env: opts.env ?? "",
    environments: opts.environments ?? [liveEnvironment("production", { isDefault: true, id: `${id}-prod`, description: "Production environment" })],
    detailed: opts.detailed ?? true,
  };
}

export function liveEnvironment(name: string, opts: { id?: string; description?: string | null; env?: string; isDefault?: boolean; applications?: ObservedApplication[]; services?: ObservedEnvironment["services"]; otherServices?: Array<{ kind: string; id: string; name: string }> } = {}): ObservedEnvironment {
  return {
    environmentId: opts.id ?? `e-${name}`,
    name,
    description: opts.description ?? null,
    env: opts.env ?? "",
    isDefault: opts.isDefault ?? false,
    applications: opts.applications ?? [],
    services: [...(opts.services ?? []), ...(opts.otherServices ?? []).map((o) => ({ ...o, description: null, appName: `${o.name}-x`, status: "" }))],
  };
}

export function liveDomain(host: string, opts: Partial<DomainRow> = {}): DomainRow {
  return {
    domainId: `d-${host}`,
    host,
    https: false,
    port: 3000,
    path: "/",
    internalPath: "/",
    stripPath: false,
    customEntrypoint: null,
    serviceName: null,
    domainType: "application",
    certificateType: "none",
    customCertResolver: null,
    uniqueConfigKey: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    applicationId: null,
    composeId: null,
    previewDeploymentId: null,
    middlewares: [],
    forwardAuthEnabled: false,
    enabled: true,
    ...opts,
  };
}

/** An application as `application.one` returns it: a docker app `nginx:1` by default, deployed once. */
export function appDetail(name: string, opts: Partial<ApplicationDetail> = {}): ApplicationDetail {
  const id = opts.applicationId ?? `a-${name}`;
  return {
    applicationId: id, name, appName: `${name}-abc123`, description: null, environmentId: "e-x",
    env: null, buildArgs: null, buildSecrets: null, createEnvFile: true,
    memoryReservation: null, memoryLimit: null, cpuReservation: null, cpuLimit: null,
    command: null, args: null, replicas: 1, autoDeploy: true, applicationStatus: "done",
    sourceType: "docker", buildType: "nixpacks",
    repository: null, owner: null, branch: null, buildPath: "/", githubId: null, triggerType: "push", enableSubmodules: false, watchPaths: null,
    gitlabId: null, gitlabProjectId: null, gitlabOwner: null, gitlabRepository: null, gitlabPathNamespace: null, gitlabBranch: null, gitlabBuildPath: "/",
    bitbucketId: null, bitbucketOwner: null, bitbucketRepository: null, bitbucketRepositorySlug: null, bitbucketBranch: null, bitbucketBuildPath: "/",
    giteaId: null, giteaOwner: null, giteaRepository: null, giteaBranch: null, giteaBuildPath: "/",
    customGitUrl: null, customGitBranch: null, customGitBuildPath: null, customGitSSHKeyId: null,
    dockerImage: "nginx:1", username: null, password: null, registryUrl: null,
    dockerfile: "Dockerfile", dockerContextPath: null, dockerBuildStage: null, publishDirectory: null, isStaticSpa: null,
    herokuVersion: "24", railpackVersion: "0.15.4", createdAt: "2026-01-01T00:00:00.000Z",
    domains: [],
    deployments: [{ deploymentId: `dep-${id}`, title: "x", description: null, status: "done", logPath: "", applicationId: id, composeId: null, createdAt: "2026-01-01T00:00:00.000Z", startedAt: null, finishedAt: null, errorMessage: null }],
    environment: undefined as never,
    mounts: [], ports: [], redirects: [], security: [],
    ...opts,
  };
}

/** An application summary (as in `project.one`) with its detail attached when given. */
export function liveApp(detail: ApplicationDetail, withDetail = true): ObservedApplication {
  return {
    applicationId: detail.applicationId,
    name: detail.name,
    description: detail.description,
    appName: detail.appName,
    applicationStatus: detail.applicationStatus,
    ...(withDetail ? { detail } : {}),
  };
}
