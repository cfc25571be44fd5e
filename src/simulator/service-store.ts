/**
 * The store's tables for compose stacks, the six database kinds, their mounts
 * and backups, and the organisation's S3 destinations, with the foreign keys
 * Dokploy declares `onDelete: cascade` (packages/server/src/db/schema/*.ts):
 * a service takes its mounts and backups with it, a destination its backups,
 * an environment every service in it. Compose domains and deployments live in
 * the store's own domain and deployment tables (`Store.removeComposeChildren`).
 * Like the store, it enforces structure only; Dokploy's rules are in the routes.
 */
import { DATABASE_KINDS, mountRow, SERVICE_ID_COLUMNS } from "./service-rows.ts";
import type { Store } from "./store.ts";
import type {
  BackupRecord, ComposeRecord, DatabaseKind, DatabaseRecord, DestinationRecord, MountRecord, Row, ServiceRecordKind,
} from "./types.ts";

/** The persisted form of these tables (optional in a state file written before they existed). */
export interface PersistedServices {
  compose: ComposeRecord[];
  databases: Record<DatabaseKind, DatabaseRecord[]>;
  mounts: MountRecord[];
  backups: BackupRecord[];
  destinations: DestinationRecord[];
  /** Services with a runtime on the server (see `ServiceTables.deployed`). */
  deployed: string[];
}

const KINDS = Object.keys(DATABASE_KINDS) as DatabaseKind[];
/** The service id columns of a backup (a backup of Dokploy itself has none). */
const BACKUP_SERVICE_COLUMNS = ["composeId", "postgresId", "mariadbId", "mysqlId", "mongoId", "libsqlId"] as const;

