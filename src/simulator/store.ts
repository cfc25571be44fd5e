/**
 * The simulator's database: rows in maps by id plus child indexes, so every
 * call costs O(rows touched), not O(rows stored) — a benchmark holds 20
 * projects x 1,000 applications x 1,000 domains. Foreign keys cascade the way
 * Dokploy's `onDelete: "cascade"` does (packages/server/src/db/schema/
 * environment.ts, application.ts, domain.ts, deployment.ts). The store enforces
 * structure only; Dokploy's business rules live in the route handlers.
 */
import type { ServiceType } from "../dokploy/routers/mounts.ts";
import { CHILD_RECORD_KINDS, serviceIdColumn, ServiceChildren } from "./child-table.ts";
import type { ChildRecordKind, ChildTables, MountInit, MountRecord } from "./child-types.ts";
import { CronJobs, type CronJobKind, type CronJobState } from "./cron-jobs.ts";
import type { Random } from "./random.ts";
import { ServiceTables, type PersistedServices } from "./service-store.ts";
import { mountRow } from "./rows.ts";
import type {
  ApplicationRecord, DeploymentRecord, DestinationRecord, DomainRecord, EnvironmentRecord, ProjectRecord, RecordKind, Row,
  ServiceRecordKind,
} from "./types.ts";

/**
 * What the children's tables need to know of a service row (application,
 * compose, database): its names, environment and server.
 */
export interface ServiceRecord extends Row {
  name: string;
  appName: string;
  environmentId: string;
}

/** The persisted form of a store (`--state FILE`). Child tables are optional: older state files lack them. */
export interface PersistedStore extends Partial<ChildTables> {
  version: 1;
  projects: ProjectRecord[];
  environments: EnvironmentRecord[];
  applications: ApplicationRecord[];
  domains: DomainRecord[];
  deployments: DeploymentRecord[];
  uniqueConfigKey: number;
  /** Compose, databases, backups, destinations; absent in files written before they existed. */
  services?: PersistedServices;
}

