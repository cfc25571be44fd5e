/**
 * `backup.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/backup.ts,
 * packages/server/src/db/schema/backups.ts, packages/server/src/services/backup.ts):
 * scheduled database backups to an S3 destination. A backup has no
 * description and `create` returns nothing (an empty 200): its id is read
 * back from the database's (or compose's) `one` answer, `backups[]`.
 */
import { mutation, query } from "../endpoint.ts";
import type { DeploymentRow } from "../types.ts";
import type { DestinationRow } from "./destination.ts";

/** `databaseType` enum (`web-server` is Dokploy's own backup). */
export type BackupDatabaseType = "postgres" | "mariadb" | "mysql" | "mongo" | "web-server" | "libsql";

/** What a compose backup needs to reach the database inside the stack (`metadata` jsonb). */
export interface BackupMetadata {
  postgres?: { databaseUser: string };
  mariadb?: { databaseUser: string; databasePassword: string };
  mongo?: { databaseUser: string; databasePassword: string };
  mysql?: { databaseRootPassword: string };
}

/** A `backup` row. */
export interface BackupRow {
  backupId: string;
  /** `backup-<words>-<6>`, generated. */
  appName: string;
  /** A cron expression; not validated by Dokploy. */
  schedule: string;
  /** `null` when omitted on create: not scheduled. */
  enabled: boolean | null;
  /** The database name to dump. */
  database: string;
  prefix: string;
  serviceName: string | null;
  destinationId: string;
  keepLatestCount: number | null;
  includeEncryptionKey: boolean;
  backupType: "database" | "compose";
  databaseType: BackupDatabaseType;
  composeId: string | null;
  postgresId: string | null;
  mariadbId: string | null;
  mysqlId: string | null;
  mongoId: string | null;
  libsqlId: string | null;
  userId: string | null;
  metadata: BackupMetadata | null;
}

/** A backup as nested in `postgres.one` (and the other databases, and `compose.one`). */
export interface BackupWithDestination extends BackupRow {
  /** The destination without its access keys. */
  destination: DestinationRow;
  deployments: DeploymentRow[];
}

/** `apiCreateBackup`: the service's id key selects what is backed up. */
export interface BackupCreateInput {
  schedule: string;
  prefix: string;
  destinationId: string;
  database: string;
  databaseType: BackupDatabaseType;
  enabled?: boolean | null;
  keepLatestCount?: number | null;
  postgresId?: string | null;
  mariadbId?: string | null;
  mysqlId?: string | null;
  mongoId?: string | null;
  libsqlId?: string | null;
  composeId?: string | null;
  backupType?: "database" | "compose";
  serviceName?: string | null;
  includeEncryptionKey?: boolean;
  metadata?: BackupMetadata | null;
}

/**
 * `apiUpdateBackup`: a full replace; `enabled`, `keepLatestCount`,
 * `serviceName` and `metadata` must be present (null allowed).
 */
export interface BackupUpdateInput {
  backupId: string;
  schedule: string;
  enabled: boolean | null;
  prefix: string;
  destinationId: string;
  database: string;
  keepLatestCount: number | null;
  serviceName: string | null;
  metadata: BackupMetadata | null;
  databaseType: BackupDatabaseType;
  includeEncryptionKey?: boolean;
}

/** The `backup.*` procedures the reconciler and `export` use. */
export const backupRouter = {
  /** An empty 200 (no id). Every failure, an unknown destination included, is a 400 carrying the cause. */
  create: mutation<BackupCreateInput, undefined>("backup.create", "once"),
  /** The row with its destination (no keys) and the service rows (left untyped). 404 "Backup not found". */
  one: query<{ backupId: string }, BackupRow & { destination: DestinationRow }>("backup.one"),
  /** An empty 200. An unknown id is a 400 "Backup not found". */
  update: mutation<BackupUpdateInput, undefined>("backup.update", "idempotent"),
  /** The deleted row. An unknown id is a 400 "Backup not found". */
  remove: mutation<{ backupId: string }, BackupRow>("backup.remove", "delete"),
} as const;
