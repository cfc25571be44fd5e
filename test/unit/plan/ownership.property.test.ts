/**
 * The safety promise as a property: for any live Dokploy state and any
 * manifests, every step that writes to or deletes an existing object targets
 * an object carrying this instance's marker (its own id, or pending), or one
 * its manifest explicitly adopts; a domain only inside a service (application
 * or compose stack) we own that records it; a child list entry (an
 * application's port or redirect, a database's mount or volume backup) only
 * inside a service we own whose marker records it (by id, or by an intent
 * naming its key), or one the service's manifest adopts with
 * `adopt-children`, never a database's own data volume; and never an object
 * whose identity is claimed twice. The generators cover applications, compose
 * stacks and databases (three kinds, with backups made by hand beside the
 * ones their marker records).
 * With references between the generated services (hosts, names, domain
 * URLs, composed values carrying a canary secret that live env values hold
 * too): every step runs after the steps that write what it references, the
 * plan's order has no cycle, and no rendering prints the secret.
 * PROPERTY_RUNS raises the case count (the reliability suite runs 10,000).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApplicationDetail } from "../../../src/dokploy/types.ts";
import { loadManifestTexts } from "../../../src/manifest/index.ts";
import { ownershipOf, parseDescription, renderDescription, type ChildRecord, type DomainRecord, type Marker } from "../../../src/model/marker.ts";
import type { MountRow } from "../../../src/dokploy/routers/mounts.ts";
import type { PortRow } from "../../../src/dokploy/routers/port.ts";
import type { RedirectRow } from "../../../src/dokploy/routers/redirects.ts";
import type { VolumeBackupRow } from "../../../src/dokploy/routers/volume-backups.ts";
import { unescapeChildKey } from "../../../src/kinds/child-list.ts";
import type { ObservedEnvironment, ObservedProject, ObservedService } from "../../../src/model/observed.ts";
import type { DomainRow } from "../../../src/dokploy/types.ts";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import { renderPlanJson } from "../../../src/plan/render-json.ts";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { renderPlanText } from "../../../src/plan/render-text.ts";
import { appDetail, liveApp, liveDomain, liveEnvironment, liveProject } from "../../helpers/live-builders.ts";
import { CANARY, CANARY_ENV, expectReferencesOrdered, nodeKey, refSpec, wiresText, wiring, type GraphNode, type RefSpecValue } from "../../helpers/reference-graphs.ts";

const INSTANCE = "default";
const PROJECTS = ["alpha", "beta"];
const ENVS = ["production", "staging"];
const APPS = ["web", "api"];
const STACKS = ["chat", "web"];
const HOSTS = ["a.test", "b.test"];
const DB_KINDS = ["Postgres", "Redis", "LibSQL"] as const;
const DBS = ["db", "cache"];
const PORTS = [8080, 9090];
const REGEXES = ["^/a$", "^/b$"];
/** Mount paths of a database; the last is where its data volume (Dokploy's own) is mounted. */
const MOUNT_PATHS = ["/m0", "/m1", "/var/lib/data"];
const VOLUMES = ["vol0", "vol1"];
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
/** Room for the reliability suite's 10,000 cases on a busy machine (a bound, not a measurement). */
const TIMEOUT_MS = Math.max(30_000, RUNS * 20);

type Variant = "none" | "ours" | "pending" | "copied" | "foreign" | "malformed" | "other-key";
const variant = fc.constantFrom<Variant>("none", "ours", "pending", "copied", "foreign", "malformed", "other-key");

let seq = 0;
const nextId = (prefix: string): string => `${prefix}${++seq}`;

function describeAs(v: Variant, key: string, id: string, otherKey: string, domains?: Record<string, DomainRecord>, children: Partial<Marker> = {}): string | null {
  const extra = { ...(domains && Object.keys(domains).length > 0 ? { domains } : {}), ...children };
  switch (v) {
    case "none":
      return null;
    case "ours":
      return renderDescription("", { v: 1, instance: INSTANCE, key, id, ...extra });
    case "pending":
      return renderDescription("", { v: 1, instance: INSTANCE, key, ...extra });
    case "copied":
      return renderDescription("", { v: 1, instance: INSTANCE, key, id: "someone-else", ...extra });
    case "foreign":
      return renderDescription("", { v: 1, instance: "other", key, id, ...extra });
    case "malformed":
      return "dokploy-gitops:managed {oops";
    case "other-key":
      return renderDescription("", { v: 1, instance: INSTANCE, key: otherKey, id, ...extra });
  }
}

