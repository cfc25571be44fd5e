/**
 * `volumeBackups.*` (apps/dokploy/server/api/routers/volume-backups.ts,
 * packages/server/src/services/volume-backups.ts): scheduled copies of a
 * service's named volume to a destination. Quirks kept: a new volume backup
 * has `enabled: null` (not scheduled); the volume is a name only, checked by
 * pattern but not against the service's mounts; a missing destination or
 * service is a bare 500 `Failed query: insert into "volume_backup" ...`;
 * `delete` answers 200 with an empty body; `list` is newest first and `[]`
 * for an unknown id; `delete` leaves the cron job of an enabled volume backup
 * registered (`store.cron`, a stray job until a restart). Backups never run.
 */
import type { ServiceType } from "../../dokploy/routers/mounts.ts";
import { serviceIdColumn } from "../child-table.ts";
import type { VolumeBackupRecord } from "../child-types.ts";
import { volumeBackupDetail, volumeBackupListItem } from "../child-views.ts";
import { volumeBackupRow } from "../rows.ts";
import { definedOnly, type Handler, type Input } from "./context.ts";
import { findChild, generatedAppName, insertChecked, patchChecked } from "./child-context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** Every column of `createVolumeBackupSchema` (the id is omitted from it). */
const COLUMNS = [
  "name", "volumeName", "prefix", "serviceType", "appName", "serviceName", "turnOff", "cronExpression", "keepLatestCount",
  "enabled", "applicationId", "postgresId", "mariadbId", "mongoId", "mysqlId", "redisId", "libsqlId", "composeId",
  "createdAt", "destinationId",
] as const;

const newestFirst = (a: VolumeBackupRecord, b: VolumeBackupRecord): number =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0;

/** Handlers by endpoint. */
export const volumeBackupRoutes: Record<string, Handler> = {
  "volumeBackups.create": (input, { store }) => {
    const values: Input = { volumeBackupId: store.random.id(), ...definedOnly(input, COLUMNS) };
    values.appName ??= generatedAppName(store, "volumeBackup");
    values.createdAt ??= store.now();
    const row = insertChecked(store, store.children.volumeBackups, "volume_backup", values, () =>
      volumeBackupRow(values as Parameters<typeof volumeBackupRow>[0]));
    if (row.enabled) store.cron.register("volumeBackup", row.volumeBackupId);
    return copy(row);
  },

  "volumeBackups.one": (input, { store }) =>
    volumeBackupDetail(store, findChild(store.children.volumeBackups, input.volumeBackupId, "Volume backup not found")),

  "volumeBackups.update": (input, { store }) => {
    const backup = findChild(store.children.volumeBackups, input.volumeBackupId, "Volume backup not found");
    const patch = { ...definedOnly(input, COLUMNS), volumeBackupId: backup.volumeBackupId };
    const row = patchChecked(store, store.children.volumeBackups, "volume_backup", backup.volumeBackupId, patch);
    store.cron.reschedule("volumeBackup", row.volumeBackupId, row.enabled);
    return copy(row);
  },

  "volumeBackups.delete": (input, { store }) => {
    const backup = findChild(store.children.volumeBackups, input.volumeBackupId, "Volume backup not found");
    // Dokploy deletes the row but never cancels its cron job (no `removeVolumeBackupJob` here): it stays, stray.
    store.children.volumeBackups.remove(backup.volumeBackupId);
    return undefined;
  },

  "volumeBackups.list": (input, { store }) =>
    store.children.volumeBackups
      .byParent(serviceIdColumn(input.volumeBackupType as ServiceType), String(input.id))
      .sort(newestFirst)
      .map((v) => volumeBackupListItem(store, v)),
};
