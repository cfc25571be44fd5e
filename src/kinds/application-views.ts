/**
 * The Application kind's views: the manifest and `application.one` projected
 * into one shape for the diff, every Dokploy default filled in (Dokploy
 * v0.30.2, packages/server/src/db/schema/application.ts). The applier builds
 * its payloads from the same desired view, so what is compared is what is sent.
 */
import type { ApplicationDetail } from "../dokploy/types.ts";
import { parseDescription } from "../model/marker.ts";
import { isValueReference, type ApplicationSpec } from "../model/spec.ts";
import type { ExportedSpec } from "./types.ts";
import { cpuToNano, exportResources, memoryToBytes } from "../plan/quantity.ts";
import { DEFAULTS, arr, descriptionText, desiredEnv, emptyToNull, envValueText, liveEnv, type View } from "../plan/views.ts";

/** The source as the manifest names it (shared with Compose, whose git fields are the same). */
export function desiredSource(spec: ApplicationSpec): Record<string, unknown> {
  const s = spec.source;
  const common = { watchPaths: arr("watchPaths" in s ? s.watchPaths : undefined), submodules: ("submodules" in s && s.submodules) || false };
  switch (s.type) {
    case "github":
      return {
        type: "github", owner: s.owner, repository: s.repository, branch: s.branch,
        buildPath: s.buildPath ?? DEFAULTS.buildPath, githubId: s.githubId ?? null,
        triggerType: s.triggerType ?? DEFAULTS.triggerType, ...common,
      };
    case "git":
      return {
        type: "git", url: s.url, branch: s.branch, buildPath: s.buildPath ?? DEFAULTS.buildPath,
        sshKeyId: s.sshKeyId ?? null, ...common,
      };
    case "docker":
      return {
        type: "docker", image: s.image, registryUrl: emptyToNull(s.registryUrl), username: emptyToNull(s.username),
        password: s.password === undefined || s.password === null || s.password === "" ? null : envValueText(s.password),
      };
    case "gitlab":
      return {
        type: "gitlab", gitlabId: s.gitlabId ?? null, gitlabProjectId: s.gitlabProjectId ?? null,
        gitlabOwner: s.gitlabOwner, gitlabRepository: s.gitlabRepository,
        gitlabPathNamespace: s.gitlabPathNamespace ?? null, gitlabBranch: s.gitlabBranch,
        gitlabBuildPath: s.gitlabBuildPath ?? DEFAULTS.buildPath, ...common,
      };
    case "bitbucket":
      return {
        type: "bitbucket", bitbucketId: s.bitbucketId ?? null, bitbucketOwner: s.bitbucketOwner,
        bitbucketRepository: s.bitbucketRepository, bitbucketRepositorySlug: s.bitbucketRepositorySlug ?? null,
        bitbucketBranch: s.bitbucketBranch, bitbucketBuildPath: s.bitbucketBuildPath ?? DEFAULTS.buildPath, ...common,
      };
    case "gitea":
      return {
        type: "gitea", giteaId: s.giteaId ?? null, giteaOwner: s.giteaOwner, giteaRepository: s.giteaRepository,
        giteaBranch: s.giteaBranch, giteaBuildPath: s.giteaBuildPath ?? DEFAULTS.buildPath, ...common,
      };
  }
}

/** The source of a live row (Compose rows name their git fields as Application rows do). */
export function liveSource(a: ApplicationDetail): Record<string, unknown> {
  const common = { watchPaths: arr(a.watchPaths), submodules: a.enableSubmodules ?? false };
  switch (a.sourceType) {
    case "github":
      return {
        type: "github", owner: a.owner, repository: a.repository, branch: a.branch, buildPath: a.buildPath,
        githubId: emptyToNull(a.githubId), triggerType: a.triggerType ?? DEFAULTS.triggerType, ...common,
      };
    case "git":
      return {
        type: "git", url: a.customGitUrl, branch: a.customGitBranch, buildPath: a.customGitBuildPath,
        sshKeyId: emptyToNull(a.customGitSSHKeyId), ...common,
      };
    case "docker":
      return {
        type: "docker", image: a.dockerImage, registryUrl: emptyToNull(a.registryUrl),
        username: emptyToNull(a.username), password: emptyToNull(a.password),
      };
    case "gitlab":
      return {
        type: "gitlab", gitlabId: emptyToNull(a.gitlabId), gitlabProjectId: a.gitlabProjectId ?? null,
        gitlabOwner: a.gitlabOwner, gitlabRepository: a.gitlabRepository,
        gitlabPathNamespace: emptyToNull(a.gitlabPathNamespace), gitlabBranch: a.gitlabBranch,
        gitlabBuildPath: a.gitlabBuildPath, ...common,
      };
    case "bitbucket":
      return {
        type: "bitbucket", bitbucketId: emptyToNull(a.bitbucketId), bitbucketOwner: a.bitbucketOwner,
        bitbucketRepository: a.bitbucketRepository, bitbucketRepositorySlug: emptyToNull(a.bitbucketRepositorySlug),
        bitbucketBranch: a.bitbucketBranch, bitbucketBuildPath: a.bitbucketBuildPath, ...common,
      };
    case "gitea":
      return {
        type: "gitea", giteaId: emptyToNull(a.giteaId), giteaOwner: a.giteaOwner, giteaRepository: a.giteaRepository,
        giteaBranch: a.giteaBranch, giteaBuildPath: a.giteaBuildPath, ...common,
      };
    default:
      return { type: a.sourceType };
  }
}

