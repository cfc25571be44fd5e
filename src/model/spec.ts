/**
 * The typed shape of manifest specs (apiVersion dokploy-gitops/v1). This is the
 * TypeScript mirror of `manifests-schema/*.schema.json`, which stays the single
 * source of truth for validation; the loader only hands out documents that the
 * schemas accepted, so code may rely on these types.
 *
 * Field names follow Dokploy's own where they exist. Optional fields take the
 * default Dokploy itself applies (documented in the schemas), so an omitted
 * field means "Dokploy's default", not "whatever is live".
 */

/** A secret reference: resolved by the running tool, never stored in git. */
export type SecretRef = { fromEnv: string } | { fromFile: string };

/**
 * A field of another resource of the same project, resolved when applying
 * (the value of a field Dokploy chooses, such as a service's host name, is
 * "known after apply" until the resource exists). `ref` is the resource's
 * key without its project: `<Kind>/<name>` in the referrer's own
 * environment, `<Kind>/<environment>/<name>` in another one (a domain adds
 * its service: `Domain/<application>/<name>`, `Domain/compose:<stack>/<name>`).
 */
export interface Reference {
  ref: string;
  field: string;
}

/**
 * A text built from references and secrets, e.g.
 * `{format: "postgres://{user}:{password}@{host}:5432/db", args: {...}}`:
 * every `{name}` is replaced by its argument (`{{` and `}}` stand for braces).
 * A value with a secret argument is a secret.
 */
export interface ComposedValue {
  format: string;
  args: Record<string, Reference | SecretRef>;
}

/** A value resolved when applying: a reference or a composed value. */
export type ValueReference = Reference | ComposedValue;

/** A variable's value: a literal (numbers and booleans are written as text), a secret reference or a value reference. */
export type EnvValue = string | number | boolean | SecretRef | ValueReference;

/** A text field that may also be a value reference (a command, an argument). */
export type TextValue = string | ValueReference;

/** A map of variables, rendered to Dokploy's dotenv text (`KEY=value` lines). */
export type EnvMap = Record<string, EnvValue>;

export interface ProjectSpec {
  description?: string;
  env?: EnvMap;
}

export interface EnvironmentSpec {
  description?: string;
  env?: EnvMap;
}

export interface GithubSource {
  type: "github";
  owner: string;
  repository: string;
  branch: string;
  buildPath?: string;
  githubId?: string | null;
  triggerType?: "push" | "tag";
  watchPaths?: string[];
  submodules?: boolean;
}

export interface GitSource {
  type: "git";
  url: string;
  branch: string;
  buildPath?: string;
  sshKeyId?: string | null;
  watchPaths?: string[];
  submodules?: boolean;
}

export interface DockerSource {
  type: "docker";
  image: string;
  registryUrl?: string | null;
  username?: string | null;
  password?: EnvValue | null;
}

export interface GitlabSource {
  type: "gitlab";
  gitlabId?: string | null;
  gitlabProjectId?: number | null;
  gitlabOwner: string;
  gitlabRepository: string;
  gitlabPathNamespace?: string | null;
  gitlabBranch: string;
  gitlabBuildPath?: string;
  watchPaths?: string[];
  submodules?: boolean;
}

export interface BitbucketSource {
  type: "bitbucket";
  bitbucketId?: string | null;
  bitbucketOwner: string;
  bitbucketRepository: string;
  bitbucketRepositorySlug?: string | null;
  bitbucketBranch: string;
  bitbucketBuildPath?: string;
  watchPaths?: string[];
  submodules?: boolean;
}

export interface GiteaSource {
  type: "gitea";
  giteaId?: string | null;
  giteaOwner: string;
  giteaRepository: string;
  giteaBranch: string;
  giteaBuildPath?: string;
  watchPaths?: string[];
  submodules?: boolean;
}

export type ApplicationSource =
  | GithubSource
  | GitSource
  | DockerSource
  | GitlabSource
  | BitbucketSource
  | GiteaSource;

