/**
 * VolumeBackup (`volumeBackups.*`): a scheduled copy of a service's named
 * volume to a backup destination, written under the volume mount it copies
 * (`mounts[].backup`), on any service that carries mounts. Identified by the
 * volume's name (all Dokploy links it by: it checks neither that a mount uses
 * the volume nor that the volume exists), owned through the service's marker
 * (`volumeBackups: {<volumeName>: {id}}`) like every child list, with the same
 * rules as a database's backups: the destination is named, and an unknown
 * name is refused before any write; removing `backup` deletes only the copy
 * this tool created; a hand-made one is left alone; a collision is a conflict.
 *
 * Volume backups are not part of any service's `one` answer: the observer
 * lists them (`volumeBackups.list`, one call per service) only for a service
 * whose manifest declares a backup or whose marker records one. A change
 * takes effect at once (Dokploy reschedules it): no deploy. An enabled one
 * is disabled before it is deleted, and before its service is: Dokploy's
 * delete paths leave its cron job running.
 */
import type { Manifest } from "../model/manifest.ts";
import type { MountSpec, VolumeBackupEntrySpec } from "../model/spec.ts";
import { resourceLabel } from "../model/resource.ts";
import { destinationRouter } from "../dokploy/routers/destination.ts";
import { volumeBackupsRouter, type VolumeBackupCreateInput, type VolumeBackupRow } from "../dokploy/routers/volume-backups.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { DokployApi } from "../dokploy/port.ts";
import type { View } from "../plan/views.ts";
import { childList } from "./child-list.ts";
import { DEFAULT_BACKUP_PREFIX, unknownDestinations } from "./database-backups.ts";
import { MOUNT_SERVICES, serviceTypeOf } from "./mount.ts";
import type { ChildEntry, ChildListKind, ChildParent, PlanLookups } from "./types.ts";

/** The compared columns; `destination` is the destination's name (its id when Dokploy's destinations were not read). */
function backupView(name: string, b: { volumeName: string; schedule: string; destination: string; prefix?: string; keepLatestCount?: number | null; enabled?: boolean | null }): View {
  return {
    metadata: { name },
    spec: {
      volumeName: b.volumeName, schedule: b.schedule, destination: b.destination, prefix: b.prefix ?? DEFAULT_BACKUP_PREFIX,
      keepLatestCount: b.keepLatestCount ?? null, enabled: b.enabled ?? true,
    },
  };
}

function liveBackupView(name: string, r: VolumeBackupRow, lookups: PlanLookups | undefined): View {
  const destination = [...(lookups?.destinations ?? new Map<string, string>())].find(([, id]) => id === r.destinationId)?.[0] ?? r.destinationId;
  // Dokploy stores null (not scheduled) when `enabled` is not sent; shown as false.
  return backupView(name, { volumeName: r.volumeName, schedule: r.cronExpression, destination, prefix: r.prefix, keepLatestCount: r.keepLatestCount, enabled: r.enabled === true });
}

/** The volume backups a service's spec declares: one per volume mount with `backup`, undefined when `mounts` is omitted. */
function backupEntries(spec: Record<string, unknown>): ChildEntry[] | undefined {
  const mounts = spec.mounts as MountSpec[] | undefined;
  if (mounts === undefined) return undefined;
  const out: ChildEntry[] = [];
  mounts.forEach((m, i) => {
    if (m.type === "volume" && m.backup) out.push({ spec: { ...m.backup, volumeName: m.volumeName }, pointer: `/spec/mounts/${i}/backup` });
  });
  return out;
}

/** `volumeBackups.create`/`update` columns, the destination's id read now (a destination is organisation-wide). */
async function body(ctx: ApplyContext, parent: ChildParent, m: Manifest<"VolumeBackup">): Promise<VolumeBackupCreateInput> {
  const v = backupView(m.metadata.name, m.spec).spec as { volumeName: string; schedule: string; destination: string; prefix: string; keepLatestCount: number | null; enabled: boolean };
  const destinations = await ctx.api.call(destinationRouter.all, {});
  const destinationId = destinations.find((d) => d.name === v.destination)?.destinationId;
  if (!destinationId) throw new Error(`backup destination "${v.destination}" does not exist in Dokploy any more`);
  const serviceType = serviceTypeOf(parent.kind);
  return {
    name: v.volumeName, volumeName: v.volumeName, prefix: v.prefix, cronExpression: v.schedule, destinationId,
    keepLatestCount: v.keepLatestCount, enabled: v.enabled, serviceType, [`${serviceType}Id`]: parent.id,
  };
}

/**
 * Cancels an enabled volume backup's cron job by disabling it (`update` is a
 * full replace: the row's own required columns go back with `enabled: false`).
 * Needed before its delete: `volumeBackups.delete` removes the row but never
 * cancels the job (apps/dokploy/server/api/routers/volume-backups.ts: only
 * `update` calls `removeVolumeBackupJob`), which then fires and fails
 * (`findVolumeBackupById`) at every tick until Dokploy restarts.
 */
async function unscheduleVolumeBackup(api: DokployApi, r: VolumeBackupRow): Promise<void> {
  if (r.enabled !== true) return;
  await api.call(volumeBackupsRouter.update, {
    volumeBackupId: r.volumeBackupId, name: r.name, volumeName: r.volumeName, prefix: r.prefix, cronExpression: r.cronExpression,
    destinationId: r.destinationId, enabled: false,
  });
}

export const volumeBackup: ChildListKind<"VolumeBackup", VolumeBackupRow> = childList({
  kind: "VolumeBackup",
  field: "volumeBackups",
  noun: "volume backup",
  // volumeBackups.create's serviceType enum (apps/dokploy/server/api/routers/volume-backups.ts) is mounts.create's.
  services: MOUNT_SERVICES,
  deploy: false,
  listSeparately: true,
  usesDestinations: true,
  refs: ["project", "environment"],
  schemaFile: "application.schema.json",
  summary: "A scheduled copy of a volume mount's volume to a backup destination, under the mount's `backup`.",
  fields: { deploy: [], secretMaps: [], hiddenLiveMaps: [] },
  entries: backupEntries,
  refusals: (m, lookups) => unknownDestinations([m.spec], lookups.destinations, resourceLabel(m.identity), "volume backup"),
  entryKey: (s: VolumeBackupEntrySpec) => s.volumeName,
  rowKey: (r) => r.volumeName,
  rowId: (r) => r.volumeBackupId,
  rows: (d) => d.children?.volumeBackups as VolumeBackupRow[] | undefined,
  desiredView: (m) => backupView(m.metadata.name, m.spec),
  liveView: (name, r, _desired, lookups) => liveBackupView(name, r, lookups),
  list: (api, parent) => api.call(volumeBackupsRouter.list, { id: parent.id, volumeBackupType: serviceTypeOf(parent.kind) }),
  create: async (ctx, parent, m) => (await ctx.api.call(volumeBackupsRouter.create, await body(ctx, parent, m))).volumeBackupId,
  update: async (ctx, id, parent, m) => ctx.api.call(volumeBackupsRouter.update, { volumeBackupId: id, ...(await body(ctx, parent, m)) }),
  unschedule: unscheduleVolumeBackup,
  remove: async (api, id, row) => {
    if (row) await unscheduleVolumeBackup(api, row);
    return api.call(volumeBackupsRouter.delete, { volumeBackupId: id });
  },
});
