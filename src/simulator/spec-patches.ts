/**
 * Where Dokploy v0.30.2's openapi.json disagrees with its code (its
 * response schemas are placeholders and it predates v0.30.0), the code wins. Each patch names the zod schema it mirrors
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
  /**
   * The REST adapter's `coerceSchema` (@dokploy/trpc-openapi), which runs on
   * POST bodies too: top-level boolean and number fields that are not
   * `nonoptional` go through `Boolean()`/`Number()` (`"false"` is `true`; an
   * absent required boolean is `false`).
   */
  coerce?: boolean;
  /**
   * Drop the spec's `default`s: the `.partial()` update schemas list them, but
   * an omitted key is left alone by Dokploy (an update without `replicaSets`
   * does not reset it; `{mongoId}` alone is "No values to set").
   */
  dropDefaults?: boolean;
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

// Dokploy's REST adapter coerces the top-level booleans and numbers of these POST bodies (`coerce`).
const SERVICE_CHILD_PATCHES: Readonly<Record<string, SpecPatch>> = {
  "mounts.remove": { nonoptional: ["mountId"] },
  "port.create": { notRequired: PORT_DEFAULTS },
  "port.update": { notRequired: PORT_DEFAULTS, nonoptional: ["portId"] },
  "redirects.create": { nonoptional: ["permanent"] },
  "redirects.update": { nonoptional: ["redirectId", "permanent"] },
  "security.update": { nonoptional: ["securityId"] },
  "volumeBackups.create": { coerce: true, messages: { volumeName: { pattern: VOLUME_NAME_MESSAGE } } },
  "volumeBackups.update": { coerce: true, messages: { volumeName: { pattern: VOLUME_NAME_MESSAGE } } },
  "mounts.create": { coerce: true },
  "mounts.update": { coerce: true },
  "schedule.create": { coerce: true },
  "schedule.update": { coerce: true },
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

// ---- compose, databases, backups (issues 12-14) ---------------------------------

/** `DATABASE_PASSWORD_MESSAGE` (packages/server/src/db/schema/utils.ts). */
const DATABASE_PASSWORD_MESSAGE =
  "Password contains invalid characters. Please avoid: $ ! ' \" \\ / and space characters for database compatibility";
const PASSWORD_MESSAGES = {
  appName: { pattern: APP_NAME_MESSAGE },
  databasePassword: { pattern: DATABASE_PASSWORD_MESSAGE },
  databaseRootPassword: { pattern: DATABASE_PASSWORD_MESSAGE },
};
const COMPOSE_SOURCE_TYPE = { type: "string", enum: ["git", "github", "gitlab", "bitbucket", "gitea", "raw"] };

/** Patches of the compose, database and backup endpoints (packages/server/src/db/schema/{compose,<kind>,backups}.ts). */
export const SERVICE_SPEC_PATCHES: Readonly<Record<string, SpecPatch>> = servicePatches();

function servicePatches(): Record<string, SpecPatch> {
  const out: Record<string, SpecPatch> = {
    "compose.create": { coerce: true, addProperties: { sourceType: COMPOSE_SOURCE_TYPE }, messages: { appName: { pattern: APP_NAME_MESSAGE } } },
    "compose.update": {
      coerce: true,
      addProperties: {
        createEnvFile: { type: "boolean" },
        icon: { anyOf: [{ type: "string", maxLength: 2 * 1024 * 1024 }, { type: "null" }] },
      },
      messages: { appName: { pattern: APP_NAME_MESSAGE }, icon: { maxLength: "Icon must be less than 2MB" } },
    },
    "compose.saveEnvironment": { coerce: true, addProperties: { createEnvFile: { type: "boolean" } }, nonoptional: ["composeId", "env"] },
    // `deleteVolumes: z.boolean()` is coerced: absent is `false` (a real v0.30.2 deletes with `{composeId}` alone).
    "compose.delete": { coerce: true },
    "backup.create": { coerce: true },
    "backup.update": { coerce: true, nonoptional: ["enabled", "backupId", "keepLatestCount", "serviceName", "metadata"] },
    "backup.remove": { nonoptional: ["backupId"] },
    "libsql.create": {
      coerce: true,
      notRequired: ["dockerImage", "enableNamespaces"],
      nonoptional: ["appName", "description", "sqldNode", "sqldPrimaryUrl", "serverId"],
      messages: PASSWORD_MESSAGES,
    },
    "libsql.saveExternalPorts": { coerce: true, nonoptional: ["libsqlId"] },
  };
  for (const kind of ["postgres", "mysql", "mariadb", "mongo", "redis", "libsql"]) {
    const id = `${kind}Id`;
    out[`${kind}.create`] ??= { coerce: true, messages: PASSWORD_MESSAGES };
    out[`${kind}.update`] = { coerce: true, dropDefaults: true, messages: PASSWORD_MESSAGES };
    out[`${kind}.saveEnvironment`] = { nonoptional: [id, "env"] };
    out[`${kind}.saveExternalPort`] = { nonoptional: [id, "externalPort"] };
    out[`${kind}.deploy`] = { nonoptional: [id] };
    out[`${kind}.changePassword`] = { messages: { password: { pattern: DATABASE_PASSWORD_MESSAGE } } };
  }
  return out;
}
