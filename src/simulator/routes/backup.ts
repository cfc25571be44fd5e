/**
 * `backup.*` and `destination.all` as Dokploy v0.30.2 has them
 * (apps/dokploy/server/api/routers/{backup,destination}.ts,
 * packages/server/src/services/backup.ts): `create` answers nothing (the id is
 * read back from the service's `one`), every failure of create, update and
 * remove is re-thrown as a 400 carrying its message (a foreign key refused by
 * Postgres included, in drizzle's wording), and `update` is a full replace.
 * Destinations are organisation-wide and only seeded (`destination.create` is
 * not served: the tool never makes one).
 */
import { SimError } from "../errors.ts";
import { backupRow } from "../service-rows.ts";
import { backupDetail } from "../service-views.ts";
import type { BackupRecord, Row } from "../types.ts";
import { failedInsert, failedUpdate, type Handler, type Input, type RouteContext } from "./context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** The service id columns of a backup and the table each refers to. */
const REFERENCES = ["postgresId", "mariadbId", "mysqlId", "mongoId", "libsqlId", "composeId"] as const;

/** Whether every foreign key of `values` points at a row (destination and service ids). */
function referencesExist({ store }: RouteContext, values: Row): boolean {
  const { services } = store;
  if (values.destinationId !== undefined && !services.destinations.has(String(values.destinationId))) return false;
  return REFERENCES.every((column) => {
    const id = values[column];
    if (typeof id !== "string") return true;
    return column === "composeId" ? services.compose.has(id) : services.kindOf(id) === column.slice(0, -2);
  });
}

function findBackup({ store }: RouteContext, backupId: unknown): BackupRecord {
  const b = store.services.backups.get(String(backupId));
  if (!b) throw new SimError("NOT_FOUND", "Backup not found");
  return b;
}

/** Dokploy's backup handlers: any error becomes a 400 with its message. */
function rewrapped(fn: Handler): Handler {
  return (input, ctx) => {
    try {
      return fn(input, ctx);
    } catch (err) {
      throw new SimError("BAD_REQUEST", err instanceof Error ? err.message : String(err));
    }
  };
}

const defined = (input: Input): Row => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));

/** Handlers by endpoint. */
export const backupRoutes: Record<string, Handler> = {
  "backup.create": rewrapped((input, ctx) => {
    const { store } = ctx;
    const values = { backupId: store.random.id(), appName: store.random.defaultAppName("backup"), ...defined(input) };
    if (!referencesExist(ctx, values)) throw new Error(failedInsert("backup", values));
    const row = store.services.insertBackup(backupRow(values as Parameters<typeof backupRow>[0]));
    if (row.enabled) store.cron.register("backup", row.backupId);
    return undefined;
  }),

  "backup.one": (input, ctx) => backupDetail(ctx.store, findBackup(ctx, input.backupId)),

  "backup.update": rewrapped((input, ctx) => {
    const b = findBackup(ctx, input.backupId);
    const patch = defined(input);
    if (!referencesExist(ctx, patch)) throw new Error(failedUpdate("backup", "backupId", b.backupId, patch));
    ctx.store.patch("backup", b.backupId, patch);
    ctx.store.cron.reschedule("backup", b.backupId, findBackup(ctx, b.backupId).enabled);
    return undefined;
  }),

  "backup.remove": rewrapped((input, ctx) => {
    const b = findBackup(ctx, input.backupId);
    ctx.store.cron.cancel(b.backupId);
    return copy(ctx.store.services.removeBackup(b.backupId));
  }),

  /** Every destination, newest first, with its keys in plain text (as Dokploy answers). */
  "destination.all": (_input, { store }) =>
    [...store.services.destinations.values()]
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      .map(copy),
};
