/**
 * The safety promise as a property: for any live Dokploy state and any
 * manifests, every step that writes to or deletes an existing object targets
 * an object carrying this instance's marker (its own id, or pending), or one
 * its manifest explicitly adopts; a domain only inside a service (application
 * or compose stack) we own that records it; and never an object whose
 * identity is claimed twice. The generators cover applications, compose
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
import { ownershipOf, parseDescription, renderDescription, type DomainRecord } from "../../../src/model/marker.ts";
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
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
/** Room for the reliability suite's 10,000 cases on a busy machine (a bound, not a measurement). */
const TIMEOUT_MS = Math.max(30_000, RUNS * 20);

type Variant = "none" | "ours" | "pending" | "copied" | "foreign" | "malformed" | "other-key";
const variant = fc.constantFrom<Variant>("none", "ours", "pending", "copied", "foreign", "malformed", "other-key");

let seq = 0;
const nextId = (prefix: string): string => `${prefix}${++seq}`;

function describeAs(v: Variant, key: string, id: string, otherKey: string, domains?: Record<string, DomainRecord>): string | null {
  const extra = domains && Object.keys(domains).length > 0 ? { domains } : {};
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
const appSpec = fc.record({ name: fc.constantFrom(...APPS), v: variant, domains: fc.array(domainSpec, { maxLength: 2 }) });
const stackSpec = fc.record({ name: fc.constantFrom(...STACKS), v: variant, domains: fc.array(domainSpec, { maxLength: 2 }) });
const dbSpec = fc.record({ kind: fc.constantFrom(...DB_KINDS), name: fc.constantFrom(...DBS), v: variant, backups: fc.constantFrom("none", "ours", "hand-made", "stale") });
const envSpec = fc.record({ name: fc.constantFrom(...ENVS), v: variant, apps: fc.array(appSpec, { maxLength: 2 }), stacks: fc.array(stackSpec, { maxLength: 2 }), dbs: fc.array(dbSpec, { maxLength: 2 }), others: fc.boolean() });
const projectSpec = fc.record({ name: fc.constantFrom(...PROJECTS), v: variant, envs: fc.array(envSpec, { maxLength: 2 }) });

type ServiceSpecValue = { name: string; v: Variant; domains: Array<{ host: string; recorded: string }> };
type DbSpecValue = { kind: (typeof DB_KINDS)[number]; name: string; v: Variant; backups: string };
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
  const describe = (): string | null => {
    const base = describeAs(d.v, key, id, `${d.kind}/${p}/${e}/zzz`);
    const parsed = parseDescription(base);
    return parsed.marker && records ? renderDescription("", { ...parsed.marker, backups: records }) : base;
  };
  const description = describe();
  const raw = {
    name: d.name, appName: `${d.name}-x`, description, applicationStatus: "done", databasePassword: "pw", dockerImage: "img", env: null, command: null, args: null,
    replicas: 1, externalPort: null, databaseName: "app", databaseUser: "app", mounts: [], ...(d.kind === "Redis" ? {} : { backups }),
  };
  return { kind: d.kind, id, name: d.name, description, appName: raw.appName, status: "done", detail: { id, name: d.name, description, appName: raw.appName, status: "done", deployments: [], domains: [], raw } };
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
        const detail: ApplicationDetail = appDetail(a.name, { applicationId: aid, description: describeAs(a.v, aKey, aid, `Application/${p.name}/${e.name}/zzz`, recs), domains: rows, env: liveEnvText(a) });
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
});

type DesiredSpecValue = { projects: string[]; adopt: boolean; envs: string[]; apps: string[]; stacks: string[]; domains: string[]; refs: RefSpecValue[]; dbs: string[]; deletionPolicy: string };

function buildYaml(d: DesiredSpecValue): string {
  const ann = d.adopt ? ', annotations: { dokploy-gitops/adopt: "true" }' : "";
  const dbAnn = `, annotations: { dokploy-gitops/adopt: "${d.adopt}"${d.deletionPolicy ? `, dokploy-gitops/deletion-policy: ${d.deletionPolicy}` : ""} }`;
  const docs: string[] = [];
  const nodes = d.envs.flatMap((e): GraphNode[] => [...d.apps.map((name) => ({ kind: "Application" as const, environment: e, name })), ...d.stacks.map((name) => ({ kind: "Compose" as const, environment: e, name }))]);
  const wires = wiring(nodes, d.refs, d.domains.length > 0);
  const extra = (kind: GraphNode["kind"], environment: string, name: string): string => wiresText(wires.get(nodeKey({ kind, environment, name })));
  for (const p of d.projects) {
    docs.push(`apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${p}${ann} }\nspec: {}`);
    for (const e of d.envs) {
      docs.push(`apiVersion: dokploy-gitops/v1\nkind: Environment\nmetadata: { name: ${e}, project: ${p}${ann} }\nspec: {}`);
      for (const a of d.apps) {
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: ${a}, project: ${p}, environment: ${e}${ann} }\nspec: { source: { type: docker, image: "nginx:2" }${extra("Application", e, a)} }`);
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
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: ${k}\nmetadata: { name: ${DBS[0]}, project: ${p}, environment: ${e}${dbAnn} }\nspec: { ${fields}databasePassword: { fromEnv: PW }${backups} }`);
      }
    }
  }
  return docs.join("\n---\n");
}

const WRITES = new Set(["update", "adopt", "delete", "orphan"]);
/** Writes planned on databases across a run (checked by the first property). */
let databaseWrites = 0;

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
  const objects = new Map<string, Obj>();
  const domainParent = new Map<string, Parent>();
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
      }
      for (const c of e.services) {
        const co = { kind: String(c.kind), id: c.id, description: c.description };
        objects.set(c.id, co);
        scopeOf.set(c.id, e.environmentId);
        claim(e.environmentId, co);
        for (const d of c.detail?.domains ?? []) domainParent.set(d.domainId, { id: c.id, description: c.detail!.description, domains: c.detail!.domains });
      }
    }
  }

  for (const step of plan.steps) {
    if (!WRITES.has(step.action)) continue;
    if (step.action === "create") continue;
    expect(step.dokployId, `${step.action} ${step.key} has a target`).toBeDefined();
    const id = step.dokployId!;
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
