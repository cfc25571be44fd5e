/**
 * What Dokploy v0.30.2's six database routers share, and the one factory for
 * the five classic ones (postgres, mysql, mariadb, mongo, redis), whose
 * procedures have the same names, inputs and answers up to the id key and a
 * few columns (apps/dokploy/server/api/routers/{postgres,mysql,mariadb,mongo,redis}.ts,
 * packages/server/src/db/schema/<kind>.ts, packages/server/src/services/<kind>.ts).
 * LibSQL differs (create returns `true`, no `changePassword`, three ports):
 * it has its own router in `libsql.ts`, on the row types below.
 *
 * Facts every caller must know:
 * - `create` does not deploy; it also creates a volume mount `<appName>-data`.
 * - `deploy` (and `saveExternalPort`, which redeploys) is synchronous: the
 *   request is held while the image is pulled and the service started, then
 *   answers the row as read before, or 500 `Error on deploy <kind>...` with the
 *   status left at `error`. Do not hold a reconciliation pass on it.
 * - `update` returns `true`; an update that sets nothing (the id alone, or the
 *   id and `appName`, which is dropped) is a 500 "No values to set".
 * - `one` returns passwords in plain text: never log an answer.
 * - `rebuild` deletes the data volumes: it is deliberately not declared here.
 */
import { mutation, query, type EndpointDef } from "../endpoint.ts";
import type { ApplicationStatus, ApplicationSummary, EnvironmentRow, ProjectRow } from "../types.ts";
import type { BackupWithDestination } from "./backup.ts";

/** Dokploy's six database service kinds (router names). */
export type DatabaseKind = "postgres" | "mysql" | "mariadb" | "mongo" | "redis" | "libsql";
/** The five that share one router shape. */
export type ClassicDatabaseKind = Exclude<DatabaseKind, "libsql">;

/** `{ postgresId: string }` and so on: the id key of a kind. */
export type DatabaseIdInput<K extends DatabaseKind> = { [P in `${K}Id`]: string };

/**
 * How long a synchronous database deploy may hold the request: pulling an
 * image over a slow link takes minutes.
 */
export const DATABASE_DEPLOY_TIMEOUT_MS = 15 * 60_000;

/** Columns every database table has. */
export interface DatabaseCommonRow {
  name: string;
  /** `<kind>-<words>-<6>` when not given, `<cleaned input>-<6>` otherwise; UNIQUE; never updatable. */
  appName: string;
  description: string | null;
  /** Plain text in every answer. Redis stores it in its `password` column, read back under this name. */
  databasePassword: string;
  dockerImage: string;
  command: string | null;
  /** Encrypted at rest, returned in plain text. */
  env: string | null;
  memoryReservation: string | null;
  memoryLimit: string | null;
  cpuReservation: string | null;
  cpuLimit: string | null;
  externalPort: number | null;
  /** `idle` until the first deploy; `running` while a deploy holds its request. */
  applicationStatus: ApplicationStatus;
  replicas: number;
  createdAt: string;
  environmentId: string;
  serverId: string | null;
  networkIds: string[] | null;
  detachDokployNetwork: boolean;
}

/** The five classic kinds also have `args`. */
interface ClassicCommonRow extends DatabaseCommonRow {
  args: string[] | null;
}

export type PostgresRow = DatabaseIdInput<"postgres"> & ClassicCommonRow & { databaseName: string; databaseUser: string };
/** `databaseRootPassword` is stored in the `rootPassword` column; generated when not given. */
export type MysqlRow = DatabaseIdInput<"mysql"> & ClassicCommonRow & {
  databaseName: string; databaseUser: string; databaseRootPassword: string;
};
export type MariadbRow = DatabaseIdInput<"mariadb"> & ClassicCommonRow & {
  databaseName: string; databaseUser: string; databaseRootPassword: string;
};
export type MongoRow = DatabaseIdInput<"mongo"> & ClassicCommonRow & { databaseUser: string; replicaSets: boolean | null };
export type RedisRow = DatabaseIdInput<"redis"> & ClassicCommonRow;
export type LibsqlRow = DatabaseIdInput<"libsql"> & DatabaseCommonRow & {
  databaseUser: string;
  sqldNode: "primary" | "replica";
  sqldPrimaryUrl: string | null;
  enableNamespaces: boolean;
  externalGRPCPort: number | null;
  externalAdminPort: number | null;
};

/**
 * A mount row as nested in a service's `one` answer (packages/server/src/db/schema/mount.ts):
 * the database's automatic `<appName>-data` volume is one.
 */
export interface ServiceMountRow {
  mountId: string;
  type: "bind" | "volume" | "file";
  hostPath: string | null;
  volumeName: string | null;
  filePath: string | null;
  content: string | null;
  serviceType: "application" | "postgres" | "mysql" | "mariadb" | "mongo" | "redis" | "compose" | "libsql";
  mountPath: string;
  applicationId: string | null;
  composeId: string | null;
  libsqlId: string | null;
  mariadbId: string | null;
  mongoId: string | null;
  mysqlId: string | null;
  postgresId: string | null;
  redisId: string | null;
}

/**
 * A database as `project.one`, `environment.one` and `environment.byProjectId`
 * list it in each environment's `<kind>` array (`serviceColumns` of
 * packages/server/src/services/project.ts; `environment.one` has no `appName`).
 * `project.all` gives an owner only `{ <kind>Id }`: read names from `project.one`.
 */
export type DatabaseSummary<K extends DatabaseKind> = DatabaseIdInput<K> & Omit<ApplicationSummary, "applicationId">;

