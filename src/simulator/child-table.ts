/**
 * The tables of a service's children (mounts, ports, redirects, basic-auth
 * users, schedules, volume backups) and of destinations. Each child row
 * points at its service through one of Dokploy's foreign-key columns
 * (`applicationId`, `composeId`, `postgresId`...), so a table indexes rows by
 * those columns: listing a service's children and cascading its deletion cost
 * O(its children), whatever kind of service it is. Compose and database
 * tables plug in without a change here: their children use the same columns.
 */
import type { ServiceType } from "../dokploy/routers/mounts.ts";
import { SERVICE_TYPES } from "../dokploy/routers/mounts.ts";
import type {
  ChildRecordKind, ChildTables, DestinationRecord, MountRecord, PortRecord, RedirectRecord, ScheduleRecord, SecurityRecord,
  VolumeBackupRecord,
} from "./child-types.ts";

type Row = Record<string, unknown>;

/** The foreign-key column of a service type (`application` -> `applicationId`). */
export function serviceIdColumn(type: ServiceType): `${ServiceType}Id` {
  return `${type}Id`;
}

/** The eight service columns of `mount` and `volume_backup`. */
export const SERVICE_ID_COLUMNS: readonly string[] = SERVICE_TYPES.map(serviceIdColumn);

const key = (column: string, value: string): string => `${column}\u0000${value}`;

/** One table: rows by id, in insertion order, plus an index per parent column. */
export class ChildTable<R extends Row> {
  readonly #rows = new Map<string, R>();
  readonly #byParent = new Map<string, Set<string>>();
  readonly idColumn: string;
  readonly parentColumns: readonly string[];
  readonly #changed: () => void;

  constructor(idColumn: string, parentColumns: readonly string[], changed: () => void) {
    this.idColumn = idColumn;
    this.parentColumns = parentColumns;
    this.#changed = changed;
  }

  get(id: string): R | undefined {
    return this.#rows.get(id);
  }

  has(id: string): boolean {
    return this.#rows.has(id);
  }

