/**
 * Column defaults, in table order, of the compose, database, mount, backup and
 * destination tables of Dokploy v0.30.2 (packages/server/src/db/schema/{compose,
 * postgres,mysql,mariadb,mongo,redis,libsql,mount,backups,destination}.ts), and
 * what differs per database kind (id key, default image, data directory,
 * Dokploy's messages). A read-back must equal a real Dokploy's, or every plan
 * against the simulator would show drift a real Dokploy would not.
 */
import { ORGANIZATION_ID } from "./rows.ts";
import type {
  BackupRecord, ComposeRecord, DatabaseKind, DatabaseRecord, DestinationRecord, MountRecord, Row,
} from "./types.ts";

type Columns = ReadonlyArray<readonly [string, unknown]>;

/** Builds a row: every column in order with its default, then the defined values of `init`. */
function build(columns: Columns, init: Row): Row {
  const row: Row = {};
  for (const [name, value] of columns) row[name] = value;
  for (const [k, v] of Object.entries(init)) if (v !== undefined) row[k] = v;
  return row;
}

const nulls = (...names: string[]): Columns => names.map((n) => [n, null] as const);

const SWARM = nulls(
  "healthCheckSwarm", "restartPolicySwarm", "placementSwarm", "updateConfigSwarm", "rollbackConfigSwarm", "modeSwarm",
  "labelsSwarm", "networkSwarm", "stopGracePeriodSwarm", "endpointSpecSwarm",
);
const RESOURCES = nulls("memoryReservation", "memoryLimit", "cpuReservation", "cpuLimit");

const COMPOSE_COLUMNS: Columns = [
  ...nulls("composeId", "name", "appName", "description", "env"), ["composeFile", ""], ["refreshToken", null],
  ["sourceType", "github"], ["composeType", "docker-compose"], ...nulls("repository", "owner", "branch"), ["autoDeploy", true],
  ...nulls(
    "gitlabProjectId", "gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabPathNamespace", "bitbucketRepository",
    "bitbucketRepositorySlug", "bitbucketOwner", "bitbucketBranch", "giteaRepository", "giteaOwner", "giteaBranch",
    "customGitUrl", "customGitBranch", "customGitSSHKeyId",
  ),
  ["command", ""], ["createEnvFile", true], ["enableSubmodules", false], ["composePath", "./docker-compose.yml"],
  ["suffix", ""], ["randomize", false], ["isolatedDeployment", false], ["isolatedDeploymentsVolume", false],
  ["triggerType", "push"], ["composeStatus", "idle"], ...nulls("icon", "environmentId", "createdAt", "watchPaths"),
  ...nulls("githubId", "gitlabId", "bitbucketId", "giteaId", "serverId"), ["serviceNetworks", []],
];

/** A compose row with Dokploy's defaults. */
export function composeRow(init: Pick<ComposeRecord, "composeId" | "name" | "appName" | "environmentId" | "createdAt"> & Row): ComposeRecord {
  return build(COMPOSE_COLUMNS, init) as ComposeRecord;
}

/** What differs between Dokploy's database kinds. */
export interface DatabaseKindInfo {
  kind: DatabaseKind;
  /** The id column, e.g. `postgresId`. */
  idKey: string;
  /** `findXById`'s 404 message. */
  notFound: string;
  /** The `update` handler's 400 for an unknown id. */
  updateError: string;
  defaultImage: string;
  /** Where `create` mounts the `<appName>-data` volume. */
  dataPath: (dockerImage: string) => string;
  /** Redis has no backups (`redis.one` has no `backups` key). */
  hasBackups: boolean;
  /** LibSQL has no `changePassword` (and saves three ports with `saveExternalPorts`). */
  hasChangePassword: boolean;
  columns: Columns;
}

/** `getMountPath` (packages/server/src/services/postgres.ts): PGDATA moved in postgres 18. */
export function postgresDataPath(dockerImage: string): string {
  const m = /postgres:(\d+)/.exec(dockerImage);
  const major = m ? Number.parseInt(m[1]!, 10) : 0;
  return major >= 18 ? `/var/lib/postgresql/${major}/docker` : "/var/lib/postgresql/data";
}

const tail: Columns = [
  ...SWARM, ["ulimitsSwarm", null], ["replicas", 1], ["createdAt", null], ["environmentId", null], ["serverId", null],
];
const networks: Columns = [["networkIds", []], ["detachDokployNetwork", false]];
const status: Columns = [["applicationStatus", "idle"]];
const body = (...names: string[]): Columns => nulls(...names);