const domainSpec = fc.record({ host: fc.constantFrom(...HOSTS), recorded: fc.constantFrom("id", "intent", "none", "stale") });
const childSpec = fc.record({ at: fc.nat({ max: 1 }), recorded: fc.constantFrom("id", "intent", "none", "stale") });
const children = fc.array(childSpec, { maxLength: 2 });
const appSpec = fc.record({ name: fc.constantFrom(...APPS), v: variant, domains: fc.array(domainSpec, { maxLength: 2 }), ports: children, redirects: children });
const stackSpec = fc.record({ name: fc.constantFrom(...STACKS), v: variant, domains: fc.array(domainSpec, { maxLength: 2 }) });
const dbSpec = fc.record({ kind: fc.constantFrom(...DB_KINDS), name: fc.constantFrom(...DBS), v: variant, backups: fc.constantFrom("none", "ours", "hand-made", "stale"), mounts: children, volumeBackups: children });
const envSpec = fc.record({ name: fc.constantFrom(...ENVS), v: variant, apps: fc.array(appSpec, { maxLength: 2 }), stacks: fc.array(stackSpec, { maxLength: 2 }), dbs: fc.array(dbSpec, { maxLength: 2 }), others: fc.boolean() });
const projectSpec = fc.record({ name: fc.constantFrom(...PROJECTS), v: variant, envs: fc.array(envSpec, { maxLength: 2 }) });

type ChildSpecValue = Array<{ at: number; recorded: string }>;
type DbSpecValue = { kind: (typeof DB_KINDS)[number]; name: string; v: Variant; backups: string; mounts: ChildSpecValue; volumeBackups: ChildSpecValue };
type ServiceSpecValue = { name: string; v: Variant; domains: Array<{ host: string; recorded: string }>; ports?: ChildSpecValue; redirects?: ChildSpecValue };

/** Live child rows and their records in the marker, as `recorded` says (by id, by an intent naming the key, not at all, or a stale id). */
function childRows<R>(specs: ChildSpecValue, make: (at: number) => R, idOf: (r: R) => string, keyOf: (r: R) => string): { rows: R[]; records: Record<string, ChildRecord> } {
  const rows = specs.map((c) => make(c.at));
  const records: Record<string, ChildRecord> = {};
  specs.forEach((c, i) => {
    const key = keyOf(rows[i]!);
    if (c.recorded === "id") records[key] = { id: idOf(rows[i]!) };
    else if (c.recorded === "intent") records[key] = {};
    else if (c.recorded === "stale") records[key] = { id: "gone" };
  });
  return { rows, records };
}

/** The records of the lists a spec generated (a list with no live entry records nothing). */
const recordsOf = (lists: Record<string, { records: Record<string, ChildRecord> } | undefined>): Partial<Marker> =>
  Object.fromEntries(Object.entries(lists).filter(([, l]) => l && Object.keys(l.records).length > 0).map(([f, l]) => [f, l!.records]));
type ProjectSpecValue = { name: string; v: Variant; envs: Array<{ name: string; v: Variant; apps: ServiceSpecValue[]; stacks: ServiceSpecValue[]; dbs?: DbSpecValue[]; others: boolean }> };

/** Live domain rows of a service and the records its marker keeps of them, as the spec says. */
function domainsOf(s: ServiceSpecValue, owner: { applicationId?: string; composeId?: string }): { rows: DomainRow[]; recs: Record<string, DomainRecord> } {
  const rows = s.domains.map((d) => liveDomain(d.host, { domainId: nextId("d"), ...owner, ...(owner.composeId ? { domainType: "compose" as const, serviceName: "web" } : {}) }));
  const recs: Record<string, DomainRecord> = {};
  s.domains.forEach((d, i) => {
    const name = `dom${i}`;
    if (d.recorded === "id") recs[name] = { host: d.host, path: "/", id: rows[i]!.domainId };
    else if (d.recorded === "intent") recs[name] = { host: d.host, path: "/" };
    else if (d.recorded === "stale") recs[name] = { host: d.host, path: "/", id: "gone" };
  });
  return { rows, recs };
}