export type BuildType =
  | "dockerfile"
  | "nixpacks"
  | "heroku_buildpacks"
  | "paketo_buildpacks"
  | "static"
  | "railpack";

export interface BuildSpec {
  type: BuildType;
  /** dockerfile: path of the Dockerfile relative to the build path. */
  dockerfile?: string;
  /** dockerfile: build context (Dokploy `dockerContextPath`). */
  contextPath?: string;
  /** dockerfile: `--target` stage (Dokploy `dockerBuildStage`). */
  target?: string;
  /** static / nixpacks: the directory to publish. */
  publishDirectory?: string;
  /** static: single-page app routing (Dokploy `isStaticSpa`). */
  spa?: boolean;
  herokuVersion?: string;
  railpackVersion?: string;
}

export interface ResourcesSpec {
  /** Memory limit: bytes, or a quantity such as `512Mi`, `1Gi`, `256M`. */
  memoryLimit?: string | number;
  memoryReservation?: string | number;
  /** CPU limit: cores (`0.5`, `2`) or millicores (`500m`). */
  cpuLimit?: string | number;
  cpuReservation?: string | number;
}

export interface ApplicationSpec {
  description?: string;
  source: ApplicationSource;
  build?: BuildSpec;
  env?: EnvMap;
  buildArgs?: EnvMap;
  buildSecrets?: EnvMap;
  command?: TextValue | null;
  args?: TextValue[] | null;
  replicas?: number;
  resources?: ResourcesSpec;
  autoDeploy?: boolean;
  state?: "running" | "stopped";
  /** Published ports (Docker Swarm); a change takes effect on the next deploy. */
  ports?: PortSpec[];
  /** Volumes, bind mounts and files; a change takes effect on the next deploy. */
  mounts?: MountSpec[];
  /** Regex redirects (Traefik), effective at once. */
  redirects?: RedirectSpec[];
  /** Basic-auth users (Traefik), effective at once. */
  security?: SecuritySpec[];
  /** Cron jobs run in the application's container. */
  schedules?: ScheduleSpec[];
}

/**
 * A service's child lists (issue 15). A list is the desired state of the
 * entries this tool owns, each identified by its natural key; an omitted list
 * leaves every entry alone.
 */
export interface PortSpec {
  publishedPort: number;
  targetPort: number;
  /** Default `tcp`. Part of the natural key with `publishedPort`. */
  protocol?: "tcp" | "udp";
  /** Default `ingress`. */
  publishMode?: "ingress" | "host";
}

/** A file mount's content: inline text, a file beside the manifest, or a secret reference. */
export type MountContent = string | { file: string } | SecretRef;

/**
 * A scheduled copy of a volume mount's volume to a backup destination
 * (Dokploy's volume backups), written under the mount. Owned through the
 * service's marker by the volume's name.
 */
export interface VolumeBackupSpec {
  /** Cron expression (Dokploy does not check it). */
  schedule: string;
  /** The name of an existing Dokploy destination. */
  destination: string;
  /** Key prefix in the bucket. Default "/" (as for database backups). */
  prefix?: string;
  /** How many copies to keep (null: all). */
  keepLatestCount?: number | null;
  /** Default true. */
  enabled?: boolean;
}

/** A volume backup as its own child list entry: the backup with the volume it copies. */
export interface VolumeBackupEntrySpec extends VolumeBackupSpec {
  volumeName: string;
}

export type MountSpec =
  | { type: "volume"; mountPath: string; volumeName: string; backup?: VolumeBackupSpec }
  | { type: "bind"; mountPath: string; hostPath: string }
  | {
    type: "file";
    mountPath: string;
    content: MountContent;
    /** The file's name in the service's files directory (default: the last segment of `mountPath`). */
    filePath?: string;
    /** Compare the content by hash and never show it (always so for a secret reference). */
    secret?: boolean;
  };

