/**
 * Response shapes of the service children's reads (Dokploy v0.30.2's
 * `findMountById`, `finPortById`, `schedule.list`, `findScheduleById`,
 * `volumeBackups.list`, `findVolumeBackupById`): which relations each nests and
 * with which columns. They differ per endpoint on purpose, as Dokploy's do.
 */
import type { ServiceType } from "../dokploy/routers/mounts.ts";
import { serviceIdColumn } from "./child-table.ts";
import type {
  ApplicationChildrenState, DestinationRecord, MountRecord, PortRecord, ScheduleRecord, VolumeBackupRecord,
} from "./child-types.ts";
import { ORGANIZATION_ID } from "./rows.ts";
import type { ServiceRecord, Store } from "./store.ts";
import type { Row } from "./types.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** The service a child row points at through `type`'s column, if that column is set and the service exists. */
function serviceOf(store: Store, row: Row, type: ServiceType): ServiceRecord | undefined {
  const id = row[serviceIdColumn(type)];
  return typeof id === "string" ? store.serviceRow(type, id) : undefined;
}

/** The service's environment with its project, as drizzle's `environment: { with: { project: true } }` nests it. */
function environmentWithProject(store: Store, service: ServiceRecord): Row | null {
  const env = store.environments.get(service.environmentId);
  return env ? { ...copy(env), project: copy(store.projects.get(env.projectId) ?? null) } : null;
}

/** `findMountById`'s relations, in its `with` order. */
const MOUNT_RELATIONS: readonly ServiceType[] = ["application", "compose", "libsql", "mariadb", "mongo", "mysql", "postgres", "redis"];

/** `mounts.one`/`mounts.update`: the row + per service `{serverId, appName, environment: {project: {organizationId}}}` or null. */
export function mountWithServices(store: Store, m: MountRecord): Row {
  const out: Row = copy(m);
  for (const type of MOUNT_RELATIONS) {
    const s = serviceOf(store, m, type);
    const env = s ? store.environments.get(s.environmentId) : undefined;
    const organizationId = (env && store.projects.get(env.projectId)?.organizationId) ?? ORGANIZATION_ID;
    out[type] = s ? { serverId: s.serverId ?? null, appName: s.appName, environment: { project: { organizationId } } } : null;
  }
  return out;
}

/** `port.one`: the row + `application: {applicationId}`. */
export function portWithApplication(p: PortRecord): Row {
  return { ...copy(p), application: { applicationId: p.applicationId } };
}

/** `{<type>Id, name, appName, serverId}`, the columns `schedule.list` selects (in table order). */
function listedService(store: Store, row: Row, type: ServiceType, withName: boolean): Row | null {
  const s = serviceOf(store, row, type);
  if (!s) return null;
  const column = serviceIdColumn(type);
  return withName
    ? { [column]: s[column], name: s.name, appName: s.appName, serverId: s.serverId ?? null }
    : { [column]: s[column], appName: s.appName, serverId: s.serverId ?? null };
}

/** A `schedule.list` item: row + application, server, compose summaries and the (never simulated) run history. */
export function scheduleListItem(store: Store, s: ScheduleRecord): Row {
  return {
    ...copy(s),
    application: listedService(store, s, "application", true),
    server: null,
    compose: listedService(store, s, "compose", true),
    deployments: [],
  };
}

/** `{applicationId, appName, serverId, environment}` for the application; every column + environment for the others. */
function detailedService(store: Store, row: Row, type: ServiceType): Row | null {
  const s = serviceOf(store, row, type);
  if (!s) return null;
  const environment = environmentWithProject(store, s);
  if (type === "application") return { applicationId: s.applicationId, appName: s.appName, serverId: s.serverId ?? null, environment };
  return { ...copy(s), environment };
}

/** `schedule.one`: row + application (a few columns), compose (every column), server. */
export function scheduleDetail(store: Store, s: ScheduleRecord): Row {
  return { ...copy(s), application: detailedService(store, s, "application"), compose: detailedService(store, s, "compose"), server: null };
}

/** The volume-backup relations, in `volumeBackups.list`'s and `findVolumeBackupById`'s `with` order. */
const VOLUME_BACKUP_RELATIONS: readonly ServiceType[] = ["application", "postgres", "mysql", "mariadb", "mongo", "redis", "compose", "libsql"];

/** A `volumeBackups.list` item: row + per service `{<type>Id, appName, serverId}` or null. */
export function volumeBackupListItem(store: Store, v: VolumeBackupRecord): Row {
  const out: Row = copy(v);
  for (const type of VOLUME_BACKUP_RELATIONS) out[type] = listedService(store, v, type, false);
  return out;
}

/** The destination without `accessKey` and `secretAccessKey`, as backups' relations select it. */
export function destinationWithoutKeys(d: DestinationRecord | undefined): Row | null {
  if (!d) return null;
  const { accessKey: _a, secretAccessKey: _s, ...rest } = copy(d);
  return rest;
}

/** `volumeBackups.one`: row + each service with its environment and project + the destination without keys. */
export function volumeBackupDetail(store: Store, v: VolumeBackupRecord): Row {
  const out: Row = copy(v);
  for (const type of VOLUME_BACKUP_RELATIONS) out[type] = detailedService(store, v, type);
  out.destination = destinationWithoutKeys(store.destinationRow(v.destinationId));
  return out;
}

/** An application's children for `control.state()`. */
export function applicationChildrenState(store: Store, applicationId: string): ApplicationChildrenState {
  const { children } = store;
  return {
    mounts: store.mountsOf("application", applicationId).map(copy),
    ports: children.ports.byParent("applicationId", applicationId).map(copy),
    redirects: children.redirects.byParent("applicationId", applicationId).map(copy),
    security: children.security.byParent("applicationId", applicationId).map(copy),
    schedules: children.schedules.byParent("applicationId", applicationId).map(copy),
    volumeBackups: children.volumeBackups.byParent("applicationId", applicationId).map(copy),
  };
}
