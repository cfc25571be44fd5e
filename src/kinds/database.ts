/**
 * The six database kinds (Postgres, MySQL, MariaDB, Mongo, Redis, LibSQL) from
 * one factory: Dokploy's database routers share their procedures and most
 * columns (apps/dokploy/server/api/routers/{postgres,mysql,mariadb,mongo,redis,libsql}.ts).
 * What differs per kind is declared in `databases.ts` (the five classic ones)
 * and `libsql.ts`.
 *
 * The promises, all kept here:
 * - passwords come only from secret references, are compared by hash (the
 *   live view holds `hashSecret(password)`, never the plain text `one`
 *   returns), and a change goes through `changePassword`; a kind without it
 *   (LibSQL) gets a plan line saying the change needs a manual step, and
 *   nothing is written for it;
 * - data is never lost: the default deletion policy is `orphan` (a pruned
 *   database is released), `rebuild` is never called, and a field Dokploy
 *   cannot change in place (the database's name or user, which the data
 *   volume was initialised with) is a conflict, never a delete-and-create;
 * - `create` does not deploy in Dokploy: a new database is deployed once, and
 *   a change that only takes effect on deploy deploys once. The deploy is
 *   synchronous in Dokploy and never holds a daemon's pass (`runDatabaseDeploy`).
 */
import type { DokployApi } from "../dokploy/port.ts";
import type { EndpointDef } from "../dokploy/endpoint.ts";
import type { BackupDatabaseType, BackupWithDestination } from "../dokploy/routers/backup.ts";
import type { ServiceMountRow } from "../dokploy/routers/database.ts";
import { parseDescription, renderDescription, type Marker } from "../model/marker.ts";
import type { Manifest } from "../model/manifest.ts";
import { resourceLabel } from "../model/resource.ts";
import type { DatabaseSpecBase, LibSQLSpec, MongoSpec, MySQLSpec, PostgresSpec } from "../model/spec.ts";
import { envText, resolve } from "../apply/payloads.ts";
import type { ApplyContext } from "../apply/context.ts";
import type { FieldChange, PlanStep } from "../plan/types.ts";
import { hashSecret } from "../plan/secrets.ts";
import { arr, desiredEnv, emptyToNull, liveEnv, type EnvView, type View } from "../plan/views.ts";
import { cpuToNano, exportResources, memoryToBytes } from "../plan/quantity.ts";
import { backupRecords, deleteRemovedBackups, desiredBackups, describeBackup, handMadeBackups, liveBackups, syncBackups, unknownDestinations, type BackupTarget, type BackupView } from "./database-backups.ts";
import { runDatabaseDeploy, decideDatabaseDeploy } from "./database-deploy.ts";
import { createOnce, removeOwned, withoutId } from "./protocol.ts";
import { foreignChildren as foreignMounts, separateLists, unscheduleLists } from "./child-list.ts";
import { mount, mountInputs } from "./mount.ts";
import { volumeBackup } from "./volume-backup.ts";
import { removeScheduledBackups } from "./database-backups.ts";
import { applyLifecycle, changedUnder, serviceHealth, serviceReferenceFields, servicesInEnvironment, type DeployCalls } from "./service.ts";
import type { ExportedSpec, ReferenceableField, ServiceDetail, ServiceKind, StepResult } from "./types.ts";

/** The manifest kinds that are databases. */
export type DatabaseKindName = "Postgres" | "MySQL" | "MariaDB" | "Mongo" | "Redis" | "LibSQL";

/** An endpoint whatever its typed input (the factory builds inputs per kind). */
type Loose = EndpointDef<Record<string, unknown>, unknown>;

/** The router procedures the kinds call; `changePassword` is absent where Dokploy has none (LibSQL). */
export interface DatabaseRouterCalls {
  create: Loose; one: Loose; update: Loose; remove: Loose; deploy: Loose; start: Loose; stop: Loose;
  changePassword?: Loose;
}

/** A column a kind has beyond the shared ones (the manifest field has the column's name). */
export interface ExtraField {
  name: string;
  /** Dokploy's default. */
  default: unknown;
  /** False when Dokploy cannot change it in place (a change is a conflict); such a field goes in `create`. */
  inPlace: boolean;
  /** True when a change takes effect on the next deploy. */
  deploy: boolean;
}

