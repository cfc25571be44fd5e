/**
 * Seeding the children of services (mounts, ports, redirects, basic-auth
 * users, schedules, volume backups) and destinations straight into the store,
 * as a person in the UI would have made them: hand-made entries next to owned
 * ones, collisions, adoption cases, and later `export`'s live states. Seeded
 * rows get the same defaults as API-created ones. Works for any service kind
 * the store knows (`Store.registerServiceTable`).
 */
import type { ServiceType } from "../dokploy/routers/mounts.ts";
import { serviceIdColumn } from "./child-table.ts";
import type {
  ChildSeedResult, SeedChildData, SeedMount, SeedPort, SeedRedirect, SeedSchedule, SeedSecurity,
  SeedServiceChildren, SeedVolumeBackup,
} from "./child-types.ts";
import { portRow, redirectRow, scheduleRow, securityRow, volumeBackupRow } from "./rows.ts";
import type { RouteContext } from "./routes/context.ts";
import { columns, need } from "./seed-services.ts";
import { generatedAppName, isServiceType } from "./routes/child-context.ts";
import type { Store } from "./store.ts";
import type { SeedResult } from "./types.ts";

/** The keys of a seeded application that are children, not columns. */
export const CHILD_SEED_KEYS = ["mounts", "ports", "redirects", "security", "schedules", "volumeBackups"] as const;

/** The empty id lists of a seed result. */
export function emptyChildSeedResult(): ChildSeedResult {
  return { mountIds: [], portIds: [], redirectIds: [], securityIds: [], scheduleIds: [], volumeBackupIds: [] };
}

/** Adds one seeded child of each kind to a service; `path` names the service in `result.ids`. */
class ChildSeeder {
  readonly #store: Store;
  readonly #result: SeedResult;

  constructor(store: Store, result: SeedResult) {
    this.#store = store;
    this.#result = result;
  }

  #fresh(table: { has(id: string): boolean }, id: unknown, what: string): string {
    need(id === undefined || (typeof id === "string" && !table.has(id)), `${what}: id ${String(id)} already exists`);
    return (id as string | undefined) ?? this.#store.random.id();
  }

  #application(type: ServiceType, kind: string, path: string): void {
    need(type === "application", `${path}: ${kind} exist on applications only`);
  }

  mount(type: ServiceType, serviceId: string, m: SeedMount, path: string): void {
    need(["bind", "volume", "file"].includes(m.type) && typeof m.mountPath === "string", `${path}: a mount needs a type (bind|volume|file) and a mountPath`);
    const mountId = this.#fresh(this.#store.children.mounts, m.mountId, `${path}/mount:${m.mountPath}`);
    const row = this.#store.addMount(type, serviceId, { ...columns(m, ["serviceId", "serviceType"]), type: m.type, mountPath: m.mountPath, mountId });
    this.#result.mountIds.push(row.mountId);
    this.#result.ids[`${path}/mount:${row.mountPath}`] = row.mountId;
  }

  port(type: ServiceType, applicationId: string, p: SeedPort, path: string): void {
    this.#application(type, "ports", path);
    need(typeof p.publishedPort === "number" && typeof p.targetPort === "number", `${path}: a port needs numeric publishedPort and targetPort`);
    const portId = this.#fresh(this.#store.children.ports, p.portId, `${path}/port:${p.publishedPort}`);
    const row = this.#store.children.ports.insert(portRow({ ...columns(p, ["applicationId"]), portId, publishedPort: p.publishedPort, targetPort: p.targetPort, applicationId }));
    this.#result.portIds.push(row.portId);
    this.#result.ids[`${path}/port:${row.publishedPort}/${row.protocol}`] = row.portId;
  }

  redirect(type: ServiceType, applicationId: string, r: SeedRedirect, path: string): void {
    this.#application(type, "redirects", path);
    need(typeof r.regex === "string" && typeof r.replacement === "string", `${path}: a redirect needs regex and replacement`);
    const redirectId = this.#fresh(this.#store.children.redirects, r.redirectId, `${path}/redirect:${r.regex}`);
    const row = this.#store.children.redirects.insert(redirectRow({
      ...columns(r, ["applicationId"]), redirectId, regex: r.regex, replacement: r.replacement,
      uniqueConfigKey: this.#store.children.nextRedirectConfigKey(), createdAt: this.#store.now(), applicationId,
    }));
    this.#result.redirectIds.push(row.redirectId);
    this.#result.ids[`${path}/redirect:${row.regex}`] = row.redirectId;
  }

  security(type: ServiceType, applicationId: string, s: SeedSecurity, path: string): void {
    this.#application(type, "basic-auth users", path);
    need(typeof s.username === "string" && typeof s.password === "string", `${path}: a security entry needs username and password`);
    need(
      !this.#store.children.security.byParent("applicationId", applicationId).some((x) => x.username === s.username),
      `${path}: username ${s.username} already exists on this application (it is UNIQUE per application)`,
    );
    const securityId = this.#fresh(this.#store.children.security, s.securityId, `${path}/security:${s.username}`);
    const row = this.#store.children.security.insert(securityRow({
      securityId, username: s.username, password: s.password, createdAt: this.#store.now(), applicationId,
    }));
    this.#result.securityIds.push(row.securityId);
    this.#result.ids[`${path}/security:${row.username}`] = row.securityId;
  }

  schedule(type: ServiceType, serviceId: string, s: SeedSchedule, path: string): void {
    need(type === "application" || type === "compose", `${path}: schedules exist on applications and compose only`);
    need(typeof s.name === "string" && typeof s.cronExpression === "string" && typeof s.command === "string", `${path}: a schedule needs name, cronExpression and command`);
    const scheduleId = this.#fresh(this.#store.children.schedules, s.scheduleId, `${path}/schedule:${s.name}`);
    const row = this.#store.children.schedules.insert(scheduleRow({
      scheduleType: type, appName: generatedAppName(this.#store, "schedule"), ...columns(s, ["applicationId", "composeId"]),
      scheduleId, name: s.name, cronExpression: s.cronExpression, command: s.command, createdAt: this.#store.now(),
      [serviceIdColumn(type)]: serviceId,
    } as Parameters<typeof scheduleRow>[0]));
    if (row.enabled) this.#store.cron.register("schedule", row.scheduleId);
    this.#result.scheduleIds.push(row.scheduleId);
    this.#result.ids[`${path}/schedule:${row.name}`] = row.scheduleId;
  }

  volumeBackup(type: ServiceType, serviceId: string, v: SeedVolumeBackup, path: string): void {
    need(typeof v.name === "string" && typeof v.volumeName === "string" && typeof v.cronExpression === "string", `${path}: a volume backup needs name, volumeName and cronExpression`);
    need(this.#store.destinationRow(v.destinationId) !== undefined, `${path}/volumeBackup:${v.name}: destination ${v.destinationId} does not exist (seed it in "destinations")`);
    const volumeBackupId = this.#fresh(this.#store.children.volumeBackups, v.volumeBackupId, `${path}/volumeBackup:${v.name}`);
    const row = this.#store.children.volumeBackups.insert(volumeBackupRow({
      appName: generatedAppName(this.#store, "volumeBackup"), ...columns(v, ["serviceId", "serviceType"]), volumeBackupId,
      name: v.name, volumeName: v.volumeName, prefix: v.prefix ?? "", cronExpression: v.cronExpression,
      destinationId: v.destinationId, createdAt: this.#store.now(), serviceType: type, [serviceIdColumn(type)]: serviceId,
    } as Parameters<typeof volumeBackupRow>[0]));
    if (row.enabled) this.#store.cron.register("volumeBackup", row.volumeBackupId);
    this.#result.volumeBackupIds.push(row.volumeBackupId);
    this.#result.ids[`${path}/volumeBackup:${row.name}`] = row.volumeBackupId;
  }
}

