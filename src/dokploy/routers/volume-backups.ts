/**
 * Dokploy's `volumeBackups` router (v0.30.2: apps/dokploy/server/api/routers/volume-backups.ts,
 * packages/server/src/db/schema/volume-backups.ts, packages/server/src/services/volume-backups.ts):
 * scheduled copies of a service's named volume to a destination (S3). The
 * link to the volume is only its name (`volumeName`, the mount's `volumeName`):
 * Dokploy checks neither that a mount uses it nor that it exists. Volume
 * backups are NOT part of any service's `one` answer: read them with `list`.
 */
import { mutation, query } from "../endpoint.ts";
import type { ServiceType } from "./mounts.ts";

/** A `volume_backup` row, every column in the table's order. */
export interface VolumeBackupRow {
  volumeBackupId: string;
  name: string;
  /** Must match `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`. */
  volumeName: string;
  prefix: string;
  serviceType: ServiceType;
  /** `volumeBackup-<words>-<6 chars>` unless given: server-owned. */
  appName: string;
  /** The compose service whose volume it is (compose only). */
  serviceName: string | null;
  /** Stop the service while copying. */
  turnOff: boolean;
  cronExpression: string;
  keepLatestCount: number | null;
  /** Default `null`: a new volume backup is not scheduled unless `enabled: true` is sent. */
  enabled: boolean | null;
  applicationId: string | null;
  postgresId: string | null;
  mariadbId: string | null;
  mongoId: string | null;
  mysqlId: string | null;
  redisId: string | null;
  libsqlId: string | null;
  composeId: string | null;
  createdAt: string;
  destinationId: string;
}

/** Optional columns of `createVolumeBackupSchema`. */
interface VolumeBackupOptionalColumns {
  /** Default `application`. */
  serviceType?: ServiceType;
  serviceName?: string | null;
  turnOff?: boolean;
  keepLatestCount?: number | null;
  enabled?: boolean | null;
  applicationId?: string | null;
  postgresId?: string | null;
  mariadbId?: string | null;
  mongoId?: string | null;
  mysqlId?: string | null;
  redisId?: string | null;
  libsqlId?: string | null;
  composeId?: string | null;
  /** Server-generated unless given. */
  appName?: string;
}

/** `createVolumeBackupSchema`. An unknown destination or service is a bare 500 `Failed query: insert into "volume_backup" ...`. */
export interface VolumeBackupCreateInput extends VolumeBackupOptionalColumns {
  name: string;
  volumeName: string;
  prefix: string;
  cronExpression: string;
  destinationId: string;
}

/** `updateVolumeBackupSchema`: the create's required keys again (a full replace) plus the id. */
export interface VolumeBackupUpdateInput extends VolumeBackupCreateInput {
  volumeBackupId: string;
}

/** A service as `volumeBackups.list` nests it (only the column of the service's own kind is set). */
type VolumeBackupListService<IdKey extends string> = ({ [K in IdKey]: string } & { appName: string; serverId: string | null }) | null;

/** A `volumeBackups.list` item: the row plus the eight service relations. */
export interface VolumeBackupListItem extends VolumeBackupRow {
  application: VolumeBackupListService<"applicationId">;
  postgres: VolumeBackupListService<"postgresId">;
  mysql: VolumeBackupListService<"mysqlId">;
  mariadb: VolumeBackupListService<"mariadbId">;
  mongo: VolumeBackupListService<"mongoId">;
  redis: VolumeBackupListService<"redisId">;
  compose: VolumeBackupListService<"composeId">;
  libsql: VolumeBackupListService<"libsqlId">;
}

/** The destination as `volumeBackups.one` nests it: without `accessKey` and `secretAccessKey`. */
export interface VolumeBackupDestination {
  destinationId: string;
  name: string;
  provider: string | null;
  bucket: string;
  region: string;
  endpoint: string;
  additionalFlags: string[] | null;
  organizationId: string;
  createdAt: string;
}

/** A service row with its environment and project, as `volumeBackups.one` nests it. */
type VolumeBackupDetailService = ({ appName: string; serverId: string | null; environment: Record<string, unknown> } & Record<string, unknown>) | null;

/** `volumeBackups.one`: row + each service (with environment and project) + the destination. */
export interface VolumeBackupDetail extends VolumeBackupRow {
  application: VolumeBackupDetailService;
  postgres: VolumeBackupDetailService;
  mysql: VolumeBackupDetailService;
  mariadb: VolumeBackupDetailService;
  mongo: VolumeBackupDetailService;
  redis: VolumeBackupDetailService;
  compose: VolumeBackupDetailService;
  libsql: VolumeBackupDetailService;
  destination: VolumeBackupDestination;
}

/** The procedures, with the retry safety the client applies to each. */
export const volumeBackupsRouter = {
  /** Returns the inserted row. */
  create: mutation<VolumeBackupCreateInput, VolumeBackupRow>("volumeBackups.create", "once"),
  /** 404 `Volume backup not found`. */
  one: query<{ volumeBackupId: string }, VolumeBackupDetail>("volumeBackups.one"),
  /** Returns the updated row; 404 `Volume backup not found`. */
  update: mutation<VolumeBackupUpdateInput, VolumeBackupRow>("volumeBackups.update", "idempotent"),
  /** 200 with an EMPTY body (resolves to undefined); 404 `Volume backup not found`. */
  delete: mutation<{ volumeBackupId: string }, undefined>("volumeBackups.delete", "delete"),
  /** The volume backups of one service (`volumeBackupType` = its service type), `createdAt` descending. Unknown id: `[]`. */
  list: query<{ id: string; volumeBackupType: ServiceType }, VolumeBackupListItem[]>("volumeBackups.list"),
} as const;