export interface RedirectSpec {
  regex: string;
  replacement: string;
  /** Default false (302). */
  permanent?: boolean;
}

export interface SecuritySpec {
  username: string;
  /** Compared by hash, never shown; write it as `{fromEnv: NAME}` or `{fromFile: PATH}`. */
  password: EnvValue;
}

export interface ScheduleSpec {
  name: string;
  cronExpression: string;
  command: string;
  /** Compose only (required there): the compose service the command runs in. */
  serviceName?: string;
  /** Default `bash`. */
  shellType?: "bash" | "sh";
  /** Default true. */
  enabled?: boolean;
  timezone?: string | null;
  description?: string | null;
}

export interface DomainSpec {
  host: string;
  /** Compose domains: the compose service that receives the traffic (required there, refused on an application's domain). */
  serviceName?: string;
  path?: string;
  port?: number;
  https?: boolean;
  certificateType?: "letsencrypt" | "none" | "custom";
  customCertResolver?: string | null;
  internalPath?: string;
  stripPath?: boolean;
}

/** Inline compose YAML, or a file beside the manifest (read from the same revision). */
export interface RawComposeSource {
  type: "raw";
  /** A path relative to the manifest's file; the file is an input of the manifest, not a manifest. */
  composeFile?: string;
  /** The compose YAML inline (exactly one of `composeFile` and `content`). */
  content?: string;
}

/** Git-based compose sources take an Application source's fields (without build paths) plus `composePath`. */
export type GitComposeSource = (
  | Omit<GithubSource, "buildPath">
  | Omit<GitSource, "buildPath">
  | Omit<GitlabSource, "gitlabBuildPath">
  | Omit<BitbucketSource, "bitbucketBuildPath">
  | Omit<GiteaSource, "giteaBuildPath">
) & {
  /** Path of the compose file in the repository (Dokploy default `./docker-compose.yml`). */
  composePath?: string;
};

export type ComposeSource = RawComposeSource | GitComposeSource;

export interface ComposeSpec {
  description?: string;
  source: ComposeSource;
  /** `docker-compose` (default) or `stack` (Swarm). */
  composeType?: "docker-compose" | "stack";
  env?: EnvMap;
  /** Dokploy's override of the compose command ("" = Dokploy's own). */
  command?: TextValue;
  autoDeploy?: boolean;
  /** Dokploy's isolated deployment: its own network per stack. */
  isolatedDeployment?: boolean;
  state?: "running" | "stopped";
  /** Volumes, bind mounts and files; a change takes effect on the next deploy. */
  mounts?: MountSpec[];
  /** Cron jobs, each run in one compose service (`serviceName`). */
  schedules?: ScheduleSpec[];
}

/**
 * A scheduled backup of a database to an existing Dokploy S3 destination
 * (Dokploy's `backup` table). Identified by `name`, which lives only in the
 * database's ownership marker: Dokploy's backups have no name of their own.
 */
export interface DatabaseBackupSpec {
  name: string;
  /** A cron expression (Dokploy does not check it). */
  schedule: string;
  /** The name of an existing Dokploy destination. */
  destination: string;
  /** Key prefix in the bucket (default "/"). */
  prefix?: string;
  /** The database to dump (default: the spec's `databaseName`; required for Mongo and LibSQL). */
  database?: string;
  /** Backups kept at the destination (default null: all). */
  keepLatestCount?: number | null;
  /** Default true. */
  enabled?: boolean;
}

/** What the six database kinds share (Dokploy's database columns). */
export interface DatabaseSpecBase {
  description?: string;
  /** A secret reference: a password never comes from git. */
  databasePassword: SecretRef;
  dockerImage?: string;
  env?: EnvMap;
  command?: string | null;
  resources?: ResourcesSpec;
  replicas?: number;
  /** A port published on the server (null: not exposed). */
  externalPort?: number | null;
  state?: "running" | "stopped";
  /** Volumes, bind mounts and files (the data volume Dokploy made is not one); a change takes effect on the next deploy. */
  mounts?: MountSpec[];
}