/** The six kinds, as their routers and tables differ. */
export const DATABASE_KINDS: Readonly<Record<DatabaseKind, DatabaseKindInfo>> = {
  postgres: {
    kind: "postgres", idKey: "postgresId", notFound: "Postgres not found", updateError: "Error updating Postgres",
    defaultImage: "postgres:18", dataPath: postgresDataPath, hasBackups: true, hasChangePassword: true,
    columns: [
      ...body("postgresId", "name", "appName", "databaseName", "databaseUser", "databasePassword", "description", "dockerImage",
        "command", "args", "env", "memoryReservation", "externalPort", "memoryLimit", "cpuReservation", "cpuLimit"),
      ...status, ...tail, ...networks,
    ],
  },
  mysql: {
    kind: "mysql", idKey: "mysqlId", notFound: "MySql not found", updateError: "Update: Error updating MySQL",
    defaultImage: "mysql:8", dataPath: () => "/var/lib/mysql", hasBackups: true, hasChangePassword: true,
    columns: [
      ...body("mysqlId", "name", "appName", "description", "databaseName", "databaseUser", "databasePassword",
        "databaseRootPassword", "dockerImage", "command", "args", "env"),
      ...RESOURCES, ["externalPort", null], ...status, ...tail, ...networks,
    ],
  },
  mariadb: {
    kind: "mariadb", idKey: "mariadbId", notFound: "Mariadb not found", updateError: "Update: Error updating Mariadb",
    defaultImage: "mariadb:6", dataPath: () => "/var/lib/mysql", hasBackups: true, hasChangePassword: true,
    columns: [
      ...body("mariadbId", "name", "appName", "description", "databaseName", "databaseUser", "databasePassword",
        "databaseRootPassword", "dockerImage", "command", "args", "env"),
      ...RESOURCES, ["externalPort", null], ...status, ...tail, ...networks,
    ],
  },
  mongo: {
    kind: "mongo", idKey: "mongoId", notFound: "Mongo not found", updateError: "Update: Error updating Mongo",
    defaultImage: "mongo:15", dataPath: () => "/data/db", hasBackups: true, hasChangePassword: true,
    columns: [
      ...body("mongoId", "name", "appName", "description", "databaseUser", "databasePassword", "dockerImage", "command",
        "args", "env"),
      ...RESOURCES, ["externalPort", null], ...status, ...tail, ["replicaSets", false], ...networks,
    ],
  },
  redis: {
    kind: "redis", idKey: "redisId", notFound: "Redis not found", updateError: "Error updating Redis",
    defaultImage: "redis:8", dataPath: () => "/data", hasBackups: false, hasChangePassword: true,
    columns: [
      ...body("redisId", "name", "appName", "description", "databasePassword", "dockerImage", "command", "args", "env"),
      ...RESOURCES, ["externalPort", null], ["createdAt", null], ...status, ...SWARM, ["ulimitsSwarm", null], ["replicas", 1],
      ["environmentId", null], ["serverId", null], ...networks,
    ],
  },
  libsql: {
    kind: "libsql", idKey: "libsqlId", notFound: "Libsql not found", updateError: "Error updating Libsql",
    defaultImage: "ghcr.io/tursodatabase/libsql-server:v0.24.32", dataPath: () => "/var/lib/sqld", hasBackups: true,
    hasChangePassword: false,
    columns: [
      ...body("libsqlId", "name", "appName", "description", "databaseUser", "databasePassword"), ["sqldNode", "primary"],
      ["sqldPrimaryUrl", null], ["enableNamespaces", false], ["dockerImage", null], ["command", null], ["env", null],
      ...RESOURCES, ...nulls("externalPort", "externalGRPCPort", "externalAdminPort"), ...status, ...SWARM, ["replicas", 1],
      ...networks, ...nulls("createdAt", "environmentId", "serverId"),
    ],
  },
};

/** A database row of `kind` with Dokploy's defaults. */
export function databaseRow(kind: DatabaseKind, init: Row): DatabaseRecord {
  return build(DATABASE_KINDS[kind].columns, init) as DatabaseRecord;
}

/** The id of a database row. */
export function databaseId(kind: DatabaseKind, row: Row): string {
  return row[DATABASE_KINDS[kind].idKey] as string;
}

/** The service id columns of `mount` (and, less `applicationId`, of `backup`), in table order. */
export const SERVICE_ID_COLUMNS = [
  "applicationId", "composeId", "libsqlId", "mariadbId", "mongoId", "mysqlId", "postgresId", "redisId",
] as const;

/** A mount row with Dokploy's defaults. */
export function mountRow(init: Pick<MountRecord, "mountId" | "type" | "mountPath"> & Row): MountRecord {
  return build(
    [...nulls("mountId", "type", "hostPath", "volumeName", "filePath", "content"), ["serviceType", "application"],
      ["mountPath", null], ...nulls(...SERVICE_ID_COLUMNS)],
    init,
  ) as MountRecord;
}

/** A backup row with Dokploy's defaults (`enabled` null when omitted: not scheduled). */
export function backupRow(init: Pick<BackupRecord, "backupId" | "appName" | "destinationId" | "databaseType"> & Row): BackupRecord {
  return build(
    [
      ...nulls("backupId", "appName", "schedule", "enabled", "database", "prefix", "serviceName", "destinationId",
        "keepLatestCount"),
      ["includeEncryptionKey", true], ["backupType", "database"],
      ...nulls("databaseType", "composeId", "postgresId", "mariadbId", "mysqlId", "mongoId", "libsqlId", "userId", "metadata"),
    ],
    init,
  ) as BackupRecord;
}

/** A destination row with Dokploy's defaults. */
export function destinationRow(init: Pick<DestinationRecord, "destinationId" | "name" | "createdAt"> & Row): DestinationRecord {
  return build(
    [
      ...nulls("destinationId", "name", "provider"), ["accessKey", ""], ["secretAccessKey", ""], ["bucket", ""],
      ["region", ""], ["endpoint", ""], ["additionalFlags", []], ["organizationId", ORGANIZATION_ID], ["createdAt", null],
    ],
    init,
  ) as DestinationRecord;
}
