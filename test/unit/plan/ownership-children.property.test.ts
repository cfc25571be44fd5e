/**
 * The safety promise as a property: for any live Dokploy state and any
 * manifests, every step that writes to or deletes an existing object targets
 * an object carrying this instance's marker (its own id, or pending), or one
 * its manifest explicitly adopts; a domain only inside an application we own
 * that records it; a child list entry (port, redirect) only inside an
 * application we own whose marker records it (by id, or by an intent naming
 * its key), or one the application's manifest adopts with
 * `adopt-children`; and never an object whose identity is claimed twice.
 * PROPERTY_RUNS raises the case count (the reliability suite runs 10,000).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApplicationDetail } from "../../../src/dokploy/types.ts";
import { loadManifestTexts } from "../../../src/manifest/index.ts";
import { ownershipOf, parseDescription, renderDescription, type ChildRecord, type DomainRecord, type Marker } from "../../../src/model/marker.ts";
import type { PortRow } from "../../../src/dokploy/routers/port.ts";
import type { RedirectRow } from "../../../src/dokploy/routers/redirects.ts";
import { unescapeChildKey } from "../../../src/kinds/child-list.ts";
import type { ObservedEnvironment, ObservedProject } from "../../../src/model/observed.ts";
import { planReconcile } from "../../../src/plan/planner.ts";
import type { Plan } from "../../../src/plan/types.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import { appDetail, liveApp, liveDomain, liveEnvironment, liveProject } from "../../helpers/live-builders.ts";

const INSTANCE = "default";
const PROJECTS = ["alpha", "beta"];
const ENVS = ["production", "staging"];
const APPS = ["web", "api"];
const HOSTS = ["a.test", "b.test"];
const PORTS = [8080, 9090];
const REGEXES = ["^/a$", "^/b$"];
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

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
const appSpec = fc.record({
  name: fc.constantFrom(...APPS), v: variant, domains: fc.array(domainSpec, { maxLength: 2 }),
  ports: fc.array(childSpec, { maxLength: 2 }), redirects: fc.array(childSpec, { maxLength: 2 }),
});
const envSpec = fc.record({ name: fc.constantFrom(...ENVS), v: variant, apps: fc.array(appSpec, { maxLength: 2 }), others: fc.boolean() });
const projectSpec = fc.record({ name: fc.constantFrom(...PROJECTS), v: variant, envs: fc.array(envSpec, { maxLength: 2 }) });

type ChildSpecValue = Array<{ at: number; recorded: string }>;
type ProjectSpecValue = { name: string; v: Variant; envs: Array<{ name: string; v: Variant; apps: Array<{ name: string; v: Variant; domains: Array<{ host: string; recorded: string }>; ports: ChildSpecValue; redirects: ChildSpecValue }>; others: boolean }> };

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

function buildLive(specs: ProjectSpecValue[]): ObservedProject[] {
  return specs.map((p) => {
    const pid = nextId("p");
    const pKey = `Project/${p.name}`;
    const envs: ObservedEnvironment[] = [];
    const envList = [{ name: "production", v: p.v === "none" ? "none" : "ours", apps: [], others: false, isDefault: true }, ...p.envs.filter((e: { name: string }) => e.name !== "production").map((e: object) => ({ ...e, isDefault: false }))];
    for (const e of envList as Array<ProjectSpecValue["envs"][number] & { isDefault: boolean }>) {
      const eid = nextId("e");
      const eKey = `Environment/${p.name}/${e.name}`;
      const apps = e.apps.map((a) => {
        const aid = nextId("a");
        const aKey = `Application/${p.name}/${e.name}/${a.name}`;
        const rows = a.domains.map((d) => liveDomain(d.host, { domainId: nextId("d"), applicationId: aid }));
        const recs: Record<string, DomainRecord> = {};
        a.domains.forEach((d, i) => {
          const name = `dom${i}`;
          if (d.recorded === "id") recs[name] = { host: d.host, path: "/", id: rows[i]!.domainId };
          else if (d.recorded === "intent") recs[name] = { host: d.host, path: "/" };
          else if (d.recorded === "stale") recs[name] = { host: d.host, path: "/", id: "gone" };
        });
        const ports = childRows<PortRow>(a.ports, (at) => ({ portId: nextId("port"), publishedPort: PORTS[at]!, targetPort: 80, protocol: "tcp", publishMode: "ingress", applicationId: aid }), (r) => r.portId, (r) => `${r.publishedPort}/${r.protocol}`);
        const redirects = childRows<RedirectRow>(a.redirects, (at) => ({ redirectId: nextId("rd"), regex: REGEXES[at]!, replacement: "/x", permanent: false, uniqueConfigKey: 1, createdAt: "2026-01-01T00:00:00.000Z", applicationId: aid }), (r) => r.redirectId, (r) => r.regex);
        const children = { ...(a.ports.length > 0 ? { ports: ports.records } : {}), ...(a.redirects.length > 0 ? { redirects: redirects.records } : {}) };
        const detail: ApplicationDetail = appDetail(a.name, { applicationId: aid, description: describeAs(a.v, aKey, aid, `Application/${p.name}/${e.name}/zzz`, recs, children), domains: rows, ports: ports.rows, redirects: redirects.rows });
        // The observer reads every application in a project in scope that could be ours or adopted; a superset is harmless.
        return liveApp(detail, true);
      });
      envs.push(liveEnvironment(e.name, {
        id: eid, isDefault: e.isDefault,
        description: e.isDefault ? (e.v === "ours" ? describeAs("ours", eKey, eid, eKey) : "Production environment") : describeAs(e.v, eKey, eid, `Environment/${p.name}/zzz`),
        applications: apps,
        services: e.others ? [{ kind: "postgres", id: nextId("pg"), name: "db", description: null, appName: "db-x", status: "" }] : [],
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
  domains: fc.subarray(HOSTS),
  adoptChildren: fc.boolean(),
  ports: fc.option(fc.subarray(PORTS)),
  redirects: fc.option(fc.subarray(REGEXES)),
});

type DesiredValue = { projects: string[]; adopt: boolean; envs: string[]; apps: string[]; domains: string[]; adoptChildren: boolean; ports: number[] | null; redirects: string[] | null };

/** The application's child lists as YAML (a list omitted when null). */
function childLists(d: DesiredValue): string {
  const ports = d.ports === null ? "" : `, ports: [${d.ports.map((p) => `{ publishedPort: ${p}, targetPort: 81 }`).join(", ")}]`;
  const redirects = d.redirects === null ? "" : `, redirects: [${d.redirects.map((r) => `{ regex: "${r}", replacement: "/y" }`).join(", ")}]`;
  return ports + redirects;
}

