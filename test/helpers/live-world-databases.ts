/**
 * The databases of the random live worlds (`live-world.ts`): the six kinds
 * with their passwords, env, resources, kind-specific columns and backups to
 * the world's seeded S3 destinations, each backup made by hand or recorded
 * in its owned database's marker. Passwords carry the world's canary.
 */
import fc from "fast-check";
import type { Marker } from "../../src/model/marker.ts";
import type { DatabaseKind, SeedDatabase } from "../../src/simulator/index.ts";
import { WORLD_CANARY, childRecords, databaseChildrenArb, recorded, worldChildren, type ChildDrafts, type WorldChildren } from "./live-world-children.ts";

/** The S3 destinations every world has (backups name them). */
export const WORLD_DESTINATIONS = [
  { destinationId: "dest-main", name: "s3-main" },
  { destinationId: "dest-eu", name: "backups-eu" },
] as const;

/** The manifest kind of each Dokploy database router. */
export const DATABASE_KIND_NAMES: Record<DatabaseKind, string> = { postgres: "Postgres", mysql: "MySQL", mariadb: "MariaDB", mongo: "Mongo", redis: "Redis", libsql: "LibSQL" };


/** One database of a world; `columns` are its row's columns beyond ids and names. */
export interface WorldDatabase {
  id: string;
  kind: DatabaseKind;
  name: string;
  standing: string;
  description: string;
  status: "idle" | "done" | "running" | "error";
  columns: Record<string, unknown>;
  env: Record<string, string>;
  backups: WorldBackup[];
  /** Ours, and its marker also records a backup deleted in the UI since. */
  staleRecord: boolean;
  /** Mounts made beside its data volume (with volume backups). */
  children: WorldChildren;
}

export interface WorldBackup {
  id: string;
  destinationId: string;
  schedule: string;
  prefix: string;
  database: string;
  keepLatestCount: number | null;
  enabled: boolean | null;
  /** Recorded in the owned database's marker under this name. */
  recordedAs?: string;
}

const password = fc.constantFrom(`${WORLD_CANARY}-db`, "Sup3r secret #pw", "x");
const resources = fc.record({
  memoryLimit: fc.constantFrom(null, "536870912", "1073741824"), memoryReservation: fc.constantFrom(null, "268435456"),
  cpuLimit: fc.constantFrom(null, "1000000000", "500000000"), cpuReservation: fc.constantFrom(null, "250000000"),
});

/** The columns of one kind, as the UI's forms write them. */
const kindColumns = (kind: DatabaseKind): fc.Arbitrary<Record<string, unknown>> => {
  const common = {
    databasePassword: password, command: fc.constantFrom(null, "", "postgres -c max_connections=200"), replicas: fc.integer({ min: 1, max: 2 }),
    externalPort: fc.constantFrom(null, 15432, 25000), resources,
  };
  const args = fc.constantFrom(null, [], ["--verbose"]);
  switch (kind) {
    case "postgres":
      return fc.record({ ...common, args, dockerImage: fc.constantFrom("postgres:18", "postgres:16"), databaseName: fc.constantFrom("app", "orders"), databaseUser: fc.constantFrom("app", "shop") });
    case "mysql":
    case "mariadb":
      return fc.record({ ...common, args, dockerImage: fc.constantFrom(kind === "mysql" ? "mysql:8" : "mariadb:6", "mariadb:11"), databaseName: fc.constantFrom("app", "wp"), databaseUser: fc.constantFrom("app", "wp"), databaseRootPassword: password });
    case "mongo":
      return fc.record({ ...common, args, dockerImage: fc.constantFrom("mongo:15", "mongo:7"), databaseUser: fc.constantFrom("mongo", "app"), replicaSets: fc.boolean() });
    case "redis":
      return fc.record({ ...common, args, dockerImage: fc.constantFrom("redis:8", "redis:7-alpine") });
    case "libsql":
      return fc.record({
        ...common, dockerImage: fc.constant("ghcr.io/tursodatabase/libsql-server:v0.24.32"), databaseUser: fc.constantFrom("libsql", "app"),
        enableNamespaces: fc.boolean(), externalGRPCPort: fc.constantFrom(null, 15001), externalAdminPort: fc.constantFrom(null, 15002),
        sqldNode: fc.constantFrom("primary", "replica"),
        // A replica follows its primary's URL and publishes no gRPC port (Dokploy's form allows neither otherwise).
      }).map((c) => (c.sqldNode === "replica" ? { ...c, sqldPrimaryUrl: "http://edge-primary:8080", externalGRPCPort: null } : { ...c, sqldPrimaryUrl: null }));
  }
};