/** What distinguishes one database kind. */
export interface DatabaseDef<K extends DatabaseKindName> {
  kind: K;
  /** Dokploy's router and `serviceType` name (`postgres`...). */
  noun: "postgres" | "mysql" | "mariadb" | "mongo" | "redis" | "libsql";
  schemaFile: string;
  summary: string;
  defaultImage: string;
  /** Fields the data volume is initialised with: required, never changed in place. */
  identity: ReadonlyArray<"databaseName" | "databaseUser">;
  /** MySQL and MariaDB: `databaseRootPassword`. */
  rootPassword: boolean;
  /** The five classic kinds have `args`. */
  args: boolean;
  /** The backup `databaseType`; undefined when Dokploy has no backups for the kind (Redis). */
  backups: BackupDatabaseType | undefined;
  extras: readonly ExtraField[];
  router: DatabaseRouterCalls;
  /** The port the database listens on inside Dokploy's network (for references to it). */
  internalPort: number;
  /** Dokploy's `create` answer: the row (its id) or nothing (LibSQL answers `true`). */
  createdId(answer: unknown): string | undefined;
  /** True when the kind's `remove` leaves its backups' cron jobs running (LibSQL): they are removed first. */
  removeKeepsBackupJobs?: true;
}

/** The live row of any database kind, as the engine reads it. */
export interface DatabaseLive extends Record<string, unknown> {
  name: string;
  appName: string;
  description: string | null;
  applicationStatus: string;
  databasePassword: string;
  dockerImage: string;
  env: string | null;
  command: string | null;
  replicas: number;
  mounts?: ServiceMountRow[];
  backups?: BackupWithDestination[];
}

type AnyDatabaseSpec = DatabaseSpecBase & Partial<PostgresSpec & MySQLSpec & MongoSpec & LibSQLSpec>;

const PASSWORD = "/spec/databasePassword";
const ROOT_PASSWORD = "/spec/databaseRootPassword";

function desiredDatabaseView<K extends DatabaseKindName>(def: DatabaseDef<K>, m: Manifest<K>): View {
  const spec = m.spec as AnyDatabaseSpec;
  const r = spec.resources ?? {};
  const out: Record<string, unknown> = { description: spec.description ?? "", dockerImage: spec.dockerImage ?? def.defaultImage };
  for (const f of def.identity) out[f] = spec[f];
  out.databasePassword = { $secret: spec.databasePassword, hashed: true };
  if (def.rootPassword && spec.databaseRootPassword) out.databaseRootPassword = { $secret: spec.databaseRootPassword, hashed: true };
  out.env = desiredEnv(spec.env);
  out.command = emptyToNull(spec.command ?? null);
  if (def.args) out.args = arr(spec.args);
  out.replicas = spec.replicas ?? 1;
  out.resources = {
    memoryLimit: memoryToBytes(r.memoryLimit), memoryReservation: memoryToBytes(r.memoryReservation),
    cpuLimit: cpuToNano(r.cpuLimit), cpuReservation: cpuToNano(r.cpuReservation),
  };
  out.externalPort = spec.externalPort ?? null;
  for (const f of def.extras) out[f.name] = (spec as unknown as Record<string, unknown>)[f.name] ?? f.default;
  if (def.backups) out.backups = desiredBackups(spec.backups, spec.databaseName);
  return { metadata: { name: m.metadata.name }, spec: out };
}

function liveDatabaseView<K extends DatabaseKindName>(def: DatabaseDef<K>, d: DatabaseLive): View {
  const parsed = parseDescription(d.description);
  const out: Record<string, unknown> = { description: parsed.text, dockerImage: d.dockerImage };
  for (const f of def.identity) out[f] = d[f];
  out.databasePassword = hashSecret(d.databasePassword);
  if (def.rootPassword && typeof d.databaseRootPassword === "string") out.databaseRootPassword = hashSecret(d.databaseRootPassword);
  out.env = liveEnv(d.env);
  out.command = emptyToNull(d.command);
  if (def.args) out.args = arr(d.args as string[] | null);
  out.replicas = d.replicas;
  const q = (k: string): string | null => emptyToNull(d[k] as string | null);
  out.resources = { memoryLimit: q("memoryLimit"), memoryReservation: q("memoryReservation"), cpuLimit: q("cpuLimit"), cpuReservation: q("cpuReservation") };
  out.externalPort = d.externalPort ?? null;
  for (const f of def.extras) out[f.name] = d[f.name] ?? f.default;
  if (def.backups) out.backups = liveBackups(d.backups ?? [], parsed.marker);
  return { metadata: { name: d.name }, spec: out };
}

