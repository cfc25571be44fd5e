/**
 * Dokploy's `mounts` router (v0.30.2: apps/dokploy/server/api/routers/mount.ts,
 * packages/server/src/db/schema/mount.ts, packages/server/src/services/mount.ts):
 * the bind, volume and file mounts of any service. A service's mounts also come
 * with its `one` answer (`application.one`, `compose.one`, each database's
 * `one`), which is how a quiet plan reads them; the calls below are for writes
 * and for re-reads after a write whose answer was lost.
 */
import { mutation, query } from "../endpoint.ts";

/** The services a mount (or a volume backup) can belong to: the `serviceType` enum, in Dokploy's order. */
export const SERVICE_TYPES = ["application", "postgres", "mysql", "mariadb", "mongo", "redis", "compose", "libsql"] as const;

/** One of {@link SERVICE_TYPES}. */
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** `mountType` enum. Changes take effect on the service's next deploy. */
export type MountType = "bind" | "volume" | "file";

/**
 * A `mount` row, every column in the table's order. Exactly one of the eight
 * service columns is set for a mount made through the API with a
 * `serviceType`; `hostPath`, `volumeName` and `filePath`/`content` are not
 * checked against `type` (a volume mount without `volumeName` is stored).
 */
export interface MountRow {
  mountId: string;
  type: MountType;
  hostPath: string | null;
  volumeName: string | null;
  filePath: string | null;
  content: string | null;
  serviceType: ServiceType;
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

/** What `mounts.one`/`update` nest per service column: the service's server, appName and organisation, or null. */
export type MountServiceRef = {
  serverId: string | null;
  appName: string;
  environment: { project: { organizationId: string } };
} | null;

/** `mounts.one` and `mounts.update`: the row plus the eight service relations (`findMountById`). */
export interface MountWithServices extends MountRow {
  application: MountServiceRef;
  compose: MountServiceRef;
  libsql: MountServiceRef;
  mariadb: MountServiceRef;
  mongo: MountServiceRef;
  mysql: MountServiceRef;
  postgres: MountServiceRef;
  redis: MountServiceRef;
}

/**
 * `apiCreateMount`. `serviceType` is optional on the wire (default
 * `application`), but a mount created without it gets no service column at
 * all: an orphan no listing or cascade ever sees. So the type demands it.
 * A file mount's `content` is written to `<service>/files/<filePath>`.
 */
export interface MountCreateInput {
  type: MountType;
  mountPath: string;
  serviceId: string;
  serviceType: ServiceType;
  hostPath?: string | null;
  volumeName?: string | null;
  filePath?: string | null;
  content?: string | null;
}

/** `apiUpdateMount`: the id plus any column; an omitted key keeps its value (a changed `type` keeps the old `volumeName`). */
export type MountUpdateInput = { mountId: string } & Partial<Omit<MountRow, "mountId">>;

/** The procedures, with the retry safety the client applies to each. */
export const mountsRouter = {
  /** Returns the inserted row. Unknown service: 400 `Error Failed query: insert into "mount" ...`. */
  create: mutation<MountCreateInput, MountRow>("mounts.create", "once"),
  /** 404 `Mount not found`. */
  one: query<{ mountId: string }, MountWithServices>("mounts.one"),
  /**
   * Returns the row and relations as they were BEFORE the update (the service
   * re-reads outside its transaction): re-read with `one` for the new values.
   */
  update: mutation<MountUpdateInput, MountWithServices>("mounts.update", "idempotent"),
  /** Returns the deleted row (no relations); 404 `Mount not found`. */
  remove: mutation<{ mountId: string }, MountRow>("mounts.remove", "delete"),
  /** Rows of one service. Unknown id: 404 `<Kind> not found` (`Application not found`, `Postgres not found`...). */
  listByServiceId: query<{ serviceId: string; serviceType: ServiceType }, MountRow[]>("mounts.listByServiceId"),
} as const;