const backupArb = fc.record({
  destinationId: fc.constantFrom(...WORLD_DESTINATIONS.map((d) => d.destinationId)), schedule: fc.constantFrom("0 3 * * *", "0 */6 * * *"),
  prefix: fc.constantFrom("/", "nightly/", "db"), keepLatestCount: fc.constantFrom(null, 7), enabled: fc.constantFrom(true, false, null),
  otherDatabase: fc.boolean(), recorded,
});

/** A database as generated, before ids and records. */
export const databaseArb = fc.constantFrom<DatabaseKind>("postgres", "mysql", "mariadb", "mongo", "redis", "libsql").chain((kind) => fc.record({
  kind: fc.constant(kind),
  name: fc.constantFrom("db", "cache", "store", "worker"),
  description: fc.constantFrom("", "Made by hand", "Orders\nand more"),
  status: fc.constantFrom<WorldDatabase["status"]>("idle", "done", "running", "error"),
  columns: kindColumns(kind),
  staleRecord: fc.boolean(),
  children: databaseChildrenArb(),
  backups: kind === "redis" ? fc.constant<Array<Record<string, unknown>>>([]) : fc.uniqueArray(backupArb, { selector: (b) => `${b.destinationId}${b.prefix}${b.schedule}`, maxLength: 2 }),
}));

/** A generated database with ids, its backups' records kept only where it is ours. */
export function worldDatabase(
  d: { kind: DatabaseKind; name: string; description: string; status: WorldDatabase["status"]; columns: Record<string, unknown>; staleRecord: boolean; children: ChildDrafts; backups: Array<Record<string, unknown>> },
  standing: string, env: Record<string, string>, id: (prefix: string) => string,
): WorldDatabase {
  const owned = standing === "owned" || standing === "orphan";
  const dbName = typeof d.columns.databaseName === "string" ? d.columns.databaseName : d.name;
  return {
    id: id("db"), kind: d.kind, name: d.name, standing, description: d.description, status: d.status, columns: d.columns, env,
    staleRecord: owned && d.kind !== "redis" && d.staleRecord,
    children: worldChildren(d.children, owned, id),
    backups: d.backups.map((b, i) => ({
      id: id("bkp"), destinationId: String(b.destinationId), schedule: String(b.schedule), prefix: String(b.prefix),
      database: b.otherDatabase ? "analytics" : dbName, keepLatestCount: b.keepLatestCount as number | null, enabled: b.enabled as boolean | null,
      ...(owned && b.recorded ? { recordedAs: `backup-${i}` } : {}),
    })),
  };
}

/** The id a stale backup record names: a backup deleted in the UI after this instance recorded it. */
export const GONE_BACKUP_ID = "backup-deleted-in-the-ui";

/** The backup records an owned database's marker carries (with a stale one when `staleRecord`). */
export function backupRecords(d: WorldDatabase): Partial<Marker> {
  const records: Record<string, { id: string }> = Object.fromEntries(d.backups.filter((b) => b.recordedAs).map((b) => [b.recordedAs!, { id: b.id }]));
  if (d.staleRecord) records["deleted-in-the-ui"] = { id: GONE_BACKUP_ID };
  const children = childRecords(d.children);
  if (Object.keys(records).length === 0) return children;
  return { ...children, backups: records };
}

/** The database as the seed takes it (its marker already rendered into `description`). */
export function seedDatabase(d: WorldDatabase, description: string, appName: string, env: string): SeedDatabase {
  const { resources: r, ...columns } = d.columns as { resources: Record<string, unknown> } & Record<string, unknown>;
  return {
    kind: d.kind, id: d.id, name: d.name, appName, description, env, applicationStatus: d.status, ...columns, ...r,
    backups: d.backups.map((b) => ({
      backupId: b.id, destinationId: b.destinationId, schedule: b.schedule, prefix: b.prefix, database: b.database,
      keepLatestCount: b.keepLatestCount, enabled: b.enabled,
    })),
  };
}