/** Seeds the children nested under a seeded service (`path` is its name path, e.g. `shop/production/web`). */
export function seedServiceChildren(
  { store }: RouteContext, type: ServiceType, serviceId: string, children: SeedServiceChildren, path: string, result: SeedResult,
): void {
  const seeder = new ChildSeeder(store, result);
  for (const m of children.mounts ?? []) seeder.mount(type, serviceId, m, path);
  for (const p of children.ports ?? []) seeder.port(type, serviceId, p, path);
  for (const r of children.redirects ?? []) seeder.redirect(type, serviceId, r, path);
  for (const s of children.security ?? []) seeder.security(type, serviceId, s, path);
  for (const s of children.schedules ?? []) seeder.schedule(type, serviceId, s, path);
  for (const v of children.volumeBackups ?? []) seeder.volumeBackup(type, serviceId, v, path);
}

/** The service of a flat child seed, which must exist; its name is the path in `result.ids`. */
function serviceFor(store: Store, type: unknown, id: unknown, what: string): { type: ServiceType; id: string; path: string } {
  const t = type ?? "application";
  need(isServiceType(t), `${what}: serviceType must be one of application, compose, postgres, mysql, mariadb, mongo, redis, libsql`);
  const service = typeof id === "string" ? store.serviceRow(t as ServiceType, id) : undefined;
  need(service !== undefined, `${what}: ${String(t)} ${String(id)} does not exist`);
  return { type: t as ServiceType, id: id as string, path: service!.name };
}

/** Seeds the flat child lists, for services that already exist. */
export function seedChildData({ store }: RouteContext, data: SeedChildData, result: SeedResult): void {
  const seeder = new ChildSeeder(store, result);
  for (const m of data.mounts ?? []) {
    const s = serviceFor(store, m.serviceType, m.serviceId, "mounts[]");
    seeder.mount(s.type, s.id, m, s.path);
  }
  for (const p of data.ports ?? []) seeder.port("application", p.applicationId, p, serviceFor(store, "application", p.applicationId, "ports[]").path);
  for (const r of data.redirects ?? []) {
    seeder.redirect("application", r.applicationId, r, serviceFor(store, "application", r.applicationId, "redirects[]").path);
  }
  for (const s of data.security ?? []) {
    seeder.security("application", s.applicationId, s, serviceFor(store, "application", s.applicationId, "security[]").path);
  }
  for (const s of data.schedules ?? []) {
    const composeId = "composeId" in s ? s.composeId : undefined;
    const svc = serviceFor(store, composeId ? "compose" : "application", composeId ?? s.applicationId, "schedules[]");
    seeder.schedule(svc.type, svc.id, s, svc.path);
  }
  for (const v of data.volumeBackups ?? []) {
    const svc = serviceFor(store, v.serviceType, v.serviceId, "volumeBackups[]");
    seeder.volumeBackup(svc.type, svc.id, v, svc.path);
  }
}