/** A live env that may hold the secret a reference reaches (hidden, never shown). */
const liveEnvText = (s: ServiceSpecValue): string | null => (s.domains.length % 2 === 0 ? `R0=pg://app:${CANARY}@x/db` : null);

/** A compose stack as the observer hands it over (`compose.one` reduced), with a raw compose file. */
function liveStack(s: ServiceSpecValue, project: string, env: string): ObservedService {
  const id = nextId("c");
  const { rows, recs } = domainsOf(s, { composeId: id });
  const description = describeAs(s.v, `Compose/${project}/${env}/${s.name}`, id, `Compose/${project}/${env}/zzz`, recs);
  const raw = {
    composeId: id, name: s.name, appName: `${s.name}-x1y2z3`, description, composeFile: "services: {}\n", sourceType: "raw",
    composeType: "docker-compose", composePath: "./docker-compose.yml", command: "", composeStatus: "done", autoDeploy: true, env: liveEnvText(s),
    isolatedDeployment: false, deployments: [], domains: rows,
  };
  return { kind: "Compose", id, name: s.name, description, appName: raw.appName, status: "done", detail: { id, name: s.name, description, appName: raw.appName, status: "done", deployments: [], domains: rows, raw } };
}

/** A live database as the observer hands it over (`project.one` summary plus its `<kind>.one` detail). */
function liveDatabase(p: string, e: string, d: DbSpecValue): ObservedService {
  const id = nextId("db");
  const key = `${d.kind}/${p}/${e}/${d.name}`;
  const backupId = nextId("bk");
  const backups = d.backups === "none" ? [] : [{ backupId, appName: `backup-${backupId}`, schedule: "0 3 * * *", prefix: "/", database: "app", destinationId: "dest1", destination: { name: "s3" }, keepLatestCount: null, enabled: true }];
  const records = d.backups === "ours" ? { nightly: { id: backupId } } : d.backups === "stale" ? { nightly: { id: "gone" } } : undefined;
  const appName = `${d.name}-x`;
  const type = d.kind.toLowerCase() as MountRow["serviceType"];
  const mount = (mountPath: string, volumeName: string): MountRow => ({
    mountId: nextId("mnt"), type: "volume", hostPath: null, volumeName, filePath: null, content: null, serviceType: type, mountPath,
    applicationId: null, composeId: null, libsqlId: null, mariadbId: null, mongoId: null, mysqlId: null, postgresId: null, redisId: null, [`${type}Id`]: id,
  });
  const mounts = childRows<MountRow>(d.mounts, (at) => mount(MOUNT_PATHS[at]!, VOLUMES[at]!), (r) => r.mountId, (r) => r.mountPath);
  const volumeBackups = childRows<VolumeBackupRow>(d.volumeBackups, (at) => ({
    volumeBackupId: nextId("vb"), name: "x", volumeName: VOLUMES[at]!, prefix: "/", serviceType: type, appName: "vb-x", serviceName: null, turnOff: false,
    cronExpression: "0 1 * * *", keepLatestCount: null, enabled: true, applicationId: null, postgresId: null, mariadbId: null, mongoId: null, mysqlId: null,
    redisId: null, libsqlId: null, composeId: null, createdAt: "2026-01-01T00:00:00.000Z", destinationId: "dest1", [`${type}Id`]: id,
  }), (r) => r.volumeBackupId, (r) => r.volumeName);
  // Its data volume, made by Dokploy with it: never an entry of its list.
  const dataVolume = mount(MOUNT_PATHS[2]!, `${appName}-data`);
  const describe = (): string | null => {
    const base = describeAs(d.v, key, id, `${d.kind}/${p}/${e}/zzz`, undefined, recordsOf({ mounts, volumeBackups }));
    const parsed = parseDescription(base);
    return parsed.marker && records ? renderDescription("", { ...parsed.marker, backups: records }) : base;
  };
  const description = describe();
  const raw = {
    name: d.name, appName, description, applicationStatus: "done", databasePassword: "pw", dockerImage: "img", env: null, command: null, args: null,
    replicas: 1, externalPort: null, databaseName: "app", databaseUser: "app", mounts: [dataVolume, ...mounts.rows], ...(d.kind === "Redis" ? {} : { backups }),
  };
  const detail = { id, name: d.name, description, appName, status: "done", deployments: [], domains: [], raw, children: { mounts: raw.mounts, volumeBackups: volumeBackups.rows } };
  return { kind: d.kind, id, name: d.name, description, appName, status: "done", detail };
}