/** The `update` columns of the desired view: everything Dokploy changes in place (passwords go through `changePassword`). */
function configPayload<K extends DatabaseKindName>(def: DatabaseDef<K>, ctx: ApplyContext, view: View): Record<string, unknown> {
  const spec = view.spec;
  const r = spec.resources as Record<string, string | null>;
  const out: Record<string, unknown> = {
    name: view.metadata.name, dockerImage: spec.dockerImage, env: envText(spec.env as EnvView, ctx.secrets, "/spec/env"),
    command: spec.command, replicas: spec.replicas, externalPort: spec.externalPort,
    memoryLimit: r.memoryLimit, memoryReservation: r.memoryReservation, cpuLimit: r.cpuLimit, cpuReservation: r.cpuReservation,
  };
  if (def.args) out.args = (spec.args as string[]).length > 0 ? spec.args : null;
  for (const f of def.extras) if (f.inPlace) out[f.name] = spec[f.name];
  return out;
}

/** The `create` input: the fields the data volume is initialised with, and the passwords. */
function createPayload<K extends DatabaseKindName>(def: DatabaseDef<K>, ctx: ApplyContext, view: View): Record<string, unknown> {
  const spec = view.spec;
  const out: Record<string, unknown> = {
    dockerImage: spec.dockerImage, databasePassword: resolve(spec.databasePassword, ctx.secrets, PASSWORD),
  };
  for (const f of def.identity) out[f] = spec[f];
  if (spec.databaseRootPassword) out.databaseRootPassword = resolve(spec.databaseRootPassword, ctx.secrets, ROOT_PASSWORD);
  for (const f of def.extras) if (!f.inPlace) out[f.name] = spec[f.name];
  return out;
}

/** A database's detail for the engine; the typed row rides along as `raw`. */
function databaseDetail(id: string, d: DatabaseLive): ServiceDetail {
  return {
    id, name: d.name, description: d.description, appName: d.appName, status: d.applicationStatus, deployments: [], domains: [], raw: d,
    // Its mounts come with its `one` answer: no call of their own.
    children: { mounts: d.mounts ?? [] },
  };
}

/**
 * What a delete would take that is not ours: hand-made backups, and mounts
 * and volume backups its marker does not record (its data volume is its own;
 * volume backups count only when listed, as they are before a delete).
 */
function foreignChildren(d: DatabaseLive & { lists?: ServiceDetail["children"] }, marker: Marker): string[] {
  const detail = databaseDetail("", d);
  return [
    ...handMadeBackups(d.backups ?? [], marker).map((b) => `backup ${describeBackup(b)}`),
    ...foreignMounts([mount, volumeBackup], { ...detail, children: { ...detail.children, ...d.lists } }, marker),
  ];
}

/**
 * The fields other resources may reference on a database (`{ref:
 * Postgres/<name>, field}`): its host (appName, chosen by Dokploy, so "known
 * after apply" until it exists), the user, database name and port a client
 * connects with, and the passwords (secrets: resolved at apply time, never
 * shown). Only the fields the kind has: Mongo and LibSQL have no database
 * name, Redis no user, MySQL and MariaDB a root password.
 */
export function databaseReferenceable<K extends DatabaseKindName>(def: Pick<DatabaseDef<K>, "identity" | "internalPort" | "rootPassword">): Record<string, ReferenceableField<K>> {
  const spec = (m: Manifest<K>): AnyDatabaseSpec => m.spec as AnyDatabaseSpec;
  const fields: Record<string, ReferenceableField<K>> = {
    ...(serviceReferenceFields("The database's host name on Dokploy's internal network (its appName, chosen by Dokploy when it is created).") as Record<string, ReferenceableField<K>>),
    databasePassword: { secret: true, source: "manifest", description: "The database user's password (a secret: resolved at apply time, never shown).", read: (m) => spec(m).databasePassword },
    internalPort: { secret: false, source: "manifest", description: "The port the database listens on inside Dokploy's network.", read: () => String(def.internalPort) },
  };
  if (def.identity.includes("databaseName")) fields.databaseName = { secret: false, source: "manifest", description: "The database created on first start.", read: (m) => spec(m).databaseName };
  if (def.identity.includes("databaseUser")) fields.databaseUser = { secret: false, source: "manifest", description: "The database user.", read: (m) => spec(m).databaseUser };
  if (def.rootPassword) {
    fields.databaseRootPassword = {
      secret: true, source: "manifest", description: "The root password, when the manifest sets one (a secret).", read: (m) => spec(m).databaseRootPassword,
    };
  }
  return fields;
}

