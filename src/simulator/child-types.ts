/**
 * Public types of the simulator's service children (mounts, ports, redirects,
 * basic-auth users, schedules, volume backups) and of the destinations that
 * volume backups write to: their stored rows, what a seed may give, and what
 * a seed returns. Stored rows have every column of Dokploy v0.30.2's tables,
 * so they are the wire rows of `src/dokploy/routers/*`.
 */
import type { MountRow, MountType, ServiceType } from "../dokploy/routers/mounts.ts";
import type { PortProtocol, PortRow, PublishMode } from "../dokploy/routers/port.ts";
import type { RedirectRow } from "../dokploy/routers/redirects.ts";
import type { ScheduleRow } from "../dokploy/routers/schedule.ts";
import type { SecurityRow } from "../dokploy/routers/security.ts";
import type { VolumeBackupDestination, VolumeBackupRow } from "../dokploy/routers/volume-backups.ts";

type Row = Record<string, unknown>;

export type MountRecord = MountRow & Row;
export type PortRecord = PortRow & Row;
export type RedirectRecord = RedirectRow & Row;
export type SecurityRecord = SecurityRow & Row;
export type ScheduleRecord = ScheduleRow & Row;
export type VolumeBackupRecord = VolumeBackupRow & Row;

/** A `destination` row (packages/server/src/db/schema/destination.ts): organisation-wide, secrets in plaintext. */
export type DestinationRecord = VolumeBackupDestination & { accessKey: string; secretAccessKey: string } & Row;

/** The kinds of child row `control.update` can patch. */
export type ChildRecordKind = "mount" | "port" | "redirect" | "security" | "schedule" | "volumeBackup" | "destination";

/** Every child table, as persisted and as `toJSON` lists them. */
export interface ChildTables {
  mounts: MountRecord[];
  ports: PortRecord[];
  redirects: RedirectRecord[];
  security: SecurityRecord[];
  schedules: ScheduleRecord[];
  volumeBackups: VolumeBackupRecord[];
  destinations: DestinationRecord[];
}

/** A service's children in `control.state()` (an application has all of them). */
export type ApplicationChildrenState = Omit<ChildTables, "destinations">;

// ---- seeds ----------------------------------------------------------------

/** The columns of a mount that `Store.addMount` takes (the service comes separately); others take their defaults. */
export interface MountInit {
  type: MountType;
  mountPath: string;
  mountId?: string;
  hostPath?: string | null;
  volumeName?: string | null;
  filePath?: string | null;
  content?: string | null;
}

/** A mount to seed. */
export interface SeedMount extends Row, MountInit {}

/** A port to seed (`publishMode` defaults to the API's `ingress`, `protocol` to `tcp`). */
export interface SeedPort extends Row {
  publishedPort: number;
  targetPort: number;
  portId?: string;
  publishMode?: PublishMode;
  protocol?: PortProtocol;
}

/** A redirect to seed (`permanent` defaults to false). */
export interface SeedRedirect extends Row {
  regex: string;
  replacement: string;
  permanent?: boolean;
  redirectId?: string;
}

/** A basic-auth user to seed; `(username, application)` must be unique. */
export interface SeedSecurity extends Row {
  username: string;
  password: string;
  securityId?: string;
}

/** A schedule to seed (`enabled` defaults to true, `appName` is generated). */
export interface SeedSchedule extends Row {
  name: string;
  cronExpression: string;
  command: string;
  scheduleId?: string;
}

/** A volume backup to seed; its destination must exist (seed it in `destinations`). */
export interface SeedVolumeBackup extends Row {
  name: string;
  volumeName: string;
  cronExpression: string;
  destinationId: string;
  prefix?: string;
  volumeBackupId?: string;
}

/** A destination to seed (credentials default to placeholders). */
export interface SeedDestination extends Row {
  name: string;
  destinationId?: string;
}

/** Children that can be nested under a seeded application. */
export interface SeedServiceChildren {
  mounts?: SeedMount[];
  ports?: SeedPort[];
  redirects?: SeedRedirect[];
  security?: SeedSecurity[];
  schedules?: SeedSchedule[];
  volumeBackups?: SeedVolumeBackup[];
}

/** The service a flat child seed belongs to: `serviceType` defaults to `application`. */
export interface SeedServiceRef {
  serviceId: string;
  serviceType?: ServiceType;
}

/** Flat children for existing services, and destinations (seeded first, so nested volume backups can use them). */
export interface SeedChildData {
  destinations?: SeedDestination[];
  mounts?: Array<SeedMount & SeedServiceRef>;
  ports?: Array<SeedPort & { applicationId: string }>;
  redirects?: Array<SeedRedirect & { applicationId: string }>;
  security?: Array<SeedSecurity & { applicationId: string }>;
  /** For an application (`applicationId`) or a compose (`composeId`, with `serviceName`). */
  schedules?: Array<SeedSchedule & ({ applicationId: string } | { composeId: string })>;
  volumeBackups?: Array<SeedVolumeBackup & SeedServiceRef>;
}

/**
 * Ids of seeded children, in creation order. `ids` (in `SeedResult`) also
 * gets `<service path>/mount:<mountPath>`, `port:<published>/<protocol>`,
 * `redirect:<regex>`, `security:<username>`, `schedule:<name>`,
 * `volumeBackup:<name>` and `destination:<name>`.
 */
export interface ChildSeedResult {
  mountIds: string[];
  portIds: string[];
  redirectIds: string[];
  securityIds: string[];
  scheduleIds: string[];
  volumeBackupIds: string[];
  destinationIds: string[];
}