/** The five classic kinds also take `args`. */
export interface ClassicDatabaseSpecBase extends DatabaseSpecBase {
  args?: string[] | null;
}

export interface PostgresSpec extends ClassicDatabaseSpecBase {
  databaseName: string;
  databaseUser: string;
  backups?: DatabaseBackupSpec[];
}

export interface MySQLSpec extends ClassicDatabaseSpecBase {
  databaseName: string;
  databaseUser: string;
  /** Generated by Dokploy (and not managed) when omitted. */
  databaseRootPassword?: SecretRef;
  backups?: DatabaseBackupSpec[];
}

export type MariaDBSpec = MySQLSpec;

export interface MongoSpec extends ClassicDatabaseSpecBase {
  databaseUser: string;
  replicaSets?: boolean;
  backups?: DatabaseBackupSpec[];
}

export type RedisSpec = ClassicDatabaseSpecBase;

export interface LibSQLSpec extends DatabaseSpecBase {
  databaseUser: string;
  sqldNode?: "primary" | "replica";
  sqldPrimaryUrl?: string | null;
  enableNamespaces?: boolean;
  externalGRPCPort?: number | null;
  externalAdminPort?: number | null;
  backups?: DatabaseBackupSpec[];
}

/** Spec type by kind. */
export interface SpecByKind {
  Project: ProjectSpec;
  Environment: EnvironmentSpec;
  Application: ApplicationSpec;
  Compose: ComposeSpec;
  Postgres: PostgresSpec;
  MySQL: MySQLSpec;
  MariaDB: MariaDBSpec;
  Mongo: MongoSpec;
  Redis: RedisSpec;
  LibSQL: LibSQLSpec;
  Domain: DomainSpec;
  Port: PortSpec;
  Mount: MountSpec;
  Redirect: RedirectSpec;
  Security: SecuritySpec;
  Schedule: ScheduleSpec;
  VolumeBackup: VolumeBackupEntrySpec;
}

/** Annotation keys with a meaning to the tool. */
export const ANNOTATION_ADOPT = "dokploy-gitops/adopt";
export const ANNOTATION_DELETION_POLICY = "dokploy-gitops/deletion-policy";
/**
 * Services: a token; a new value deploys again even when nothing else changed
 * (after a failed build whose cause was outside the repository). The token
 * applied last is recorded in the service's marker.
 */
export const ANNOTATION_REDEPLOY = "dokploy-gitops/redeploy";
/**
 * Services: `"true"` lets the service's child lists take over live entries
 * with the same natural key that this tool did not create (default: such a
 * collision is a conflict).
 */
export const ANNOTATION_ADOPT_CHILDREN = "dokploy-gitops/adopt-children";
/** Compose: `"true"` lets a delete of the stack remove its volumes (default: kept). */
export const ANNOTATION_DELETE_VOLUMES = "dokploy-gitops/delete-volumes";

export type DeletionPolicy = "delete" | "orphan";

/** True when a value is a secret reference rather than a literal. */
export function isSecretRef(value: unknown): value is SecretRef {
  return (
    typeof value === "object" &&
    value !== null &&
    (typeof (value as { fromEnv?: unknown }).fromEnv === "string" ||
      typeof (value as { fromFile?: unknown }).fromFile === "string")
  );
}

/** True for a single-field reference `{ref, field}`. */
export function isReference(value: unknown): value is Reference {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return typeof o.ref === "string" && typeof o.field === "string" && Object.keys(o).length === 2;
}

/** True for a composed value `{format, args}`. */
export function isComposedValue(value: unknown): value is ComposedValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return typeof o.format === "string" && typeof o.args === "object" && o.args !== null && !Array.isArray(o.args) && Object.keys(o).length === 2;
}

/** True for a value resolved at apply time (a reference or a composed value). */
export function isValueReference(value: unknown): value is ValueReference {
  return isReference(value) || isComposedValue(value);
}
