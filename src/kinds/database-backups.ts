/**
 * A database's scheduled backups (`backup.*`): a list on the database's spec,
 * each entry identified by its `name`. Dokploy's backups have no description
 * and no name, so they are owned through the database's marker
 * (`backups: {<name>: {id}}`); a backup the marker does not record was made by
 * hand and is left alone (listed in the plan, and it blocks a delete of the
 * database, which would cascade to it).
 *
 * `backup.create` answers no id: an intent (`{}`) is written into the marker
 * before the create, and the id is found afterwards in the database's `one`
 * answer by its natural key (destination, prefix, database, schedule) among
 * the backups that were not there before. A create whose id could not be
 * recorded is recovered on the next pass by the same key.
 *
 * The sync is level-based on a fresh read: what to delete, create and update
 * is decided from the database's `one` answer at apply time, so a stale plan
 * can neither delete a backup twice nor miss one created meanwhile.
 */
import type { BackupDatabaseType, BackupWithDestination } from "../dokploy/routers/backup.ts";
import { backupRouter } from "../dokploy/routers/backup.ts";
import { destinationRouter } from "../dokploy/routers/destination.ts";
import { ownershipOf, parseDescription, type BackupRecord, type Marker } from "../model/marker.ts";
import type { DatabaseBackupSpec } from "../model/spec.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { DokployApi } from "../dokploy/port.ts";
import type { PlanStep } from "../plan/types.ts";

/** Dokploy's form default for a backup's prefix (the column is required, at least one character). */
export const DEFAULT_BACKUP_PREFIX = "/";

/** One backup as the diff compares it. */
export interface BackupView {
  schedule: string;
  destination: string;
  prefix: string;
  database: string;
  keepLatestCount: number | null;
  enabled: boolean;
}

/** The desired backups by name, every default filled in (`database` defaults to the spec's `databaseName`). */
export function desiredBackups(backups: readonly DatabaseBackupSpec[] | undefined, defaultDatabase: string | undefined): Record<string, BackupView> {
  const out: Record<string, BackupView> = {};
  for (const b of backups ?? []) {
    out[b.name] = {
      schedule: b.schedule,
      destination: b.destination,
      prefix: b.prefix ?? DEFAULT_BACKUP_PREFIX,
      database: b.database ?? defaultDatabase ?? "",
      keepLatestCount: b.keepLatestCount ?? null,
      // Dokploy's API stores null (not scheduled) when omitted; its form defaults to enabled, as we do.
      enabled: b.enabled ?? true,
    };
  }
  return out;
}

function liveBackupView(row: BackupWithDestination): BackupView {
  return {
    schedule: row.schedule,
    destination: row.destination?.name ?? row.destinationId,
    prefix: row.prefix,
    database: row.database,
    keepLatestCount: row.keepLatestCount ?? null,
    enabled: row.enabled === true,
  };
}

/** The live backups the marker records, by name (records whose backup is gone are left out). */
export function liveBackups(rows: readonly BackupWithDestination[], marker: Marker | undefined): Record<string, BackupView> {
  const out: Record<string, BackupView> = {};
  for (const [name, rec] of Object.entries(marker?.backups ?? {})) {
    const row = rec.id ? rows.find((b) => b.backupId === rec.id) : undefined;
    if (row) out[name] = liveBackupView(row);
  }
  return out;
}

/** Backups of the database that its marker does not record: made by hand, never touched. */
export function handMadeBackups(rows: readonly BackupWithDestination[], marker: Marker | undefined): BackupWithDestination[] {
  const ours = new Set(Object.values(marker?.backups ?? {}).map((r) => r.id));
  return rows.filter((b) => !ours.has(b.backupId));
}

/** One line naming a backup for people: its appName, schedule and destination. */
export function describeBackup(b: BackupWithDestination): string {
  return `${b.appName} (${b.schedule} to ${b.destination?.name ?? b.destinationId})`;
}

/**
 * The backup records of the marker a plan writes: each desired name keeps its
 * live record, or gets an intent. Records of removed names are dropped (the
 * apply deletes those backups first, reading their ids from the live marker).
 */
export function backupRecords(backups: readonly DatabaseBackupSpec[] | undefined, live: Marker | undefined): Record<string, BackupRecord> | undefined {
  if (!backups || backups.length === 0) return undefined;
  return Object.fromEntries(backups.map((b) => [b.name, live?.backups?.[b.name] ?? {}]));
}

/**
 * Refusals for destinations Dokploy does not have (checked at plan time,
 * before any write), for a database's backups or a volume backup (`what`).
 */
export function unknownDestinations(backups: ReadonlyArray<{ destination: string }> | undefined, destinations: ReadonlyMap<string, string> | undefined, label: string, what = "database"): string[] {
  const wanted = [...new Set((backups ?? []).map((b) => b.destination))];
  if (wanted.length === 0) return [];
  if (!destinations) return [`${label}: its backups name destinations, but Dokploy's destinations were not read`];
  const known = [...destinations.keys()].sort();
  return wanted.filter((d) => !destinations.has(d)).map((d) =>
    `${label}: backup destination "${d}" does not exist in Dokploy (known: ${known.length > 0 ? known.join(", ") : "none"}); create it in Dokploy's settings (S3 Destinations) first. Nothing was written for this ${what}`);
}

