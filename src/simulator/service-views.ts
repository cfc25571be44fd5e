/**
 * Response shapes of compose stacks, databases and backups: the service
 * arrays each environment carries in `project.all`, `project.one`,
 * `environment.one` and `environment.byProjectId` (packages/server/src/services/
 * {project,environment}.ts and apps/dokploy/server/api/routers/project.ts pick
 * different columns for each, and `project.all` gives an owner only the ids of
 * the databases), and the `find<Kind>ById` detail of `compose.one` and
 * `<kind>.one`. A reconciler that relies on a field an endpoint does not
 * return must fail here, not in production.
 */
import { DATABASE_KINDS } from "./service-rows.ts";
import type { Store } from "./store.ts";
import type { BackupRecord, ComposeRecord, DatabaseKind, DatabaseRecord, EnvironmentRecord, Row } from "./types.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** The database kinds in the order Dokploy's relational queries list them. */
const DB_ORDER: readonly DatabaseKind[] = ["mariadb", "mongo", "mysql", "postgres", "redis"];

/** Which endpoint's service lists to build. */
export type ServiceListShape = "projectAll" | "projectOne" | "environmentOne" | "byProjectId";

function pick(row: Row, keys: readonly string[]): Row {
  const out: Row = {};
  for (const k of keys) out[k] = row[k] ?? null;
  return out;
}

/** `serviceColumns` of packages/server/src/services/project.ts (compose has no `applicationStatus`). */
const SERVICE_COLUMNS = ["name", "description", "appName", "createdAt", "serverId"];

function composeItem(c: ComposeRecord, shape: ServiceListShape): Row {
  switch (shape) {
    case "projectAll":
      return pick(c, ["composeId", "name", "composeStatus"]);
    case "projectOne":
      return { ...pick(c, [...SERVICE_COLUMNS, "composeId", "composeStatus"]), server: null };
    case "byProjectId":
      return { ...pick(c, [...SERVICE_COLUMNS, "composeId", "composeStatus", "icon"]), server: null };
    case "environmentOne":
      return { ...pick(c, ["composeId", "name", "createdAt", "composeStatus", "description", "serverId", "icon"]), server: null };
  }
}

function databaseItem(kind: DatabaseKind, d: DatabaseRecord, shape: ServiceListShape): Row {
  const idKey = DATABASE_KINDS[kind].idKey;
  switch (shape) {
    case "projectAll":
      return pick(d, [idKey]);
    case "projectOne":
    case "byProjectId":
      return { ...pick(d, [...SERVICE_COLUMNS, "applicationStatus", idKey]), server: null };
    case "environmentOne":
      return { ...pick(d, [idKey, "name", "createdAt", "applicationStatus", "description", "serverId"]), server: null };
  }
}

/** The compose and database arrays of one environment, as `shape`'s endpoint returns them. */
export function serviceLists(store: Store, e: EnvironmentRecord, shape: ServiceListShape): Record<string, Row[]> {
  const { services } = store;
  const dbs = (kind: DatabaseKind): Row[] => services.databasesOf(kind, e.environmentId).map((d) => databaseItem(kind, d, shape));
  const out: Record<string, Row[]> = {};
  for (const kind of DB_ORDER) out[kind] = dbs(kind);
  out.compose = services.composesOf(e.environmentId).map((c) => composeItem(c, shape));
  out.libsql = dbs("libsql");
  return out;
}

/** A destination as relations show it: without `accessKey` and `secretAccessKey`. */
export function destinationWithoutKeys(store: Store, destinationId: string): Row | null {
  const d = store.services.destinations.get(destinationId);
  if (!d) return null;
  const { accessKey: _a, secretAccessKey: _s, ...rest } = d;
  return copy(rest);
}

/** A backup as nested in a service's `one`: with its destination (no keys) and its deployments. */
function backupWithDestination(store: Store, b: BackupRecord): Row {
  return { ...copy(b), destination: destinationWithoutKeys(store, b.destinationId), deployments: [] };
}

function environmentWithProject(store: Store, environmentId: string): Row | null {
  const env = store.environments.get(environmentId);
  return env ? { ...copy(env), project: copy(store.projects.get(env.projectId) ?? null) } : null;
}

/** `findComposeById`: row, environment.project, deployments (unsorted), mounts, domains, providers, server, backups. */
export function composeDetail(store: Store, c: ComposeRecord): Row {
  return {
    ...copy(c),
    environment: environmentWithProject(store, c.environmentId),
    deployments: store.composeDeploymentsOf(c.composeId).map(copy),
    mounts: store.services.mountsOf(c.composeId).map(copy),
    domains: store.composeDomainsOf(c.composeId).map(copy),
    github: null,
    gitlab: null,
    bitbucket: null,
    gitea: null,
    server: null,
    backups: store.services.backupsOf(c.composeId).map((b) => backupWithDestination(store, b)),
  };
}

/** `find<Kind>ById`: row, environment.project, mounts, server, and backups (not Redis). */
export function databaseDetail(store: Store, kind: DatabaseKind, d: DatabaseRecord): Row {
  const id = d[DATABASE_KINDS[kind].idKey] as string;
  const out: Row = {
    ...copy(d),
    environment: environmentWithProject(store, d.environmentId),
    mounts: store.services.mountsOf(id).map(copy),
    server: null,
  };
  if (DATABASE_KINDS[kind].hasBackups) out.backups = store.services.backupsOf(id).map((b) => backupWithDestination(store, b));
  return out;
}

/** `findBackupById`: row + each database relation (row or null), the destination (no keys), the compose. */
export function backupDetail(store: Store, b: BackupRecord): Row {
  const db = (kind: DatabaseKind): Row | null => {
    const id = b[`${kind}Id`];
    return typeof id === "string" ? copy(store.services.databases[kind].get(id) ?? null) : null;
  };
  return {
    ...copy(b),
    postgres: db("postgres"),
    mysql: db("mysql"),
    mariadb: db("mariadb"),
    mongo: db("mongo"),
    libsql: db("libsql"),
    destination: destinationWithoutKeys(store, b.destinationId),
    compose: typeof b.composeId === "string" ? copy(store.services.compose.get(b.composeId) ?? null) : null,
  };
}