function buildLive(specs: ProjectSpecValue[]): ObservedProject[] {
  return specs.map((p) => {
    const pid = nextId("p");
    const pKey = `Project/${p.name}`;
    const envs: ObservedEnvironment[] = [];
    const production = p.envs.find((e) => e.name === "production");
    const envList = [{ name: "production", v: p.v === "none" ? "none" : "ours", apps: production?.apps ?? [], stacks: production?.stacks ?? [], dbs: production?.dbs ?? [], others: false, isDefault: true }, ...p.envs.filter((e: { name: string }) => e.name !== "production").map((e: object) => ({ ...e, isDefault: false }))];
    for (const e of envList as Array<ProjectSpecValue["envs"][number] & { isDefault: boolean }>) {
      const eid = nextId("e");
      const eKey = `Environment/${p.name}/${e.name}`;
      const apps = e.apps.map((a) => {
        const aid = nextId("a");
        const aKey = `Application/${p.name}/${e.name}/${a.name}`;
        const { rows, recs } = domainsOf(a, { applicationId: aid });
        const ports = childRows<PortRow>(a.ports ?? [], (at) => ({ portId: nextId("port"), publishedPort: PORTS[at]!, targetPort: 80, protocol: "tcp", publishMode: "ingress", applicationId: aid }), (r) => r.portId, (r) => `${r.publishedPort}/${r.protocol}`);
        const redirects = childRows<RedirectRow>(a.redirects ?? [], (at) => ({ redirectId: nextId("rd"), regex: REGEXES[at]!, replacement: "/x", permanent: false, uniqueConfigKey: 1, createdAt: "2026-01-01T00:00:00.000Z", applicationId: aid }), (r) => r.redirectId, (r) => r.regex);
        const description = describeAs(a.v, aKey, aid, `Application/${p.name}/${e.name}/zzz`, recs, recordsOf({ ports, redirects }));
        const detail: ApplicationDetail = appDetail(a.name, { applicationId: aid, description, domains: rows, ports: ports.rows, redirects: redirects.rows, env: liveEnvText(a) });
        // The observer reads every application in a project in scope that could be ours or adopted; a superset is harmless.
        return liveApp(detail, true);
      });
      envs.push(liveEnvironment(e.name, {
        id: eid, isDefault: e.isDefault,
        description: e.isDefault ? (e.v === "ours" ? describeAs("ours", eKey, eid, eKey) : "Production environment") : describeAs(e.v, eKey, eid, `Environment/${p.name}/zzz`),
        applications: apps,
        services: [
          ...e.stacks.map((st) => liveStack(st, p.name, e.name)),
          ...(e.dbs ?? []).map((d) => liveDatabase(p.name, e.name, d)),
          ...(e.others ? [{ kind: "postgres", id: nextId("pg"), name: "db", description: null, appName: "db-x", status: "" }] : []),
        ],
      }));
    }
    // Observer contract: projects named by a manifest or claimed by us are read in detail; we read all of them.
    return liveProject(p.name, { id: pid, description: describeAs(p.v, pKey, pid, "Project/zzz"), environments: envs, detailed: true });
  });
}

const desiredSpec = fc.record({
  projects: fc.subarray(PROJECTS),
  adopt: fc.boolean(),
  envs: fc.subarray(ENVS),
  apps: fc.subarray(APPS),
  stacks: fc.subarray(STACKS),
  domains: fc.subarray(HOSTS),
  refs: fc.array(refSpec, { maxLength: 8 }),
  dbs: fc.subarray([...DB_KINDS]),
  deletionPolicy: fc.constantFrom("", "delete", "orphan"),
  adoptChildren: fc.boolean(),
  ports: fc.option(fc.subarray(PORTS)),
  redirects: fc.option(fc.subarray(REGEXES)),
  mounts: fc.option(fc.subarray([0, 1, 2])),
  volumeBackups: fc.boolean(),
});