/**
 * The live database as a manifest spec, for `export`: every managed field
 * with its live value (passwords in clear: the exporter replaces secret
 * fields with references before anything is written), the backups its
 * marker records (those made by hand are listed as left out), and
 * `state: stopped` when it is idle.
 */
function exportDatabaseSpec<K extends DatabaseKindName>(def: DatabaseDef<K>, detail: ServiceDetail, marker: Marker | undefined): ExportedSpec {
  const d = detail.raw as DatabaseLive;
  const view = liveDatabaseView(def, d).spec;
  const spec: Record<string, unknown> = { ...view, databasePassword: d.databasePassword, resources: exportResources(view.resources as Parameters<typeof exportResources>[0]) };
  if (def.rootPassword && typeof d.databaseRootPassword === "string") spec.databaseRootPassword = d.databaseRootPassword;
  else delete spec.databaseRootPassword;
  const records = marker?.backups ?? {};
  if (def.backups) {
    const live = liveBackups(d.backups ?? [], marker);
    spec.backups = Object.keys(records).filter((n) => live[n]).map((name) => ({ name, ...live[name] }));
  }
  if (d.applicationStatus === "idle") spec.state = "stopped";
  // A backup made by hand has no name to write and nothing to adopt it by: it stays as it is, and is said so.
  const leftOut = handMadeBackups(d.backups ?? [], marker).map((b) => ({
    label: `backup:${b.appName}`,
    reason: `a backup made by hand (${b.schedule} to ${b.destination?.name ?? b.destinationId}): not written; dokploy-gitops leaves it alone (it does not take over existing backups)`,
  }));
  return { spec, ...(leftOut.length > 0 ? { leftOut } : {}) };
}

