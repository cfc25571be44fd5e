/**
 * What the service children's handlers share: finding a row or failing with
 * Dokploy's message, the foreign-key checks Postgres makes on insert and
 * update, and the generated `appName`s of schedules and volume backups.
 */
import type { ServiceType } from "../../dokploy/routers/mounts.ts";
import { SERVICE_TYPES } from "../../dokploy/routers/mounts.ts";
import type { ChildTable } from "../child-table.ts";
import { serviceIdColumn } from "../child-table.ts";
import { SimError, type TrpcCode } from "../errors.ts";
import { ORGANIZATION_ID } from "../rows.ts";
import type { Store } from "../store.ts";
import { failedInsert, failedUpdate, type Input } from "./context.ts";

type Row = Record<string, unknown>;

/** The row with `id`, or Dokploy's not-found error (`<Kind> not found`, 404 unless the handler re-wraps it). */
export function findChild<R extends Row>(table: ChildTable<R>, id: unknown, message: string, code: TrpcCode = "NOT_FOUND"): R {
  const row = table.get(String(id));
  if (!row) throw new SimError(code, message);
  return row;
}

/** The message of each service kind's finder (`findApplicationById`, `findMySqlById`...: not all alike). */
export const SERVICE_NOT_FOUND: Readonly<Record<ServiceType, string>> = {
  application: "Application not found",
  compose: "Compose not found",
  postgres: "Postgres not found",
  mysql: "MySql not found",
  mariadb: "Mariadb not found",
  mongo: "Mongo not found",
  redis: "Redis not found",
  libsql: "Libsql not found",
};

/** True for one of Dokploy's `serviceType` values. */
export function isServiceType(value: unknown): value is ServiceType {
  return (SERVICE_TYPES as readonly unknown[]).includes(value);
}

/** The children's `integer` columns (Postgres `int4`: a JSON number that is not a 32-bit integer fails). */
const INTEGER_COLUMNS = ["publishedPort", "targetPort", "keepLatestCount"] as const;

const isInt4 = (v: unknown): boolean => typeof v !== "number" || (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);

/**
 * Whether Postgres would store `values` (on insert or update): every foreign
 * key points at an existing row (the service columns, `destinationId`, the
 * `serverId`/`organizationId` of schedules; servers are not simulated, so any
 * `serverId` fails) and every integer column holds a 32-bit integer.
 */
export function postgresAccepts(store: Store, values: Input): boolean {
  if (!INTEGER_COLUMNS.every((c) => isInt4(values[c]))) return false;
  for (const type of SERVICE_TYPES) {
    const id = values[serviceIdColumn(type)];
    if (typeof id === "string" && !store.serviceRow(type, id)) return false;
  }
  if (typeof values.destinationId === "string" && !store.destinationRow(values.destinationId)) return false;
  if (typeof values.serverId === "string") return false;
  if (typeof values.organizationId === "string" && values.organizationId !== ORGANIZATION_ID) return false;
  return true;
}

/**
 * Inserts `row` after the checks Postgres makes on `values`; a failed check
 * is drizzle's error, unwrapped by the handler: a bare 500.
 */
export function insertChecked<R extends Row>(store: Store, table: ChildTable<R>, sqlTable: string, values: Input, row: () => R): R {
  if (!postgresAccepts(store, values)) throw new SimError("INTERNAL_SERVER_ERROR", failedInsert(sqlTable, values));
  return table.insert(row());
}

/** Patches row `id` after Postgres's checks; a failed check is drizzle's bare 500 `Failed query: update ...`. */
export function patchChecked<R extends Row>(store: Store, table: ChildTable<R>, sqlTable: string, id: string, patch: Input): R {
  if (!postgresAccepts(store, patch)) throw new SimError("INTERNAL_SERVER_ERROR", failedUpdate(sqlTable, table.idColumn, id, patch));
  return table.patch(id, patch)!;
}

/** Dokploy's `generateAppName(type)`: `<type>-<verb>-<adjective>-<noun>-<6 of [a-z1-9]>` (the default appName is the `app` one). */
export function generatedAppName(store: Store, type: string): string {
  return `${type}-${store.random.defaultAppName().slice("app-".length)}`;
}