type DesiredSpecValue = {
  projects: string[]; adopt: boolean; envs: string[]; apps: string[]; stacks: string[]; domains: string[]; refs: RefSpecValue[]; dbs: string[]; deletionPolicy: string;
  adoptChildren?: boolean; ports?: number[] | null; redirects?: string[] | null; mounts?: number[] | null; volumeBackups?: boolean;
};

/** The child lists of an application, or of a database, as YAML (a list omitted when null or absent). */
function childLists(d: DesiredSpecValue, service: "app" | "db"): string {
  const list = (field: string, items: string[] | null | undefined): string => (items == null ? "" : `, ${field}: [${items.join(", ")}]`);
  if (service === "app") {
    return list("ports", d.ports?.map((p) => `{ publishedPort: ${p}, targetPort: 81 }`)) +
      list("redirects", d.redirects?.map((r) => `{ regex: "${r}", replacement: "/y" }`));
  }
  const backup = d.volumeBackups ? ', backup: { schedule: "0 2 * * *", destination: s3 }' : "";
  return list("mounts", d.mounts?.map((i) => `{ type: volume, mountPath: ${MOUNT_PATHS[i]}, volumeName: ${VOLUMES[i] ?? "data2"}${backup} }`));
}

function buildYaml(d: DesiredSpecValue): string {
  const ann = d.adopt ? ', annotations: { dokploy-gitops/adopt: "true" }' : "";
  const children = d.adoptChildren ? ', dokploy-gitops/adopt-children: "true"' : "";
  const appAnn = `, annotations: { dokploy-gitops/adopt: "${d.adopt}"${children} }`;
  const dbAnn = `, annotations: { dokploy-gitops/adopt: "${d.adopt}"${d.deletionPolicy ? `, dokploy-gitops/deletion-policy: ${d.deletionPolicy}` : ""}${children} }`;
  const docs: string[] = [];
  const nodes = d.envs.flatMap((e): GraphNode[] => [...d.apps.map((name) => ({ kind: "Application" as const, environment: e, name })), ...d.stacks.map((name) => ({ kind: "Compose" as const, environment: e, name }))]);
  const wires = wiring(nodes, d.refs, d.domains.length > 0);
  const extra = (kind: GraphNode["kind"], environment: string, name: string): string => wiresText(wires.get(nodeKey({ kind, environment, name })));
  for (const p of d.projects) {
    docs.push(`apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${p}${ann} }\nspec: {}`);
    for (const e of d.envs) {
      docs.push(`apiVersion: dokploy-gitops/v1\nkind: Environment\nmetadata: { name: ${e}, project: ${p}${ann} }\nspec: {}`);
      for (const a of d.apps) {
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: ${a}, project: ${p}, environment: ${e}${appAnn} }\nspec: { source: { type: docker, image: "nginx:2" }${extra("Application", e, a)}${childLists(d, "app")} }`);
        d.domains.forEach((h, i) => {
          docs.push(`apiVersion: dokploy-gitops/v1\nkind: Domain\nmetadata: { name: dom${i}, project: ${p}, environment: ${e}, application: ${a}${ann} }\nspec: { host: ${a}.${e}.${p}.${h} }`);
        });
      }
      for (const c of d.stacks) {
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: Compose\nmetadata: { name: ${c}, project: ${p}, environment: ${e}${ann} }\nspec: { source: { type: raw, content: "services: {}\\n" }${extra("Compose", e, c)} }`);
        d.domains.forEach((h, i) => {
          docs.push(`apiVersion: dokploy-gitops/v1\nkind: Domain\nmetadata: { name: dom${i}, project: ${p}, environment: ${e}, compose: ${c}${ann} }\nspec: { host: stack-${c}.${e}.${p}.${h}, serviceName: web }`);
        });
      }
      for (const k of d.dbs) {
        const fields = k === "Redis" ? "" : k === "LibSQL" ? "databaseUser: app, " : "databaseName: app, databaseUser: app, ";
        const backups = k === "Redis" ? "" : ", backups: [{ name: nightly, schedule: \"0 4 * * *\", destination: s3, database: app }]";
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: ${k}\nmetadata: { name: ${DBS[0]}, project: ${p}, environment: ${e}${dbAnn} }\nspec: { ${fields}databasePassword: { fromEnv: PW }${backups}${childLists(d, "db")} }`);
      }
    }
  }
  return docs.join("\n---\n");
}

const WRITES = new Set(["update", "adopt", "delete", "orphan"]);
/** Writes planned on databases across a run (checked by the first property). */
let databaseWrites = 0;
const CHILD_KINDS = new Set(["Port", "Redirect", "Mount", "VolumeBackup"]);
/** Writes planned on child list entries across a run (a property that never reaches them proves nothing). */
const childWrites = { update: 0, adopt: 0, delete: 0 };

const settingsSpec = fc.record({ prune: fc.boolean(), allowEmpty: fc.boolean(), maxDeletions: fc.integer({ min: 0, max: 20 }) });

/** Desired trees that always hold services wired by references. */
const wiredSpec = fc.record({
  projects: fc.subarray(PROJECTS, { minLength: 1 }),
  adopt: fc.boolean(),
  envs: fc.subarray(ENVS, { minLength: 1 }),
  apps: fc.subarray(APPS, { minLength: 1 }),
  stacks: fc.subarray(STACKS),
  domains: fc.subarray(HOSTS),
  refs: fc.array(refSpec, { minLength: 1, maxLength: 8 }),
  dbs: fc.constant<string[]>([]),
  deletionPolicy: fc.constant<string>(""),
});

/** A service of a wired tree as it stands live: mostly ours, sometimes pending or foreign (references to it cannot be resolved). */
const liveService = (name: string) => fc.record({
  name: fc.constant(name), v: fc.constantFrom<Variant>("ours", "ours", "ours", "pending", "foreign"), domains: fc.array(domainSpec, { maxLength: 1 }),
});

/**
 * A wired desired tree with a live state made from it: some services
 * missing (created by the plan, so their hosts are known after apply).
 */
const wiredCase = wiredSpec.chain((want) => fc.record({
  want: fc.constant(want),
  live: fc.tuple(...want.projects.map((p) => fc.record({
    name: fc.constant(p),
    v: fc.constantFrom<Variant>("ours", "ours", "pending"),
    envs: fc.tuple(...want.envs.map((e) => fc.record({
      name: fc.constant(e),
      v: fc.constantFrom<Variant>("ours", "ours", "none"),
      others: fc.boolean(),
      apps: fc.subarray(want.apps).chain((names) => fc.tuple(...names.map(liveService))),
      stacks: fc.subarray(want.stacks).chain((names) => fc.tuple(...names.map(liveService))),
    }))),
  }))),
}));

describe("ownership property", () => {
  it("never plans a write or delete on an object that is not ours or adopted", () => {
    databaseWrites = 0;
    fc.assert(fc.property(fc.array(projectSpec, { maxLength: 3 }), desiredSpec, settingsSpec, checkPlan), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261121) });
    // The generators must reach databases that are written, or the property says nothing about them.
    expect(databaseWrites).toBeGreaterThan(0);
  }, TIMEOUT_MS);

  it("never plans a write on a child list entry that its service does not record or adopt", () => {
    // One application and one Postgres in an environment and project that are ours, with live entries recorded or not.
    Object.assign(childWrites, { update: 0, adopt: 0, delete: 0 });
    const lists = fc.record({
      adoptChildren: fc.boolean(), ports: fc.option(fc.subarray(PORTS)), redirects: fc.option(fc.subarray(REGEXES)),
      mounts: fc.option(fc.subarray([0, 1, 2])), volumeBackups: fc.boolean(),
    });
    fc.assert(
      fc.property(variant, variant, children, children, children, children, lists, (appV, dbV, ports, redirects, mounts, volumeBackups, want) => {
        const db: DbSpecValue = { kind: "Postgres", name: "db", v: dbV, backups: "none", mounts, volumeBackups };
        const live: ProjectSpecValue[] = [{ name: "alpha", v: "ours", envs: [{ name: "staging", v: "ours", apps: [{ name: "web", v: appV, domains: [], ports, redirects }], stacks: [], dbs: [db], others: false }] }];
        checkPlan(live, { projects: ["alpha"], adopt: false, envs: ["staging"], apps: ["web"], stacks: [], domains: [], refs: [], dbs: ["Postgres"], deletionPolicy: "", ...want }, { prune: true, allowEmpty: false, maxDeletions: 20 });
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
    // The generator reaches every kind of child write (else the property proves nothing about them).
    expect(Object.values(childWrites).every((n) => n > 0), JSON.stringify(childWrites)).toBe(true);
  }, TIMEOUT_MS);

  it("with references: the same, every step after what it references, and no secret printed", () => {
    fc.assert(fc.property(wiredCase, settingsSpec, ({ want, live }, settings) => checkPlan(live, want, settings)), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261122) });
  }, TIMEOUT_MS);
});

/** Plans one generated case and checks every promise of the module comment. */
function checkPlan(liveSpecs: ProjectSpecValue[], want: DesiredSpecValue, settings: { prune: boolean; allowEmpty: boolean; maxDeletions: number }): void {
  const projects = buildLive(liveSpecs);
  const yaml = buildYaml(want);
  const report = loadManifestTexts(yaml ? [{ file: "m.yaml", text: yaml }] : []);
  const desired = report.desired ?? { manifests: [], fileCount: 0 };
  expect(report.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  const secrets = new SecretValues();
  secrets.set({ fromEnv: CANARY_ENV }, CANARY);
  const plan = planReconcile({ desired, observed: { projects, destinations: [{ destinationId: "dest1", name: "s3" }] }, secrets, settings: { instance: INSTANCE, ...settings } });
  expectReferencesOrdered(plan.steps);
  if (plan.steps.some((s) => s.references !== undefined)) {
    for (const text of [renderPlanText(plan), renderPlanMarkdown(plan), renderPlanJson(plan)]) expect(text.includes(CANARY), "a rendering printed the secret").toBe(false);
  }

  // Index every live object by id.
  type Obj = { kind: string; id: string; description: string | null; isDefault?: boolean; parentProject?: string };
  type Parent = { id: string; description: string | null; domains: DomainRow[] };
  type ChildParent = { id: string; description: string | null; field: "ports" | "redirects" | "mounts" | "volumeBackups"; key: string; builtIn: boolean };
  const objects = new Map<string, Obj>();
  const domainParent = new Map<string, Parent>();
  const childParent = new Map<string, ChildParent>();
  const claims = new Map<string, number>();
  const claim = (scope: string, o: Obj): void => {
    const own = ownershipOf(o.description, INSTANCE, o.id);
    if (own.kind === "ours" || own.kind === "pending") claims.set(`${scope}|${own.marker.key}`, (claims.get(`${scope}|${own.marker.key}`) ?? 0) + 1);
  };
  const scopeOf = new Map<string, string>();
  for (const p of projects) {
    const o = { kind: "Project", id: p.projectId, description: p.description };
    objects.set(p.projectId, o);
    scopeOf.set(p.projectId, "root");
    claim("root", o);
    for (const e of p.environments) {
      const eo = { kind: "Environment", id: e.environmentId, description: e.description, isDefault: e.isDefault, parentProject: p.projectId };
      objects.set(e.environmentId, eo);
      scopeOf.set(e.environmentId, p.projectId);
      claim(p.projectId, eo);
      for (const a of e.applications) {
        const ao = { kind: "Application", id: a.applicationId, description: a.description };
        objects.set(a.applicationId, ao);
        scopeOf.set(a.applicationId, e.environmentId);
        claim(e.environmentId, ao);
        for (const d of a.detail?.domains ?? []) domainParent.set(d.domainId, { id: a.applicationId, description: a.detail!.description, domains: a.detail!.domains });
        const parent = { id: a.applicationId, description: a.detail?.description ?? null, builtIn: false };
        for (const r of a.detail?.ports ?? []) childParent.set(r.portId, { ...parent, field: "ports", key: `${r.publishedPort}/${r.protocol}` });
        for (const r of a.detail?.redirects ?? []) childParent.set(r.redirectId, { ...parent, field: "redirects", key: r.regex });
      }
      for (const c of e.services) {
        const co = { kind: String(c.kind), id: c.id, description: c.description };
        objects.set(c.id, co);
        scopeOf.set(c.id, e.environmentId);
        claim(e.environmentId, co);
        for (const d of c.detail?.domains ?? []) domainParent.set(d.domainId, { id: c.id, description: c.detail!.description, domains: c.detail!.domains });
        const parent = { id: c.id, description: c.detail?.description ?? null };
        for (const r of (c.detail?.children?.mounts ?? []) as MountRow[]) childParent.set(r.mountId, { ...parent, field: "mounts", key: r.mountPath, builtIn: r.volumeName === `${c.appName}-data` });
        for (const r of (c.detail?.children?.volumeBackups ?? []) as VolumeBackupRow[]) childParent.set(r.volumeBackupId, { ...parent, field: "volumeBackups", key: r.volumeName, builtIn: false });
      }
    }
  }

  for (const step of plan.steps) {
    if (!WRITES.has(step.action)) continue;
    if (step.action === "create") continue;
    expect(step.dokployId, `${step.action} ${step.key} has a target`).toBeDefined();
    const id = step.dokployId!;
    if (CHILD_KINDS.has(step.kind)) {
      childWrites[step.action as keyof typeof childWrites]++;
      const parent = childParent.get(id);
      expect(parent, `${step.key}: entry ${id} belongs to a live service`).toBeDefined();
      expect(parent!.builtIn, `${step.action} ${step.key}: never a database's own data volume`).toBe(false);
      expect(parent!.key, `${step.key} targets the entry of its own key`).toBe(unescapeChildKey(step.identity.name));
      const own = ownershipOf(parent!.description, INSTANCE, parent!.id);
      if (step.action === "adopt") {
        expect(step.manifest?.adopt, `adopt ${step.key} is asked for (adopt-children)`).toBe(true);
        expect(want.adoptChildren).toBe(true);
        continue;
      }
      expect(["ours", "pending"], `${step.action} ${step.key}: its service is ours`).toContain(own.kind);
      const rec = (own.kind === "ours" || own.kind === "pending" ? own.marker[parent!.field] : undefined)?.[parent!.key];
      expect(rec !== undefined && (rec.id === id || rec.id === undefined), `${step.action} ${step.key} (${id}) is recorded by its service`).toBe(true);
      continue;
    }
    if (step.kind === "Domain") {
      const app = domainParent.get(id);
      expect(app, `domain ${id} belongs to a live service`).toBeDefined();
      const appOwn = ownershipOf(app!.description, INSTANCE, app!.id);
      if (step.action === "adopt") {
        expect(step.manifest?.adopt).toBe(true);
        continue;
      }
      expect(["ours", "pending"]).toContain(appOwn.kind);
      const recs = parseDescription(app!.description).marker?.domains ?? {};
      const row = app!.domains.find((d) => d.domainId === id)!;
      const recorded = Object.values(recs).some((r) => r.id === id || (!r.id && r.host === row.host && r.path === (row.path ?? "/")));
      expect(recorded, `domain ${id} is recorded by its application`).toBe(true);
      continue;
    }
    const obj = objects.get(id)!;
    expect(obj, `${step.key} targets a live object`).toBeDefined();
    if ((DB_KINDS as readonly string[]).includes(step.kind)) databaseWrites++;
    const own = ownershipOf(obj.description, INSTANCE, id);
    const duplicated = own.kind === "ours" || own.kind === "pending" ? (claims.get(`${scopeOf.get(id)}|${own.marker.key}`) ?? 0) > 1 : false;
    expect(duplicated, `${step.action} ${step.key} does not touch a doubly-claimed object`).toBe(false);
    if (step.action === "adopt") {
      expect(step.manifest?.adopt, `adopt ${step.key} is asked for`).toBe(true);
      expect(own.kind).not.toBe("foreign");
      continue;
    }
    if (obj.isDefault) {
      // The default environment of a project we own or adopt is ours unless another instance marked it.
      expect(own.kind).not.toBe("foreign");
      expect(step.action).toBe("update");
      continue;
    }
    expect(["ours", "pending"], `${step.action} ${step.key} (${id}) is ours`).toContain(own.kind);
  }
}