/** Companion fields of a build type, as the manifest names them. */
function buildView(
  type: string,
  f: { dockerfile: string | null; contextPath: string | null; target: string | null; publishDirectory: string | null; spa: boolean | null; herokuVersion: string | null; railpackVersion: string | null },
): Record<string, unknown> {
  switch (type) {
    case "dockerfile":
      return { type, dockerfile: f.dockerfile ?? DEFAULTS.dockerfile, contextPath: emptyToNull(f.contextPath), target: emptyToNull(f.target) };
    case "static":
      return { type, publishDirectory: emptyToNull(f.publishDirectory), spa: f.spa ?? false };
    case "nixpacks":
      return { type, publishDirectory: emptyToNull(f.publishDirectory) };
    case "heroku_buildpacks":
      return { type, herokuVersion: f.herokuVersion ?? DEFAULTS.herokuVersion };
    case "railpack":
      return { type, railpackVersion: f.railpackVersion ?? DEFAULTS.railpackVersion };
    default:
      return { type };
  }
}

export function desiredApplicationView(name: string, spec: ApplicationSpec): View {
  const b = spec.build;
  const r = spec.resources ?? {};
  const out: Record<string, unknown> = {
    description: descriptionText(spec.description),
    source: desiredSource(spec),
  };
  if (spec.source.type !== "docker") {
    out.build = buildView(b?.type ?? DEFAULTS.buildType, {
      dockerfile: b?.dockerfile ?? null, contextPath: b?.contextPath ?? null, target: b?.target ?? null,
      publishDirectory: b?.publishDirectory ?? null, spa: b?.spa ?? null, herokuVersion: b?.herokuVersion ?? null,
      railpackVersion: b?.railpackVersion ?? null,
    });
  }
  out.env = desiredEnv(spec.env);
  out.buildArgs = desiredEnv(spec.buildArgs);
  out.buildSecrets = desiredEnv(spec.buildSecrets);
  // A value reference stays as it is (resolved by the diff and, when applying, before the payloads).
  out.command = isValueReference(spec.command) ? spec.command : emptyToNull(spec.command ?? null);
  out.args = spec.args ?? [];
  out.replicas = spec.replicas ?? DEFAULTS.replicas;
  out.resources = {
    memoryLimit: memoryToBytes(r.memoryLimit), memoryReservation: memoryToBytes(r.memoryReservation),
    cpuLimit: cpuToNano(r.cpuLimit), cpuReservation: cpuToNano(r.cpuReservation),
  };
  out.autoDeploy = spec.autoDeploy ?? DEFAULTS.autoDeploy;
  return { metadata: { name }, spec: out };
}

export function liveApplicationView(a: ApplicationDetail): View {
  const out: Record<string, unknown> = {
    description: parseDescription(a.description).text,
    source: liveSource(a),
  };
  if (a.sourceType !== "docker") {
    out.build = buildView(a.buildType, {
      dockerfile: a.dockerfile, contextPath: a.dockerContextPath, target: a.dockerBuildStage,
      publishDirectory: a.publishDirectory, spa: a.isStaticSpa, herokuVersion: a.herokuVersion,
      railpackVersion: a.railpackVersion,
    });
  }
  out.env = liveEnv(a.env);
  out.buildArgs = liveEnv(a.buildArgs);
  out.buildSecrets = liveEnv(a.buildSecrets);
  out.command = emptyToNull(a.command);
  out.args = arr(a.args);
  out.replicas = a.replicas;
  out.resources = {
    memoryLimit: emptyToNull(a.memoryLimit), memoryReservation: emptyToNull(a.memoryReservation),
    cpuLimit: emptyToNull(a.cpuLimit), cpuReservation: emptyToNull(a.cpuReservation),
  };
  out.autoDeploy = a.autoDeploy ?? DEFAULTS.autoDeploy;
  return { metadata: { name: a.name }, spec: out };
}

/**
 * `export`: the live application as a manifest spec, the inverse of
 * `liveApplicationView` (quantities in readable units; `state: stopped`
 * for an idle one, so adopting it neither starts nor deploys it).
 */
export function exportApplicationSpec(a: ApplicationDetail): ExportedSpec {
  const v = liveApplicationView(a).spec;
  const spec: Record<string, unknown> = {
    description: v.description,
    source: v.source,
    ...(v.build ? { build: v.build } : {}),
    env: v.env,
    buildArgs: v.buildArgs,
    buildSecrets: v.buildSecrets,
    command: v.command,
    args: v.args,
    replicas: v.replicas,
    resources: exportResources(v.resources as Parameters<typeof exportResources>[0]),
    autoDeploy: v.autoDeploy,
  };
  if (a.applicationStatus === "idle") spec.state = "stopped";
  return { spec };
}