function buildYaml(d: DesiredValue): string {
  const ann = d.adopt ? ', annotations: { dokploy-gitops/adopt: "true" }' : "";
  const appAnn = d.adopt || d.adoptChildren
    ? `, annotations: { ${[d.adopt ? 'dokploy-gitops/adopt: "true"' : "", d.adoptChildren ? 'dokploy-gitops/adopt-children: "true"' : ""].filter(Boolean).join(", ")} }`
    : "";
  const docs: string[] = [];
  for (const p of d.projects) {
    docs.push(`apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${p}${ann} }\nspec: {}`);
    for (const e of d.envs) {
      docs.push(`apiVersion: dokploy-gitops/v1\nkind: Environment\nmetadata: { name: ${e}, project: ${p}${ann} }\nspec: {}`);
      for (const a of d.apps) {
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: ${a}, project: ${p}, environment: ${e}${appAnn} }\nspec: { source: { type: docker, image: "nginx:2" }${childLists(d)} }`);
        d.domains.forEach((h, i) => {
          docs.push(`apiVersion: dokploy-gitops/v1\nkind: Domain\nmetadata: { name: dom${i}, project: ${p}, environment: ${e}, application: ${a}${ann} }\nspec: { host: ${a}.${e}.${p}.${h} }`);
        });
      }
    }
  }
  return docs.join("\n---\n");
}

const WRITES = new Set(["update", "adopt", "delete", "orphan"]);

/** Counts of the child list writes the properties reached (a property that never reaches them proves nothing). */
type ChildWrites = { update: number; adopt: number; delete: number };

/** The safety checks of every planned write against the live state it was planned from. */
function checkPlan(projects: ObservedProject[], plan: Plan, want: { adoptChildren: boolean }, childWrites: ChildWrites): void {
    // Index every live object by id.
    type Obj = { kind: string; id: string; description: string | null; isDefault?: boolean; parentProject?: string; app?: ApplicationDetail };
    const objects = new Map<string, Obj>();
    const domainParent = new Map<string, ApplicationDetail>();
    const childParent = new Map<string, { app: ApplicationDetail; field: "ports" | "redirects"; key: string }>();
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
          const ao = { kind: "Application", id: a.applicationId, description: a.description, ...(a.detail ? { app: a.detail } : {}) };
          objects.set(a.applicationId, ao);
          scopeOf.set(a.applicationId, e.environmentId);
          claim(e.environmentId, ao);
          for (const d of a.detail?.domains ?? []) domainParent.set(d.domainId, a.detail!);
          for (const r of a.detail?.ports ?? []) childParent.set(r.portId, { app: a.detail!, field: "ports", key: `${r.publishedPort}/${r.protocol}` });
          for (const r of a.detail?.redirects ?? []) childParent.set(r.redirectId, { app: a.detail!, field: "redirects", key: r.regex });
        }
      }
    }

    for (const step of plan.steps) {
      if (!WRITES.has(step.action)) continue;
      if (step.action === "create") continue;
      expect(step.dokployId, `${step.action} ${step.key} has a target`).toBeDefined();
      const id = step.dokployId!;
      if (step.kind === "Port" || step.kind === "Redirect") {
        childWrites[step.action as keyof typeof childWrites]++;
        const parent = childParent.get(id);
        expect(parent, `${step.key}: entry ${id} belongs to a live application`).toBeDefined();
        expect(parent!.key, `${step.key} targets the entry of its own key`).toBe(unescapeChildKey(step.identity.name));
        const appOwn = ownershipOf(parent!.app.description, INSTANCE, parent!.app.applicationId);
        if (step.action === "adopt") {
          expect(step.manifest?.adopt, `adopt ${step.key} is asked for (adopt-children)`).toBe(true);
          expect(want.adoptChildren).toBe(true);
          continue;
        }
        expect(["ours", "pending"], `${step.action} ${step.key}: its application is ours`).toContain(appOwn.kind);
        const rec = (appOwn.kind === "ours" || appOwn.kind === "pending" ? appOwn.marker[parent!.field] : undefined)?.[parent!.key];
        expect(rec !== undefined && (rec.id === id || rec.id === undefined), `${step.action} ${step.key} (${id}) is recorded by its application`).toBe(true);
        continue;
      }
      if (step.kind === "Domain") {
        const app = domainParent.get(id);
        expect(app, `domain ${id} belongs to a live application`).toBeDefined();
        const appOwn = ownershipOf(app!.description, INSTANCE, app!.applicationId);
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


describe("ownership property: service child lists", () => {
  it("never plans a write or delete on an object that is not ours or adopted", () => {
    const childWrites: ChildWrites = { update: 0, adopt: 0, delete: 0 };
    fc.assert(
      fc.property(fc.array(projectSpec, { maxLength: 3 }), desiredSpec, fc.record({ prune: fc.boolean(), allowEmpty: fc.boolean(), maxDeletions: fc.integer({ min: 0, max: 20 }) }), (liveSpecs, want, settings) => {
        const projects = buildLive(liveSpecs);
        const yaml = buildYaml(want);
        const report = loadManifestTexts(yaml ? [{ file: "m.yaml", text: yaml }] : []);
        const desired = report.desired ?? { manifests: [], fileCount: 0 };
        expect(report.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
        const plan = planReconcile({ desired, observed: { projects }, secrets: new SecretValues(), settings: { instance: INSTANCE, ...settings } });

        checkPlan(projects, plan, want, childWrites);
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
  });

  it("never plans a write on a child list entry that its application does not record or adopt", () => {
    const childWrites: ChildWrites = { update: 0, adopt: 0, delete: 0 };
    const lists = fc.record({ adoptChildren: fc.boolean(), ports: fc.option(fc.subarray(PORTS)), redirects: fc.option(fc.subarray(REGEXES)) });
    const childSpecs = fc.array(childSpec, { maxLength: 3 });
    fc.assert(
      fc.property(variant, childSpecs, childSpecs, lists, (v, ports, redirects, want) => {
        // One application in an environment and project that are ours, with live entries recorded or not.
        const projects = buildLive([{ name: "alpha", v: "ours", envs: [{ name: "staging", v: "ours", apps: [{ name: "web", v, domains: [], ports, redirects }], others: false }] }]);
        const desired = loadManifestTexts([{ file: "m.yaml", text: buildYaml({ projects: ["alpha"], adopt: false, envs: ["staging"], apps: ["web"], domains: [], ...want }) }]).desired!;
        const plan = planReconcile({ desired, observed: { projects }, secrets: new SecretValues(), settings: { instance: INSTANCE, prune: true, allowEmpty: false, maxDeletions: 20 } });
        checkPlan(projects, plan, want, childWrites);
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
    // The generator reaches every kind of child write (else the property proves nothing about them).
    expect(Object.values(childWrites).every((n) => n > 0), JSON.stringify(childWrites)).toBe(true);
  });
});