  /** Every row, in insertion order. */
  all(): R[] {
    return [...this.#rows.values()];
  }

  insert(row: R): R {
    const id = String(row[this.idColumn]);
    this.#rows.set(id, row);
    this.#index(row, id, true);
    this.#changed();
    return row;
  }

  /** Partial column update; the id column cannot change. Re-indexes only when a parent column changed, so lists keep their order. */
  patch(id: string, patch: Row): R | undefined {
    const row = this.#rows.get(id);
    if (!row) return undefined;
    const moved = this.parentColumns.some((c) => c in patch && patch[c] !== row[c]);
    if (moved) this.#index(row, id, false);
    Object.assign(row, patch, { [this.idColumn]: id });
    if (moved) this.#index(row, id, true);
    this.#changed();
    return row;
  }

  remove(id: string): R | undefined {
    const row = this.#rows.get(id);
    if (!row) return undefined;
    this.#index(row, id, false);
    this.#rows.delete(id);
    this.#changed();
    return row;
  }

  /** Rows whose `column` is `value`, in insertion order. */
  byParent(column: string, value: string): R[] {
    return [...(this.#byParent.get(key(column, value)) ?? [])].map((id) => this.#rows.get(id)!);
  }

  /** Deletes the rows whose `column` is `value` (a foreign key's `onDelete: cascade`). */
  removeByParent(column: string, value: string): void {
    for (const row of this.byParent(column, value)) this.remove(String(row[this.idColumn]));
  }

  #index(row: R, id: string, add: boolean): void {
    for (const column of this.parentColumns) {
      const value = row[column];
      if (typeof value !== "string") continue;
      const k = key(column, value);
      let set = this.#byParent.get(k);
      if (add) {
        if (!set) this.#byParent.set(k, (set = new Set()));
        set.add(id);
      } else {
        set?.delete(id);
        if (set?.size === 0) this.#byParent.delete(k);
      }
    }
  }
}

/** The foreign keys of each table, as Dokploy v0.30.2's schema declares them (`onDelete: cascade` on every one). */
const PARENTS = {
  mounts: SERVICE_ID_COLUMNS,
  ports: ["applicationId"],
  redirects: ["applicationId"],
  security: ["applicationId"],
  // `serverId` and `organizationId` too in Dokploy; servers are not simulated.
  schedules: ["applicationId", "composeId"],
  volumeBackups: [...SERVICE_ID_COLUMNS, "destinationId"],
  destinations: [],
} as const satisfies Record<keyof ChildTables, readonly string[]>;

const TABLE_OF_KIND = {
  mount: "mounts", port: "ports", redirect: "redirects", security: "security", schedule: "schedules",
  volumeBackup: "volumeBackups", destination: "destinations",
} as const satisfies Record<ChildRecordKind, keyof ChildTables>;

/** All child tables of a store, with cascades and persistence. */
export class ServiceChildren {
  readonly mounts: ChildTable<MountRecord>;
  readonly ports: ChildTable<PortRecord>;
  readonly redirects: ChildTable<RedirectRecord>;
  readonly security: ChildTable<SecurityRecord>;
  readonly schedules: ChildTable<ScheduleRecord>;
  readonly volumeBackups: ChildTable<VolumeBackupRecord>;
  readonly destinations: ChildTable<DestinationRecord>;
  /** `redirect.uniqueConfigKey` is a serial of its own. */
  #redirectConfigKey = 0;

  constructor(changed: () => void) {
    this.mounts = new ChildTable("mountId", PARENTS.mounts, changed);
    this.ports = new ChildTable("portId", PARENTS.ports, changed);
    this.redirects = new ChildTable("redirectId", PARENTS.redirects, changed);
    this.security = new ChildTable("securityId", PARENTS.security, changed);
    this.schedules = new ChildTable("scheduleId", PARENTS.schedules, changed);
    this.volumeBackups = new ChildTable("volumeBackupId", PARENTS.volumeBackups, changed);
    this.destinations = new ChildTable("destinationId", PARENTS.destinations, changed);
  }

  #tables(): Array<ChildTable<Row>> {
    return [this.mounts, this.ports, this.redirects, this.security, this.schedules, this.volumeBackups, this.destinations] as Array<ChildTable<Row>>;
  }

  /** The next `redirect.uniqueConfigKey`. */
  nextRedirectConfigKey(): number {
    return ++this.#redirectConfigKey;
  }

  /** Deletes every child of a service, as its foreign keys cascade when the service row goes. */
  removeService(type: ServiceType, id: string): void {
    const column = serviceIdColumn(type);
    for (const table of this.#tables()) if (table.parentColumns.includes(column)) table.removeByParent(column, id);
  }

  /** Deletes a destination and the volume backups that write to it. */
  removeDestination(id: string): DestinationRecord | undefined {
    this.volumeBackups.removeByParent("destinationId", id);
    return this.destinations.remove(id);
  }

  /** A partial column update by kind (the `control.update` of a child). */
  patch(kind: ChildRecordKind, id: string, patch: Row): Row | undefined {
    return (this[TABLE_OF_KIND[kind]] as ChildTable<Row>).patch(id, patch);
  }

  /** Copies of every table. */
  toJSON(): ChildTables {
    return structuredClone({
      mounts: this.mounts.all(), ports: this.ports.all(), redirects: this.redirects.all(), security: this.security.all(),
      schedules: this.schedules.all(), volumeBackups: this.volumeBackups.all(), destinations: this.destinations.all(),
    });
  }

  /** Loads persisted tables (absent ones, from a state file written before they existed, stay empty). */
  load(data: Partial<ChildTables>): void {
    for (const r of data.destinations ?? []) this.destinations.insert(r);
    for (const r of data.mounts ?? []) this.mounts.insert(r);
    for (const r of data.ports ?? []) this.ports.insert(r);
    for (const r of data.redirects ?? []) {
      this.redirects.insert(r);
      this.#redirectConfigKey = Math.max(this.#redirectConfigKey, r.uniqueConfigKey);
    }
    for (const r of data.security ?? []) this.security.insert(r);
    for (const r of data.schedules ?? []) this.schedules.insert(r);
    for (const r of data.volumeBackups ?? []) this.volumeBackups.insert(r);
  }

  /** Every stored `createdAt`, so a restarted store keeps its timestamps increasing. */
  timestamps(): string[] {
    return [this.redirects, this.security, this.schedules, this.volumeBackups, this.destinations]
      .flatMap((t) => (t as ChildTable<Row>).all().map((r) => String(r.createdAt)));
  }
}