function add(map: Map<string, Set<string>>, key: unknown, id: string): void {
  if (typeof key !== "string") return;
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

function drop(map: Map<string, Set<string>>, key: unknown, id: string): void {
  if (typeof key !== "string") return;
  const set = map.get(key);
  set?.delete(id);
  if (set?.size === 0) map.delete(key);
}

const byCreatedAt = (a: Row, b: Row): number => String(a.createdAt).localeCompare(String(b.createdAt));

/** The first non-null service id column of a mount or backup row. */
function ownerOf(row: Row, columns: readonly string[]): string | undefined {
  for (const c of columns) if (typeof row[c] === "string") return row[c];
  return undefined;
}

/** Compose, database, mount, backup and destination tables. */
export class ServiceTables {
  readonly compose = new Map<string, ComposeRecord>();
  readonly databases = Object.fromEntries(KINDS.map((k) => [k, new Map<string, DatabaseRecord>()])) as Record<
    DatabaseKind, Map<string, DatabaseRecord>
  >;
  readonly mounts = new Map<string, MountRecord>();
  readonly backups = new Map<string, BackupRecord>();
  readonly destinations = new Map<string, DestinationRecord>();
  /**
   * Services that have a runtime on the server: a database's Swarm service, a
   * compose project's directory. Set by the first successful deploy; `start`
   * and `changePassword` fail without one, as they do on a real server.
   */
  readonly deployed = new Set<string>();
  readonly #store: Store;
  readonly #byEnvironment = new Map<string, Set<string>>();
  readonly #kindOf = new Map<string, "compose" | DatabaseKind>();
  readonly #mountsByService = new Map<string, Set<string>>();
  readonly #backupsByService = new Map<string, Set<string>>();
  readonly #backupsByDestination = new Map<string, Set<string>>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Whether `id` is a compose or which database kind it is. */
  kindOf(id: string): "compose" | DatabaseKind | undefined {
    return this.#kindOf.get(id);
  }

  insertCompose(row: ComposeRecord): ComposeRecord {
    this.compose.set(row.composeId, row);
    this.#kindOf.set(row.composeId, "compose");
    add(this.#byEnvironment, row.environmentId, row.composeId);
    this.#store.onChange();
    return row;
  }

  insertDatabase(kind: DatabaseKind, row: DatabaseRecord): DatabaseRecord {
    const id = row[DATABASE_KINDS[kind].idKey] as string;
    this.databases[kind].set(id, row);
    this.#kindOf.set(id, kind);
    add(this.#byEnvironment, row.environmentId, id);
    this.#store.registerAppName(row.appName, id);
    this.#store.onChange();
    return row;
  }

  /** The compose stacks of an environment, `createdAt` ascending. */
  composesOf(environmentId: string): ComposeRecord[] {
    return this.#servicesOf(environmentId).flatMap((id) => this.compose.get(id) ?? []).sort(byCreatedAt);
  }

  /** The databases of one kind in an environment, `createdAt` ascending. */
  databasesOf(kind: DatabaseKind, environmentId: string): DatabaseRecord[] {
    return this.#servicesOf(environmentId).flatMap((id) => this.databases[kind].get(id) ?? []).sort(byCreatedAt);
  }

  /** Whether an environment holds any compose or database (Dokploy refuses to remove it then). */
  hasServices(environmentId: string): boolean {
    return (this.#byEnvironment.get(environmentId)?.size ?? 0) > 0;
  }

  #servicesOf(environmentId: string): string[] {
    return [...(this.#byEnvironment.get(environmentId) ?? [])];
  }

  /**
   * The `<appName>-data` volume `<kind>.create` adds (`createMount` in the
   * database routers). The one way the simulator makes a mount today: a mounts
   * table with its own routes takes this helper over.
   */
  createVolumeMount(serviceType: DatabaseKind | "compose", serviceId: string, volumeName: string, mountPath: string): MountRecord {
    return this.insertMount(
      mountRow({
        mountId: this.#store.random.id(), type: "volume", volumeName, mountPath, serviceType, [`${serviceType}Id`]: serviceId,
      }),
    );
  }

  insertMount(row: MountRecord): MountRecord {
    this.mounts.set(row.mountId, row);
    add(this.#mountsByService, ownerOf(row, SERVICE_ID_COLUMNS), row.mountId);
    this.#store.onChange();
    return row;
  }

  /** The mounts of a service, in insertion order. */
  mountsOf(serviceId: string): MountRecord[] {
    return [...(this.#mountsByService.get(serviceId) ?? [])].map((id) => this.mounts.get(id)!);
  }

  removeMount(id: string): MountRecord | undefined {
    const row = this.mounts.get(id);
    if (!row) return undefined;
    drop(this.#mountsByService, ownerOf(row, SERVICE_ID_COLUMNS), id);
    this.mounts.delete(id);
    this.#store.onChange();
    return row;
  }

  insertBackup(row: BackupRecord): BackupRecord {
    this.backups.set(row.backupId, row);
    add(this.#backupsByService, ownerOf(row, BACKUP_SERVICE_COLUMNS), row.backupId);
    add(this.#backupsByDestination, row.destinationId, row.backupId);
    this.#store.onChange();
    return row;
  }

  /** The backups of a database or compose, in insertion order. */
  backupsOf(serviceId: string): BackupRecord[] {
    return [...(this.#backupsByService.get(serviceId) ?? [])].map((id) => this.backups.get(id)!);
  }

  removeBackup(id: string): BackupRecord | undefined {
    const row = this.backups.get(id);
    if (!row) return undefined;
    drop(this.#backupsByService, ownerOf(row, BACKUP_SERVICE_COLUMNS), id);
    drop(this.#backupsByDestination, row.destinationId, id);
    this.backups.delete(id);
    this.#store.onChange();
    return row;
  }

  insertDestination(row: DestinationRecord): DestinationRecord {
    this.destinations.set(row.destinationId, row);
    this.#store.onChange();
    return row;
  }

  /** Deletes a destination and, by cascade, the backups that use it. */
  removeDestination(id: string): DestinationRecord | undefined {
    const row = this.destinations.get(id);
    if (!row) return undefined;
    for (const b of [...(this.#backupsByDestination.get(id) ?? [])]) this.removeBackup(b);
    this.destinations.delete(id);
    this.#store.onChange();
    return row;
  }

  /** Deletes a compose with its mounts, backups, domains and deployments. */
  removeCompose(id: string): ComposeRecord | undefined {
    const row = this.compose.get(id);
    if (!row) return undefined;
    this.#removeChildren(id);
    this.#store.removeComposeChildren(id);
    drop(this.#byEnvironment, row.environmentId, id);
    this.compose.delete(id);
    this.#kindOf.delete(id);
    this.#store.onChange();
    return row;
  }

  /** Deletes a database with its mounts and backups. */
  removeDatabase(kind: DatabaseKind, id: string): DatabaseRecord | undefined {
    const row = this.databases[kind].get(id);
    if (!row) return undefined;
    this.#removeChildren(id);
    drop(this.#byEnvironment, row.environmentId, id);
    this.#store.releaseAppName(row.appName, id);
    this.databases[kind].delete(id);
    this.#kindOf.delete(id);
    this.#store.onChange();
    return row;
  }

  #removeChildren(serviceId: string): void {
    for (const m of this.mountsOf(serviceId)) this.removeMount(m.mountId);
    for (const b of this.backupsOf(serviceId)) this.removeBackup(b.backupId);
    this.deployed.delete(serviceId);
  }

  /** Deletes every compose and database of an environment (the environment row's cascade). */
  removeInEnvironment(environmentId: string): void {
    for (const id of this.#servicesOf(environmentId)) {
      const kind = this.#kindOf.get(id);
      if (kind === "compose") this.removeCompose(id);
      else if (kind) this.removeDatabase(kind, id);
    }
  }

  /** Partial column update by id, re-indexing what moved; undefined when there is no such row. */
  patch(kind: ServiceRecordKind, id: string, patch: Row): Row | undefined {
    if (kind === "destination") {
      const row = this.destinations.get(id);
      if (row) Object.assign(row, patch, { destinationId: id });
      this.#store.onChange();
      return row;
    }
    if (kind === "mount") {
      const row = this.mounts.get(id);
      if (!row) return undefined;
      this.removeMount(id);
      return this.insertMount(Object.assign(row, patch, { mountId: id }));
    }
    if (kind === "backup") {
      const row = this.backups.get(id);
      if (!row) return undefined;
      this.removeBackup(id);
      return this.insertBackup(Object.assign(row, patch, { backupId: id }));
    }
    const row: Row | undefined = kind === "compose" ? this.compose.get(id) : this.databases[kind].get(id);
    if (!row) return undefined;
    const idKey = kind === "compose" ? "composeId" : DATABASE_KINDS[kind].idKey;
    drop(this.#byEnvironment, row.environmentId, id);
    if (kind !== "compose") this.#store.releaseAppName(row.appName as string, id);
    Object.assign(row, patch, { [idKey]: id });
    add(this.#byEnvironment, row.environmentId, id);
    if (kind !== "compose") this.#store.registerAppName(row.appName as string, id);
    this.#store.onChange();
    return row;
  }

  /** A JSON-serialisable copy of the tables (the caller clones). */
  toJSON(): PersistedServices {
    return {
      compose: [...this.compose.values()],
      databases: Object.fromEntries(KINDS.map((k) => [k, [...this.databases[k].values()]])) as PersistedServices["databases"],
      mounts: [...this.mounts.values()],
      backups: [...this.backups.values()],
      destinations: [...this.destinations.values()],
      deployed: [...this.deployed],
    };
  }

  /** Adds persisted rows (already shape-checked); destinations first, then services, then their children. */
  load(data: PersistedServices): void {
    for (const d of data.destinations) this.insertDestination(d);
    for (const c of data.compose) this.insertCompose(c);
    for (const k of KINDS) for (const r of data.databases[k] ?? []) this.insertDatabase(k, r);
    for (const m of data.mounts) this.insertMount(m);
    for (const b of data.backups) this.insertBackup(b);
    for (const id of data.deployed) this.deployed.add(id);
  }

  /** Every row with a `createdAt`, so the store's clock never goes back after a load. */
  timestamps(): string[] {
    const rows: Row[] = [...this.compose.values(), ...KINDS.flatMap((k) => [...this.databases[k].values()])];
    return rows.map((r) => String(r.createdAt));
  }
}