/** What `create` takes for every kind except LibSQL. An empty password is replaced by a generated one. */
interface DatabaseCreateCommon {
  name: string;
  environmentId: string;
  appName?: string;
  description?: string | null;
  serverId?: string | null;
  /** Defaults: `postgres:18`, `mysql:8`, `mariadb:6`, `mongo:15`, `redis:8`. */
  dockerImage?: string;
}

/** The wire types of each kind. */
export interface DatabaseWire {
  postgres: {
    row: PostgresRow;
    create: DatabaseCreateCommon & { databaseName: string; databaseUser: string; databasePassword: string };
    changePassword: { password: string };
  };
  mysql: {
    row: MysqlRow;
    create: DatabaseCreateCommon & {
      databaseName: string; databaseUser: string; databasePassword: string; databaseRootPassword?: string;
    };
    /** `type` defaults to `user`. */
    changePassword: { password: string; type?: "user" | "root" };
  };
  mariadb: {
    row: MariadbRow;
    create: DatabaseCreateCommon & {
      databaseName: string; databaseUser: string; databasePassword: string; databaseRootPassword?: string;
    };
    changePassword: { password: string; type?: "user" | "root" };
  };
  mongo: {
    row: MongoRow;
    create: DatabaseCreateCommon & { databaseUser: string; databasePassword: string; replicaSets?: boolean | null };
    changePassword: { password: string };
  };
  redis: {
    row: RedisRow;
    /** Redis alone does not check the password pattern on create and update (only `changePassword` does). */
    create: DatabaseCreateCommon & { databasePassword: string };
    changePassword: { password: string };
  };
  libsql: {
    row: LibsqlRow;
    /** Every key present (null where nullable); `sqldPrimaryUrl` exactly when `sqldNode` is `replica`. */
    create: {
      name: string;
      environmentId: string;
      appName: string;
      description: string | null;
      serverId: string | null;
      databaseUser: string;
      databasePassword: string;
      sqldNode: "primary" | "replica";
      sqldPrimaryUrl: string | null;
      /** Default `ghcr.io/tursodatabase/libsql-server:v0.24.32`. */
      dockerImage?: string;
      enableNamespaces?: boolean;
    };
    changePassword: never;
  };
}

/** `find<Kind>ById`: the row with its environment (and project), mounts and backups (Redis has none). */
export type DatabaseDetail<K extends DatabaseKind> = DatabaseWire[K]["row"] & {
  environment: EnvironmentRow & { project: ProjectRow };
  mounts: ServiceMountRow[];
} & (K extends "redis" ? unknown : { backups: BackupWithDestination[] });

/**
 * `apiUpdate<Kind>`: the id and any column but `serverId` (dropped by the
 * schema) and `appName` (dropped by the service). Server-owned columns are
 * left out of the type.
 */
export type DatabaseUpdateInput<K extends DatabaseKind> = DatabaseIdInput<K> & Partial<
  Omit<DatabaseWire[K]["row"], `${K}Id` | "appName" | "serverId" | "createdAt" | "applicationStatus" | "environmentId">
>;

/** The procedures of a classic database router the reconciler and `export` use. */
export interface ClassicDatabaseRouter<K extends ClassicDatabaseKind> {
  /** The inserted row (no relations); 404 for an unknown environment. */
  create: EndpointDef<DatabaseWire[K]["create"], DatabaseWire[K]["row"]>;
  one: EndpointDef<DatabaseIdInput<K>, DatabaseDetail<K>>;
  /** `true`; 400 for an unknown id (`Error updating Postgres`, `Update: Error updating MySQL`...). */
  update: EndpointDef<DatabaseUpdateInput<K>, true>;
  /** The database as read before the delete. Its volume stays on the server. */
  remove: EndpointDef<DatabaseIdInput<K>, DatabaseDetail<K>>;
  /** Synchronous (see the module comment); answers the database as read before the deploy. */
  deploy: EndpointDef<DatabaseIdInput<K>, DatabaseDetail<K>>;
  /** `docker service scale <appName>=1`: a 500 while no Swarm service exists (never deployed). */
  start: EndpointDef<DatabaseIdInput<K>, DatabaseDetail<K>>;
  stop: EndpointDef<DatabaseIdInput<K>, DatabaseDetail<K>>;
  /** `env` must be present (null clears it). Takes effect on the next deploy. */
  saveEnvironment: EndpointDef<DatabaseIdInput<K> & { env: string | null }, true>;
  /** Writes the port (409 when another service holds it), then redeploys synchronously. */
  saveExternalPort: EndpointDef<DatabaseIdInput<K> & { externalPort: number | null }, DatabaseDetail<K>>;
  /**
   * Runs `ALTER USER` in the running container and stores the password in
   * the same transaction: a 500 (password unchanged) when no container runs.
   */
  changePassword: EndpointDef<DatabaseIdInput<K> & DatabaseWire[K]["changePassword"], true>;
}

/** Builds the router of one classic kind; the retry safety of each procedure is decided here once. */
export function classicDatabaseRouter<K extends ClassicDatabaseKind>(kind: K): ClassicDatabaseRouter<K> {
  const slow = { timeoutMs: DATABASE_DEPLOY_TIMEOUT_MS };
  return {
    create: mutation(`${kind}.create`, "once"),
    one: query(`${kind}.one`),
    update: mutation(`${kind}.update`, "idempotent"),
    remove: mutation(`${kind}.remove`, "delete"),
    deploy: mutation(`${kind}.deploy`, "once", slow),
    start: mutation(`${kind}.start`, "idempotent"),
    stop: mutation(`${kind}.stop`, "idempotent"),
    saveEnvironment: mutation(`${kind}.saveEnvironment`, "idempotent"),
    saveExternalPort: mutation(`${kind}.saveExternalPort`, "idempotent", slow),
    changePassword: mutation(`${kind}.changePassword`, "idempotent"),
  };
}