function index(map: Map<string, Set<string>>, key: string | null | undefined, id: string): void {
  if (key == null) return;
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

function unindex(map: Map<string, Set<string>>, key: string | null | undefined, id: string): void {
  if (key == null) return;
  const set = map.get(key);
  set?.delete(id);
  if (set?.size === 0) map.delete(key);
}

const byCreatedAt = (a: { createdAt: string }, b: { createdAt: string }): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;

/** In-memory tables with cascade deletes and child lookups. */
export class Store {
  readonly projects = new Map<string, ProjectRecord>();
  readonly environments = new Map<string, EnvironmentRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly domains = new Map<string, DomainRecord>();
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly #envsByProject = new Map<string, Set<string>>();
  readonly #appsByEnv = new Map<string, Set<string>>();
  readonly #domainsByApp = new Map<string, Set<string>>();
  readonly #deploymentsByApp = new Map<string, Set<string>>();
  readonly #domainsByCompose = new Map<string, Set<string>>();
  readonly #deploymentsByCompose = new Map<string, Set<string>>();
  /** appName -> the application or database holding it (UNIQUE in those tables; compose has no constraint). */
  readonly #appNames = new Map<string, string>();
  /** Compose stacks, databases, their mounts and backups, destinations. */
  readonly services: ServiceTables;
  #uniqueConfigKey = 0;
  #lastTime = 0;
  readonly random: Random;
  /** Called after every change (the persistence layer debounces it). */
  onChange: () => void = () => {};

  constructor(random: Random) {
    this.random = random;
    this.services = new ServiceTables(this);
  }

  /** A strictly increasing ISO timestamp, so "createdAt desc" orders are total, as tests and clients expect. */
  now(): string {
    this.#lastTime = Math.max(Date.now(), this.#lastTime + 1);
    return new Date(this.#lastTime).toISOString();
  }

  /** The next `uniqueConfigKey` (a serial column in Dokploy). */
  nextUniqueConfigKey(): number {
    return ++this.#uniqueConfigKey;
  }

  /** The application or database holding `appName`, if any (appName is UNIQUE in those tables). */
  appIdByAppName(appName: string): string | undefined {
    return this.#appNames.get(appName);
  }

  /** Records that service `id` holds `appName` (databases; applications register themselves). */
  registerAppName(appName: string, id: string): void {
    this.#appNames.set(appName, id);
  }

  /** Forgets `appName` if `id` holds it. */
  releaseAppName(appName: string, id: string): void {
    if (this.#appNames.get(appName) === id) this.#appNames.delete(appName);
  }

  insertProject(row: ProjectRecord): ProjectRecord {
    this.projects.set(row.projectId, row);
    this.onChange();
    return row;
  }

  insertEnvironment(row: EnvironmentRecord): EnvironmentRecord {
    this.environments.set(row.environmentId, row);
    index(this.#envsByProject, row.projectId, row.environmentId);
    this.onChange();
    return row;
  }

  insertApplication(row: ApplicationRecord): ApplicationRecord {
    this.applications.set(row.applicationId, row);
    index(this.#appsByEnv, row.environmentId, row.applicationId);
    this.#appNames.set(row.appName, row.applicationId);
    this.onChange();
    return row;
  }

  insertDomain(row: DomainRecord): DomainRecord {
    this.domains.set(row.domainId, row);
    index(this.#domainsByApp, row.applicationId, row.domainId);
    index(this.#domainsByCompose, row.composeId as string | null, row.domainId);
    if (typeof row.uniqueConfigKey === "number") this.#uniqueConfigKey = Math.max(this.#uniqueConfigKey, row.uniqueConfigKey);
    this.onChange();
    return row;
  }

  insertDeployment(row: DeploymentRecord): DeploymentRecord {
    this.deployments.set(row.deploymentId, row);
    index(this.#deploymentsByApp, row.applicationId, row.deploymentId);
    index(this.#deploymentsByCompose, row.composeId as string | null, row.deploymentId);
    this.onChange();
    return row;
  }

  /** Environments of a project, `createdAt` ascending. */
  environmentsOf(projectId: string): EnvironmentRecord[] {
    return [...(this.#envsByProject.get(projectId) ?? [])].map((id) => this.environments.get(id)!).sort(byCreatedAt);
  }

  /** Applications of an environment, `createdAt` ascending. */
  applicationsOf(environmentId: string): ApplicationRecord[] {
    return [...(this.#appsByEnv.get(environmentId) ?? [])].map((id) => this.applications.get(id)!).sort(byCreatedAt);
  }

  /** Domains of an application, in insertion order. */
  domainsOf(applicationId: string): DomainRecord[] {
    return [...(this.#domainsByApp.get(applicationId) ?? [])].map((id) => this.domains.get(id)!);
  }

  /** Deployments of an application, in insertion order (oldest first). */
  deploymentsOf(applicationId: string): DeploymentRecord[] {
    return [...(this.#deploymentsByApp.get(applicationId) ?? [])].map((id) => this.deployments.get(id)!);
  }

  /** Domains of a compose, in insertion order. */
  composeDomainsOf(composeId: string): DomainRecord[] {
    return [...(this.#domainsByCompose.get(composeId) ?? [])].map((id) => this.domains.get(id)!);
  }

  /** Deployments of a compose, in insertion order (oldest first). */
  composeDeploymentsOf(composeId: string): DeploymentRecord[] {
    return [...(this.#deploymentsByCompose.get(composeId) ?? [])].map((id) => this.deployments.get(id)!);
  }

  /** The compose's domains and deployments (its foreign keys cascade); `ServiceTables.removeCompose` calls it. */
  removeComposeChildren(composeId: string): void {
    for (const d of this.composeDomainsOf(composeId)) this.removeDomain(d.domainId);
    for (const d of this.composeDeploymentsOf(composeId)) this.removeDeployment(d.deploymentId);
  }

  /** Partial column update, re-indexing moved children (environment.projectId, application.environmentId). */
  patch(kind: RecordKind, id: string, patch: Row): Row | undefined {
    switch (kind) {
      case "project": {
        const row = this.projects.get(id);
        if (row) Object.assign(row, patch, { projectId: id });
        this.onChange();
        return row;
      }
      case "environment": {
        const row = this.environments.get(id);
        if (!row) return undefined;
        unindex(this.#envsByProject, row.projectId, id);
        Object.assign(row, patch, { environmentId: id });
        index(this.#envsByProject, row.projectId, id);
        this.onChange();
        return row;
      }
      case "application": {
        const row = this.applications.get(id);
        if (!row) return undefined;
        unindex(this.#appsByEnv, row.environmentId, id);
        this.#appNames.delete(row.appName);
        Object.assign(row, patch, { applicationId: id });
        index(this.#appsByEnv, row.environmentId, id);
        this.#appNames.set(row.appName, id);
        this.onChange();
        return row;
      }
      case "domain": {
        const row = this.domains.get(id);
        if (!row) return undefined;
        unindex(this.#domainsByApp, row.applicationId, id);
        unindex(this.#domainsByCompose, row.composeId as string | null, id);
        Object.assign(row, patch, { domainId: id });
        index(this.#domainsByApp, row.applicationId, id);
        index(this.#domainsByCompose, row.composeId as string | null, id);
        this.onChange();
        return row;
      }
      default:
        return CHILD_RECORD_KINDS.has(kind)
          ? this.children.patch(kind as ChildRecordKind, id, patch)
          : this.services.patch(kind as ServiceRecordKind, id, patch);
    }
  }

  /** Deletes a project and everything under it (a bare DELETE with cascading foreign keys). */
  removeProject(id: string): ProjectRecord | undefined {
    const row = this.projects.get(id);
    if (!row) return undefined;
    for (const env of this.environmentsOf(id)) this.removeEnvironment(env.environmentId);
    this.projects.delete(id);
    this.onChange();
    return row;
  }

  removeEnvironment(id: string): EnvironmentRecord | undefined {
    const row = this.environments.get(id);
    if (!row) return undefined;
    for (const app of this.applicationsOf(id)) this.removeApplication(app.applicationId);
    this.services.removeInEnvironment(id);
    unindex(this.#envsByProject, row.projectId, id);
    this.environments.delete(id);
    this.onChange();
    return row;
  }

  removeApplication(id: string): ApplicationRecord | undefined {
    const row = this.applications.get(id);
    if (!row) return undefined;
    for (const d of this.domainsOf(id)) this.removeDomain(d.domainId);
    for (const d of this.deploymentsOf(id)) this.removeDeployment(d.deploymentId);
    this.removeServiceChildren("application", id);
    unindex(this.#appsByEnv, row.environmentId, id);
    if (this.#appNames.get(row.appName) === id) this.#appNames.delete(row.appName);
    this.applications.delete(id);
    this.onChange();
    return row;
  }

  removeDomain(id: string): DomainRecord | undefined {
    const row = this.domains.get(id);
    if (!row) return undefined;
    unindex(this.#domainsByApp, row.applicationId, id);
    unindex(this.#domainsByCompose, row.composeId as string | null, id);
    this.domains.delete(id);
    this.onChange();
    return row;
  }

  removeDeployment(id: string): DeploymentRecord | undefined {
    const row = this.deployments.get(id);
    if (!row) return undefined;
    unindex(this.#deploymentsByApp, row.applicationId, id);
    unindex(this.#deploymentsByCompose, row.composeId as string | null, id);
    this.deployments.delete(id);
    this.onChange();
    return row;
  }

  /** A JSON-serialisable copy of every table. */
  toJSON(): PersistedStore {
    return structuredClone({
      version: 1,
      projects: [...this.projects.values()],
      environments: [...this.environments.values()],
      applications: [...this.applications.values()],
      domains: [...this.domains.values()],
      deployments: [...this.deployments.values()],
      uniqueConfigKey: this.#uniqueConfigKey,
      services: this.services.toJSON(),
      ...this.children.toJSON(),
    });
  }

  /** Replaces the content with a persisted store (already shape-checked by the caller). */
  load(data: PersistedStore): void {
    for (const p of data.projects) this.insertProject(p);
    for (const e of data.environments) this.insertEnvironment(e);
    for (const a of data.applications) this.insertApplication(a);
    // Before domains and deployments: the compose indexes need nothing, but keep parents first.
    if (data.services) this.services.load(data.services);
    this.children.load(data);
    this.resetCronJobs();
    for (const d of data.domains) this.insertDomain(d);
    for (const d of data.deployments) this.insertDeployment(d);
    this.#uniqueConfigKey = Math.max(this.#uniqueConfigKey, data.uniqueConfigKey);
    const stamps = [data.projects, data.environments, data.applications, data.deployments]
      .flatMap((table) => (table as Array<{ createdAt: string }>).map((r) => r.createdAt))
      .concat(this.services.timestamps(), this.children.timestamps());
    for (const at of stamps) {
      const t = Date.parse(at);
      if (t > this.#lastTime) this.#lastTime = t;
    }
  }

  // ---- service children (issue 15): mounts, ports, redirects, security, schedules, volume backups ----
  // Child rows point at their service by (serviceType, serviceId), i.e. by the `<serviceType>Id`
  // column. The compose and database tables (`ServiceTables`) register themselves with
  // `registerServiceTable`, list their mounts with `mountsOf`, and call `removeServiceChildren`
  // when a row is deleted.

  /** Mounts, ports, redirects, basic-auth users, schedules and volume backups of every service kind. */
  readonly children = new ServiceChildren(() => this.onChange());
  /** Dokploy's in-process cron jobs of schedules and volume backups (not persisted: a restart registers the enabled rows). */
  readonly cron = new CronJobs();
  readonly #serviceTables = new Map<ServiceType, ReadonlyMap<string, ServiceRecord>>([["application", this.applications]]);

  /** Makes a service table visible to the children's routes (foreign-key checks, relations in answers). */
  registerServiceTable(type: ServiceType, table: ReadonlyMap<string, ServiceRecord>): void {
    this.#serviceTables.set(type, table);
  }

  /** The service row of `type` with `id`, if it exists. */
  serviceRow(type: ServiceType, id: string): ServiceRecord | undefined {
    return this.#serviceTables.get(type)?.get(id);
  }

  /** The destination with `id` (the table `destination.*` and backups use): the one way the children read destinations. */
  destinationRow(id: string): DestinationRecord | undefined {
    return this.services.destinations.get(id);
  }

  /** The mounts of a service, in insertion order: what `<service>.one` lists under `mounts`. */
  mountsOf(type: ServiceType, id: string): MountRecord[] {
    return this.children.mounts.byParent(serviceIdColumn(type), id);
  }

  /**
   * Inserts a mount for an existing service, as Dokploy's own code does (no
   * input validation): a database `create` adds its data volume this way
   * (`<appName>-data`), and seeds use it. Returns the stored row.
   */
  addMount(type: ServiceType, serviceId: string, init: MountInit): MountRecord {
    const { mountId, ...columns } = init;
    return this.children.mounts.insert(
      mountRow({ ...columns, mountId: mountId ?? this.random.id(), serviceType: type, [serviceIdColumn(type)]: serviceId }),
    );
  }

  /** What a Dokploy restart does to its cron registry: exactly the enabled schedules and volume backups are registered. */
  resetCronJobs(): void {
    const enabled = <T extends Record<string, unknown>>(rows: T[], kind: CronJobKind, id: (r: T) => string): Array<{ kind: CronJobKind; id: string }> =>
      rows.filter((r) => r.enabled === true).map((r) => ({ kind, id: id(r) }));
    this.cron.reset([
      ...enabled(this.children.schedules.all(), "schedule", (r) => r.scheduleId),
      ...enabled(this.children.volumeBackups.all(), "volumeBackup", (r) => r.volumeBackupId),
      ...enabled([...this.services.backups.values()], "backup", (r) => r.backupId),
    ]);
  }

  /** The registered cron jobs, each `stray` when its row is gone (what a real Dokploy would run and fail). */
  cronJobs(): CronJobState[] {
    return this.cron.list((kind, id) =>
      kind === "backup" ? this.services.backups.has(id) : (kind === "schedule" ? this.children.schedules : this.children.volumeBackups).get(id) !== undefined);
  }

  /** Deletes every child of a service (mounts, ports, ..., volume backups): call it when deleting the service row. */
  removeServiceChildren(type: ServiceType, id: string): void {
    this.children.removeService(type, id);
  }
}