/** Builds one database kind's module. */
export function databaseKind<K extends DatabaseKindName>(def: DatabaseDef<K>): ServiceKind<K> & {
  /** `export`: the live database as a manifest spec (see `exportDatabaseSpec`). */
  exportSpec(detail: ServiceDetail, marker: Marker | undefined): ExportedSpec;
} {
  const idKey = `${def.noun}Id`;
  const call = (api: DokployApi, endpoint: Loose, id: string, extra: Record<string, unknown> = {}): Promise<unknown> => api.call(endpoint, { [idKey]: id, ...extra });
  const readLive = async (api: DokployApi, id: string): Promise<DatabaseLive> => (await call(api, def.router.one, id)) as DatabaseLive;
  const desiredView = (m: Manifest<K>): View => desiredDatabaseView(def, m);
  const immutable = [...def.identity.map((f) => `/spec/${f}`), ...def.extras.filter((f) => !f.inPlace).map((f) => `/spec/${f.name}`)];

  const backupTarget = (ctx: ApplyContext, id: string): BackupTarget => ({
    idKey, id, databaseType: def.backups!, read: () => readLive(ctx.api, id),
  });

  const listed = (ctx: ApplyContext, step: PlanStep, environmentId: string): Promise<Array<{ id: string; description: string | null }>> =>
    servicesInEnvironment(ctx, step, environmentId, def.noun, idKey);

  async function changePasswords(ctx: ApplyContext, step: PlanStep, id: string, view: View): Promise<void> {
    const changed = (path: string): boolean => step.changes.some((c) => c.path === path && c.secret === "changed");
    if (!def.router.changePassword) return;
    if (changed(PASSWORD)) await call(ctx.api, def.router.changePassword, id, { password: resolve(view.spec.databasePassword, ctx.secrets, PASSWORD) });
    if (def.rootPassword && changed(ROOT_PASSWORD)) {
      await call(ctx.api, def.router.changePassword, id, { password: resolve(view.spec.databaseRootPassword, ctx.secrets, ROOT_PASSWORD), type: "root" });
    }
  }

  async function apply(ctx: ApplyContext, step: PlanStep): Promise<StepResult> {
    const m = step.manifest;
    switch (step.action) {
      case "create": {
        if (m?.kind !== def.kind) throw new Error(`${step.key}: internal error: no manifest`);
        const view = desiredView(m as Manifest<K>);
        const text = (m.spec as AnyDatabaseSpec).description ?? "";
        const environmentId = ctx.idOf(step.parentKey!);
        const pending = withoutId(step.marker);
        const id = await createOnce(ctx, step, async () => {
          const answer = await ctx.api.call(def.router.create, {
            name: m.metadata.name, environmentId, appName: m.metadata.name, description: renderDescription(text, pending), serverId: null,
            ...createPayload(def, ctx, view),
          });
          const known = def.createdId(answer);
          if (known !== undefined) {
            // The row carries the appName Dokploy chose: references to the database's host need no re-read.
            const row = answer as { appName?: string };
            ctx.learn(step.key, { id: known, name: m.metadata.name, ...(row.appName ? { appName: row.appName } : {}), raw: answer });
            return known;
          }
          // Dokploy answered no id: the one database carrying this step's pending marker is the new one.
          const found = (await listed(ctx, step, environmentId)).filter((d) => parseDescription(d.description).marker?.key === step.key && !parseDescription(d.description).marker?.id);
          if (found.length !== 1) throw new Error(`created, but ${found.length} ${def.noun} databases carry its pending marker`);
          return found[0]!.id;
        }, () => listed(ctx, step, environmentId));
        ctx.ids.set(step.key, id);
        const marker: Marker = { ...pending, id };
        const written = step.deploy ? { ...marker, dirty: true as const } : marker;
        await call(ctx.api, def.router.update, id, { ...configPayload(def, ctx, view), description: renderDescription(text, written) });
        ctx.setServiceMarker(step, id, text, written);
        if (def.backups) await syncBackups(ctx, step, backupTarget(ctx, id), view.spec.backups as Record<string, BackupView>);
        return { dokployId: id };
      }
      case "update":
      case "adopt": {
        if (m?.kind !== def.kind) throw new Error(`${step.key}: internal error: no manifest`);
        const view = desiredView(m as Manifest<K>);
        const text = (m.spec as AnyDatabaseSpec).description ?? "";
        const id = ctx.idOf(step.key);
        const backups = def.backups && changedUnder(step, "/spec/backups") ? (view.spec.backups as Record<string, BackupView>) : undefined;
        // Removed backups go first, while the live marker still records their ids.
        if (backups && step.action === "update") await deleteRemovedBackups(ctx, step, backupTarget(ctx, id), backups);
        const marker: Marker = { ...step.marker!, id };
        const written = step.deploy ? { ...marker, dirty: true as const } : marker;
        const configChanged = step.changes.some((c) => c.path === "/metadata/name" || (c.path.startsWith("/spec/") && !c.path.startsWith("/spec/backups") && c.secret === undefined));
        if (step.deploy || configChanged || step.markerWrite) {
          await call(ctx.api, def.router.update, id, { ...(configChanged ? configPayload(def, ctx, view) : {}), description: renderDescription(text, written) });
        }
        ctx.setServiceMarker(step, id, text, written);
        await changePasswords(ctx, step, id, view);
        if (backups) await syncBackups(ctx, step, backupTarget(ctx, id), backups);
        const lifecycle = await applyLifecycle(step, { stop: () => call(ctx.api, def.router.stop, id), start: () => call(ctx.api, def.router.start, id) });
        return { dokployId: id, ...lifecycle };
      }
      case "delete":
      case "orphan": {
        const id = ctx.idOf(step.key);
        return removeOwned(ctx, step, {
          read: async () => {
            const live = await readLive(ctx.api, id);
            const lists = step.action === "delete" ? await separateLists(ctx.api, [volumeBackup], { kind: def.kind, id }) : undefined;
            return { ...live, id, lists };
          },
          release: (description) => call(ctx.api, def.router.update, id, { description }),
          remove: async (live) => {
            await unscheduleLists(ctx.api, [volumeBackup], live.lists);
            if (def.removeKeepsBackupJobs) await removeScheduledBackups(ctx.api, live.backups ?? []);
            return call(ctx.api, def.router.remove, id);
          },
          cascades: (live, marker) => foreignChildren(live, marker),
        });
      }
      default:
        return {};
    }
  }

  /** Changes Dokploy cannot make in place are conflicts; a password without `changePassword` needs a manual step. */
  function reviewChanges(changes: FieldChange[], label: string): { changes: FieldChange[]; conflicts: string[]; manual: string[] } {
    const conflicts = changes.filter((c) => immutable.includes(c.path)).map((c) =>
      `${label}: ${c.path.slice("/spec/".length)} cannot be changed in place (live ${JSON.stringify(c.before)}, manifest ${JSON.stringify(c.after)}): the data volume was initialised with it, and this tool never deletes and re-creates a database; change it by hand or restore the manifest's value. Nothing was written for this database`);
    const manual: string[] = [];
    const kept = changes.filter((c) => {
      // An omitted root password is Dokploy's generated one: not managed.
      if (c.path === ROOT_PASSWORD && c.op === "remove") return false;
      if ((c.path === PASSWORD || c.path === ROOT_PASSWORD) && !def.router.changePassword) {
        manual.push(`${label}: ${c.path.slice("/spec/".length)} differs from the live one, and Dokploy cannot change a ${def.kind} password in place (no changePassword): change it by hand in the database and in Dokploy; nothing is written for it`);
        return false;
      }
      return true;
    });
    return { changes: kept, conflicts, manual };
  }

  return {
    kind: def.kind,
    family: "service",
    refs: ["project", "environment"],
    schemaFile: def.schemaFile,
    summary: def.summary,
    defaultDeletionPolicy: "orphan",
    noun: def.noun,
    listField: def.noun,
    idField: idKey,
    statusField: "applicationStatus",
    fields: {
      deploy: ["/spec/dockerImage", "/spec/env", "/spec/command", "/spec/args", "/spec/resources", "/spec/replicas", "/spec/externalPort", ...def.extras.filter((f) => f.deploy).map((f) => `/spec/${f.name}`)],
      secretMaps: [PASSWORD, ROOT_PASSWORD],
      hiddenLiveMaps: ["/spec/env"],
    },
    desiredView,
    inputs: (m) => mountInputs((m.spec as AnyDatabaseSpec).mounts),
    kindMarker: (m, marker, live) => {
      const backups = backupRecords((m.spec as AnyDatabaseSpec).backups, live);
      const { backups: _old, ...rest } = marker;
      return backups ? { ...rest, backups } : rest;
    },
    refusals: (m, lookups) => unknownDestinations((m.spec as AnyDatabaseSpec).backups, lookups.destinations, resourceLabel(m.identity)),
    reviewChanges,
    liveView: (d) => liveDatabaseView(def, d.raw as DatabaseLive),
    deployCalls: (api, id): DeployCalls => ({ deploy: () => call(api, def.router.deploy, id), deployments: () => Promise.resolve([]) }),
    runDeploy: (ctx, step) => runDatabaseDeploy(ctx, step, {
      deploy: () => call(ctx.api, def.router.deploy, ctx.idOf(step.key)),
      status: async () => (await readLive(ctx.api, ctx.idOf(step.key))).applicationStatus,
    }),
    writeDescription: (api, id, description) => call(api, def.router.update, id, { description }),
    read: async (api, id) => databaseDetail(id, await readLive(api, id)),
    decideDeploy: (c) => decideDatabaseDeploy(c, (c.manifest.spec as AnyDatabaseSpec).state !== "stopped", handMadeBackups((c.detail.raw as DatabaseLive).backups ?? [], c.owned ? c.liveMarker : undefined).map(describeBackup)),
    health: serviceHealth,
    exportSpec: (detail, marker) => exportDatabaseSpec(def, detail, marker),
    referenceable: databaseReferenceable(def),
    cascades: (detail, marker) => foreignChildren({ ...(detail.raw as DatabaseLive), lists: detail.children }, marker),
    deleteNote: (annotations, marker) =>
      (annotations?.["dokploy-gitops/deletion-policy"] ?? (marker?.policy === "orphan" ? "orphan" : "delete")) === "orphan"
        ? "released, not deleted: a database's default deletion policy is orphan, so its data is kept (set dokploy-gitops/deletion-policy: delete before removing the manifest to delete it)"
        : "deleted with its backups (dokploy-gitops/deletion-policy: delete was recorded when it was applied); Dokploy keeps its data volume on the server",
    apply,
  };
}