/** The database a backup sync works on. */
export interface BackupTarget {
  /** `postgresId`, ... */
  idKey: string;
  id: string;
  databaseType: BackupDatabaseType;
  /** Re-reads the database: its description (marker) and backups. */
  read(): Promise<{ description: string | null; backups?: BackupWithDestination[] }>;
}

const naturalKey = (v: { destinationId: string; prefix: string; database: string; schedule: string }): string =>
  JSON.stringify([v.destinationId, v.prefix, v.database, v.schedule]);

/**
 * Deletes the backups this database's live marker records but the manifest no
 * longer lists. Runs before the marker write that drops their records. Only
 * when the re-read marker is this instance's, for this key and object.
 */
export async function deleteRemovedBackups(ctx: ApplyContext, step: PlanStep, target: BackupTarget, desired: Record<string, BackupView>): Promise<void> {
  const live = await target.read();
  const o = ownershipOf(live.description, ctx.instance, target.id);
  if (o.kind !== "ours" || o.marker.key !== step.key) return;
  const rows = live.backups ?? [];
  for (const [name, rec] of Object.entries(o.marker.backups ?? {})) {
    if (name in desired || !rec.id || !rows.some((b) => b.backupId === rec.id)) continue;
    await ctx.api.call(backupRouter.remove, { backupId: rec.id });
  }
}

/**
 * Before deleting a database whose `remove` does not cancel its backups'
 * cron jobs (LibSQL's: apps/dokploy/server/api/routers/libsql.ts has no
 * `cancelJobs`, which the four other kinds' `remove` run): removes each
 * enabled backup first (`backup.remove` cancels its job), as the cascade
 * would remove the row but leave the job firing until Dokploy restarts.
 * The delete's ownership check has already refused hand-made ones.
 */
export async function removeScheduledBackups(api: DokployApi, rows: readonly BackupWithDestination[]): Promise<void> {
  for (const b of rows) if (b.enabled === true) await api.call(backupRouter.remove, { backupId: b.backupId });
}

/**
 * Creates and updates the desired backups from a fresh read, recording each
 * new id in the marker (after an intent written by the step's marker write).
 */
export async function syncBackups(ctx: ApplyContext, step: PlanStep, target: BackupTarget, desired: Record<string, BackupView>): Promise<void> {
  if (Object.keys(desired).length === 0) return;
  const destinations = new Map((await ctx.api.call(destinationRouter.all, {})).map((d) => [d.name, d.destinationId]));
  const destinationOf = (name: string): string => {
    const id = destinations.get(name);
    if (!id) throw new Error(`backup destination "${name}" does not exist in Dokploy any more`);
    return id;
  };
  let live = await target.read();
  const recorded = (): Record<string, BackupRecord> => ctx.serviceMarker(step.key)?.marker.backups ?? {};
  for (const [name, want] of Object.entries(desired)) {
    const fields = { schedule: want.schedule, prefix: want.prefix, database: want.database, destinationId: destinationOf(want.destination) };
    const rows = live.backups ?? [];
    const rec = recorded()[name];
    let row = rec?.id ? rows.find((b) => b.backupId === rec.id) : undefined;
    if (!row) {
      // An intent without a backup: a create whose id was lost finds its backup by its natural key.
      const claimed = new Set(Object.values(recorded()).map((r) => r.id));
      const unclaimed = rows.filter((b) => !claimed.has(b.backupId) && naturalKey(b) === naturalKey(fields));
      if (rec && !rec.id && unclaimed.length === 1) row = unclaimed[0]!;
      else {
        const before = new Set(rows.map((b) => b.backupId));
        await ctx.updateServiceMarker(step.key, (m) => void (m.backups = { ...m.backups, [name]: {} }));
        await ctx.api.call(backupRouter.create, {
          ...fields, enabled: want.enabled, keepLatestCount: want.keepLatestCount, databaseType: target.databaseType,
          backupType: "database", [target.idKey]: target.id,
        });
        live = await target.read();
        const made = (live.backups ?? []).filter((b) => !before.has(b.backupId) && naturalKey(b) === naturalKey(fields));
        if (made.length !== 1) throw new Error(`backup ${name}: created, but ${made.length} new backups match it; the next pass finds it again`);
        await ctx.updateServiceMarker(step.key, (m) => void (m.backups = { ...m.backups, [name]: { id: made[0]!.backupId } }));
        continue;
      }
      await ctx.updateServiceMarker(step.key, (m) => void (m.backups = { ...m.backups, [name]: { id: row!.backupId } }));
    }
    if (JSON.stringify(liveBackupView(row)) === JSON.stringify({ ...want })) continue;
    await ctx.api.call(backupRouter.update, {
      backupId: row.backupId, ...fields, enabled: want.enabled, keepLatestCount: want.keepLatestCount,
      serviceName: null, metadata: null, databaseType: target.databaseType,
    });
  }
}

/** The marker of a database's description, for code that holds the description only. */
export const markerOf = (description: string | null): Marker | undefined => parseDescription(description).marker;
