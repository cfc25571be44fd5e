/**
 * Dokploy request bodies built from the desired views (src/plan/views.ts), so
 * what is compared is exactly what is sent. Secret slots are resolved here,
 * at the last moment; an unresolved secret is an error, never an empty value.
 */
import type { SaveBuildTypeInput, SaveEnvironmentInput } from "../dokploy/types.ts";
import type { SecretValues } from "../plan/secrets.ts";
import { describeSecretRef } from "../plan/secrets.ts";
import { renderDotenv } from "../plan/dotenv.ts";
import { DEFAULTS, isSecretSlot, type EnvView, type View } from "../plan/views.ts";
import { isValueReference } from "../model/spec.ts";

/** Thrown when a secret reference has no value at apply time (terminal). */
export class UnresolvedSecretError extends Error {
  override readonly name = "UnresolvedSecretError";
}

/** A view value with its secret slot (if it is one) resolved; an unresolved secret throws `UnresolvedSecretError`. */
export function resolve(value: unknown, secrets: SecretValues, where: string): unknown {
  // The applier replaces value references before any payload is built (apply/references.ts).
  if (isValueReference(value)) throw new Error(`${where}: internal error: a value reference reached a payload unresolved`);
  if (!isSecretSlot(value)) return value;
  const v = secrets.get(value.$secret);
  if (v === undefined) {
    throw new UnresolvedSecretError(`${where}: ${describeSecretRef(value.$secret)} could not be resolved${secrets.error(value.$secret) ? ` (${secrets.error(value.$secret)})` : ""}`);
  }
  return v;
}

/** Env view -> dotenv text with secrets resolved. */
export function envText(env: EnvView, secrets: SecretValues, where: string): string {
  return renderDotenv(Object.entries(env).map(([k, v]) => [k, String(resolve(v, secrets, `${where}/${k}`))]));
}

type Spec = Record<string, unknown>;
const s = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The `application.save*Provider` call for the desired source: endpoint method name and body. */
export function sourcePayload(applicationId: string, view: View, secrets: SecretValues):
  | { method: "applicationSaveGithubProvider" | "applicationSaveGitProvider" | "applicationSaveDockerProvider" | "applicationSaveGitlabProvider" | "applicationSaveBitbucketProvider" | "applicationSaveGiteaProvider"; body: Record<string, unknown> } {
  const src = (view.spec as Spec).source as Spec;
  const watchPaths = (src.watchPaths as string[] | undefined) ?? [];
  const common = { watchPaths: watchPaths.length > 0 ? watchPaths : null, enableSubmodules: src.submodules };
  switch (src.type) {
    case "github":
      return { method: "applicationSaveGithubProvider", body: { applicationId, owner: src.owner, repository: src.repository, branch: src.branch, buildPath: src.buildPath, githubId: src.githubId, triggerType: src.triggerType, ...common } };
    case "git":
      return { method: "applicationSaveGitProvider", body: { applicationId, customGitUrl: src.url, customGitBranch: src.branch, customGitBuildPath: src.buildPath, customGitSSHKeyId: src.sshKeyId, ...common } };
    case "docker":
      return { method: "applicationSaveDockerProvider", body: { applicationId, dockerImage: src.image, registryUrl: src.registryUrl, username: src.username, password: s(resolve(src.password, secrets, "/spec/source/password")) } };
    case "gitlab":
      return { method: "applicationSaveGitlabProvider", body: { applicationId, gitlabId: src.gitlabId, gitlabProjectId: src.gitlabProjectId, gitlabOwner: src.gitlabOwner, gitlabRepository: src.gitlabRepository, gitlabPathNamespace: src.gitlabPathNamespace, gitlabBranch: src.gitlabBranch, gitlabBuildPath: src.gitlabBuildPath, ...common } };
    case "bitbucket":
      return { method: "applicationSaveBitbucketProvider", body: { applicationId, bitbucketId: src.bitbucketId, bitbucketOwner: src.bitbucketOwner, bitbucketRepository: src.bitbucketRepository, bitbucketRepositorySlug: src.bitbucketRepositorySlug, bitbucketBranch: src.bitbucketBranch, bitbucketBuildPath: src.bitbucketBuildPath, ...common } };
    case "gitea":
      return { method: "applicationSaveGiteaProvider", body: { applicationId, giteaId: src.giteaId, giteaOwner: src.giteaOwner, giteaRepository: src.giteaRepository, giteaBranch: src.giteaBranch, giteaBuildPath: src.giteaBuildPath, ...common } };
    default:
      throw new Error(`unsupported source type ${String(src.type)}`);
  }
}

/** `application.saveBuildType`: the chosen type's fields, Dokploy's defaults for the others (all keys must be present). */
export function buildPayload(applicationId: string, view: View): SaveBuildTypeInput | undefined {
  const b = (view.spec as Spec).build as Spec | undefined;
  if (!b) return undefined;
  return {
    applicationId,
    buildType: String(b.type),
    dockerfile: b.type === "dockerfile" ? s(b.dockerfile) : DEFAULTS.dockerfile,
    dockerContextPath: b.type === "dockerfile" ? s(b.contextPath) : null,
    dockerBuildStage: b.type === "dockerfile" ? s(b.target) : null,
    herokuVersion: b.type === "heroku_buildpacks" ? s(b.herokuVersion) : DEFAULTS.herokuVersion,
    railpackVersion: b.type === "railpack" ? s(b.railpackVersion) : DEFAULTS.railpackVersion,
    publishDirectory: b.type === "static" || b.type === "nixpacks" ? s(b.publishDirectory) : null,
    isStaticSpa: b.type === "static" ? Boolean(b.spa) : null,
  };
}

/** `application.saveEnvironment`: env, build args and build secrets as dotenv text. */
export function environmentPayload(applicationId: string, view: View, secrets: SecretValues, createEnvFile: boolean): SaveEnvironmentInput {
  const spec = view.spec as Spec;
  return {
    applicationId,
    env: envText(spec.env as EnvView, secrets, "/spec/env"),
    buildArgs: envText(spec.buildArgs as EnvView, secrets, "/spec/buildArgs"),
    buildSecrets: envText(spec.buildSecrets as EnvView, secrets, "/spec/buildSecrets"),
    createEnvFile,
  };
}

/** The columns `application.update` writes (besides description). */
export function generalPayload(view: View): Record<string, unknown> {
  const spec = view.spec as Spec;
  const r = spec.resources as Spec;
  return {
    name: view.metadata.name,
    command: spec.command,
    args: (spec.args as string[]).length > 0 ? spec.args : null,
    replicas: spec.replicas,
    autoDeploy: spec.autoDeploy,
    memoryLimit: r.memoryLimit, memoryReservation: r.memoryReservation, cpuLimit: r.cpuLimit, cpuReservation: r.cpuReservation,
  };
}
