/**
 * Where Dokploy v0.30.2's openapi.json disagrees with its code (NOTES §1.2,
 * §1.8), the code wins. Each patch names the zod schema it mirrors
 * (`packages/server/src/db/schema/*.ts`, `db/validations/domain.ts`) so the
 * simulator rejects exactly what Dokploy rejects, with Dokploy's messages.
 */

/** A zod `.refine` the spec cannot express: a custom issue when `test` fails. */
export interface Refinement {
  field: string;
  /** Only evaluated when the field is a string. */
  test: (value: string) => boolean;
  message: string;
}

/** The patch for one endpoint's input schema. */
export interface SpecPatch {
  /** Properties missing from the spec. */
  addProperties?: Record<string, Record<string, unknown>>;
  /** Keys the spec lists as required but that zod defaults (they stay optional). */
  notRequired?: string[];
  /**
   * Keys made `.required()` over an optional zod type: absent gives
   * `{code:"invalid_type", expected:"nonoptional"}` rather than `expected:<type>`.
   */
  nonoptional?: string[];
  /** Custom zod messages per field and check (`minLength`, `maxLength`, `pattern`, `minimum`, `maximum`). */
  messages?: Record<string, Partial<Record<"minLength" | "maxLength" | "pattern" | "minimum" | "maximum", string>>>;
  /** Refinements run after the schema checks pass for that field. */
  refinements?: Refinement[];
}

const BRANCH_MESSAGE = "Invalid branch name";
const APP_NAME_MESSAGE = "App name can only contain letters, numbers, dots, underscores and hyphens";
const VALID_HOSTNAME_REGEX =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const INVALID_HOSTNAME_MESSAGE =
  "Invalid domain name. Use only letters, numbers, hyphens and dots (e.g. example.com). Underscores are not allowed.";

/** `db/validations/domain.ts`: the host checks (its `superRefine` is not part of the API schema). */
const DOMAIN_PATCH: SpecPatch = {
  messages: {
    host: { minLength: "Add a hostname" },
    port: { minimum: "Port must be at least 1", maximum: "Port must be 65535 or below" },
  },
  refinements: [
    { field: "host", test: (v) => v === v.trim(), message: "Domain name cannot have leading or trailing spaces" },
    { field: "host", test: (v) => VALID_HOSTNAME_REGEX.test(v.trim()), message: INVALID_HOSTNAME_MESSAGE },
  ],
};

// ---- service children (issue 15) ----
// `.required()` over a key that drizzle-zod made optional (a primary key with a `$defaultFn`, a
// column with a DB default) gives "nonoptional" when absent; a key with a zod `.default()` stays
// optional and takes the default (packages/server/src/db/schema/{mount,port,redirects,security}.ts).

/** `packages/server/src/db/schema/utils.ts` `VOLUME_NAME_MESSAGE`. */
const VOLUME_NAME_MESSAGE =
  "Volume name must start with a letter or number and contain only letters, numbers, dots, underscores and hyphens";

const PORT_DEFAULTS = ["publishMode", "protocol"];

const SERVICE_CHILD_PATCHES: Readonly<Record<string, SpecPatch>> = {
  "mounts.remove": { nonoptional: ["mountId"] },
  "port.create": { notRequired: PORT_DEFAULTS },
  "port.update": { notRequired: PORT_DEFAULTS, nonoptional: ["portId"] },
  "redirects.create": { nonoptional: ["permanent"] },
  "redirects.update": { nonoptional: ["redirectId", "permanent"] },
  "security.update": { nonoptional: ["securityId"] },
  "volumeBackups.create": { messages: { volumeName: { pattern: VOLUME_NAME_MESSAGE } } },
  "volumeBackups.update": { messages: { volumeName: { pattern: VOLUME_NAME_MESSAGE } } },
};

/** Patches by endpoint. */
export const SPEC_PATCHES: Readonly<Record<string, SpecPatch>> = {
  "application.create": {
    addProperties: {
      sourceType: { type: "string", enum: ["github", "docker", "git", "gitlab", "bitbucket", "gitea", "drop"] },
    },
    messages: { appName: { pattern: APP_NAME_MESSAGE } },
  },
  "application.update": { messages: { appName: { pattern: APP_NAME_MESSAGE } } },
  "application.saveGithubProvider": {
    notRequired: ["triggerType"],
    nonoptional: ["applicationId", "repository", "owner", "buildPath", "githubId"],
    messages: { branch: { pattern: BRANCH_MESSAGE } },
  },
  "application.saveGitlabProvider": {
    nonoptional: [
      "applicationId", "gitlabBuildPath", "gitlabOwner", "gitlabRepository", "gitlabId", "gitlabProjectId",
      "gitlabPathNamespace",
    ],
    messages: { gitlabBranch: { pattern: BRANCH_MESSAGE } },
  },
  "application.saveBitbucketProvider": {
    nonoptional: [
      "bitbucketBuildPath", "bitbucketOwner", "bitbucketRepository", "bitbucketRepositorySlug", "bitbucketId",
      "applicationId",
    ],
    messages: { bitbucketBranch: { pattern: BRANCH_MESSAGE } },
  },
  "application.saveGiteaProvider": {
    nonoptional: ["applicationId", "giteaBuildPath", "giteaOwner", "giteaRepository", "giteaId"],
    messages: { giteaBranch: { pattern: BRANCH_MESSAGE } },
  },
  "application.saveGitProvider": {
    nonoptional: ["applicationId", "customGitBuildPath", "customGitUrl", "watchPaths"],
    messages: { customGitBranch: { pattern: BRANCH_MESSAGE } },
  },
  "application.saveDockerProvider": {
    nonoptional: ["dockerImage", "applicationId", "username", "password", "registryUrl"],
  },
  "application.saveBuildType": {
    nonoptional: [
      "applicationId", "buildType", "dockerfile", "dockerContextPath", "dockerBuildStage", "herokuVersion",
      "railpackVersion",
    ],
  },
  "application.saveEnvironment": {
    nonoptional: ["applicationId", "env", "buildArgs", "buildSecrets", "createEnvFile"],
  },
  "domain.create": DOMAIN_PATCH,
  "domain.update": {
    ...DOMAIN_PATCH,
    addProperties: { enabled: { type: "boolean" } },
    nonoptional: ["domainId"],
  },
  ...SERVICE_CHILD_PATCHES,
};
