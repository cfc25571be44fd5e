/**
 * The safety promise as a property: for any live Dokploy state and any
 * manifests, every step that writes to or deletes an existing object targets
 * an object carrying this instance's marker (its own id, or pending), or one
 * its manifest explicitly adopts; a domain only inside an application we own
 * that records it; and never an object whose identity is claimed twice.
 * With references between the generated resources (hosts, names, domain
 * URLs, composed values carrying a canary secret, live env values holding
 * it too): every step runs after the steps that write what it references,
 * the plan's order has no cycle, and no rendering prints the secret.
 * PROPERTY_RUNS raises the case count (the reliability suite runs 10,000).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApplicationDetail } from "../../../src/dokploy/types.ts";
import { loadManifestTexts } from "../../../src/manifest/index.ts";
import { ownershipOf, parseDescription, renderDescription, type DomainRecord } from "../../../src/model/marker.ts";
import type { ObservedEnvironment, ObservedProject } from "../../../src/model/observed.ts";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import { renderPlanJson } from "../../../src/plan/render-json.ts";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { renderPlanText } from "../../../src/plan/render-text.ts";
import type { PlanStep } from "../../../src/plan/types.ts";
import { appDetail, liveApp, liveDomain, liveEnvironment, liveProject } from "../../helpers/live-builders.ts";

const INSTANCE = "default";
const PROJECTS = ["alpha", "beta"];
const ENVS = ["production", "staging"];
const APPS = ["web", "api"];
const HOSTS = ["a.test", "b.test"];
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
const envSpec = fc.record({ name: fc.constantFrom(...ENVS), v: variant, apps: fc.array(appSpec, { maxLength: 2 }), others: fc.boolean() });
const projectSpec = fc.record({ name: fc.constantFrom(...PROJECTS), v: variant, envs: fc.array(envSpec, { maxLength: 2 }) });

type ProjectSpecValue = { name: string; v: Variant; envs: Array<{ name: string; v: Variant; apps: Array<{ name: string; v: Variant; domains: Array<{ host: string; recorded: string }> }>; others: boolean }> };

function buildLive(specs: ProjectSpecValue[]): ObservedProject[] {
  return specs.map((p) => {
    const pid = nextId("p");
    const pKey = `Project/${p.name}`;
    const envs: ObservedEnvironment[] = [];
    const production = p.envs.find((e) => e.name === "production");
    const envList = [{ name: "production", v: p.v === "none" ? "none" : "ours", apps: production?.apps ?? [], others: false, isDefault: true }, ...p.envs.filter((e: { name: string }) => e.name !== "production").map((e: object) => ({ ...e, isDefault: false }))];
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
        const detail: ApplicationDetail = appDetail(a.name, {
          applicationId: aid, description: describeAs(a.v, aKey, aid, `Application/${p.name}/${e.name}/zzz`, recs), domains: rows,
          // A live env may hold the secret a reference reaches (hidden, never shown).
          env: a.domains.length % 2 === 0 ? `R0=pg://app:${CANARY}@x/db` : null,
        });
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

/** A secret reached through references: it must never be printed. */
const CANARY = "canary-secret-4d1f9b";
type RefKind = "host" | "name" | "url" | "composed" | "args";
const refSpec = fc.record({ from: fc.nat(7), to: fc.nat(7), kind: fc.constantFrom<RefKind>("host", "name", "url", "composed", "args") });

const desiredSpec = fc.record({
  projects: fc.subarray(PROJECTS),
  adopt: fc.boolean(),
  envs: fc.subarray(ENVS),
  apps: fc.subarray(APPS),
  domains: fc.subarray(HOSTS),
  refs: fc.array(refSpec, { maxLength: 8 }),
});

type DesiredSpecValue = { projects: string[]; adopt: boolean; envs: string[]; apps: string[]; domains: string[]; refs: Array<{ from: number; to: number; kind: RefKind }> };

/**
 * The env and args of each application (`env/app`), from the generated
 * references: an application references only applications before it (and
 * their domains) or its own domain, so the graph has no cycle.
 */
function wiring(d: DesiredSpecValue): Map<string, { env: string[]; args: string[] }> {
  const nodes = d.envs.flatMap((e) => d.apps.map((a) => ({ e, a })));
  const out = new Map(nodes.map((n) => [`${n.e}/${n.a}`, { env: [] as string[], args: [] as string[] }]));
  d.refs.forEach((r, i) => {
    if (nodes.length === 0) return;
    const i0 = r.from % nodes.length;
    const from = nodes[i0]!;
    // An earlier application, or (when there is none, or one in three times) itself.
    const to = i0 === 0 || r.to % 3 === 0 ? from : nodes[i0 - 1 - (r.to % i0)]!;
    const self = from === to;
    const target = `Application/${to.e}/${to.a}`;
    const w = out.get(`${from.e}/${from.a}`)!;
    switch (r.kind) {
      case "host":
        if (!self) w.env.push(`R${i}: { ref: ${target}, field: host }`);
        break;
      case "name":
        w.env.push(`R${i}: { ref: ${target}, field: name }`);
        break;
      case "url":
        if (d.domains.length > 0) w.env.push(`R${i}: { ref: Domain/${to.e}/${to.a}/dom0, field: url }`);
        break;
      case "composed":
        if (!self) w.env.push(`R${i}: { format: "pg://app:{pw}@{h}/db", args: { pw: { fromEnv: CANARY_PW }, h: { ref: ${target}, field: host } } }`);
        break;
      case "args":
        if (!self) w.args.push(`{ ref: ${target}, field: appName }`);
        break;
    }
  });
  return out;
}

function buildYaml(d: DesiredSpecValue): string {
  const ann = d.adopt ? ', annotations: { dokploy-gitops/adopt: "true" }' : "";
  const docs: string[] = [];
  const wires = wiring(d);
  for (const p of d.projects) {
    docs.push(`apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${p}${ann} }\nspec: {}`);
    for (const e of d.envs) {
      docs.push(`apiVersion: dokploy-gitops/v1\nkind: Environment\nmetadata: { name: ${e}, project: ${p}${ann} }\nspec: {}`);
      for (const a of d.apps) {
        const w = wires.get(`${e}/${a}`)!;
        const extra = `${w.env.length > 0 ? `, env: { ${w.env.join(", ")} }` : ""}${w.args.length > 0 ? `, args: [${w.args.join(", ")}]` : ""}`;
        docs.push(`apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: ${a}, project: ${p}, environment: ${e}${ann} }\nspec: { source: { type: docker, image: "nginx:2" }${extra} }`);
        d.domains.forEach((h, i) => {
          docs.push(`apiVersion: dokploy-gitops/v1\nkind: Domain\nmetadata: { name: dom${i}, project: ${p}, environment: ${e}, application: ${a}${ann} }\nspec: { host: ${a}.${e}.${p}.${h} }`);
        });
      }
    }
  }
  return docs.join("\n---\n");
}

const WRITES = new Set(["update", "adopt", "delete", "orphan"]);
const APPLIED = new Set(["create", "update", "adopt", "delete", "orphan"]);

/**
 * Every applied step comes after the applied steps of what it references
 * (its own domain's URL excepted: the manifest decides it), a value "known
 * after apply" belongs to a target this apply creates, and the applied
 * steps can all run (their order has no cycle).
 */
function expectReferencesOrdered(steps: PlanStep[]): void {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  for (const s of steps) {
    if (!APPLIED.has(s.action)) continue;
    for (const r of s.references ?? []) {
      const target = byKey.get(r.target);
      if (r.within || !target || !APPLIED.has(target.action)) continue;
      expect(s.dependsOn, `${s.key} waits for ${r.target}`).toContain(r.target);
    }
    for (const c of s.changes) {
      if (c.pending !== "after-apply") continue;
      expect((s.references ?? []).some((r) => byKey.get(r.target)?.action === "create"), `${s.key} ${c.path}: known after apply, so something it references is created`).toBe(true);
    }
  }
  // Kahn's algorithm over the applied steps, as the applier runs them.
  const applied = steps.filter((s) => APPLIED.has(s.action));
  const keys = new Set(applied.map((s) => s.key));
  const waiting = new Map(applied.map((s) => [s.key, new Set(s.dependsOn.filter((k) => keys.has(k)))]));
  let progress = true;
  while (progress && waiting.size > 0) {
    progress = false;
    for (const [key, deps] of waiting) {
      if ([...deps].some((k) => waiting.has(k))) continue;
      waiting.delete(key);
      progress = true;
    }
  }
  expect([...waiting.keys()], "steps whose dependencies can never be met").toEqual([]);
}

const settingsSpec = fc.record({ prune: fc.boolean(), allowEmpty: fc.boolean(), maxDeletions: fc.integer({ min: 0, max: 20 }) });

/** Desired trees that always hold applications wired by references. */
const wiredSpec = fc.record({
  projects: fc.subarray(PROJECTS, { minLength: 1 }),
  adopt: fc.boolean(),
  envs: fc.subarray(ENVS, { minLength: 1 }),
  apps: fc.subarray(APPS, { minLength: 1 }),
  domains: fc.subarray(HOSTS),
  refs: fc.array(refSpec, { minLength: 1, maxLength: 8 }),
});

/**
 * A wired desired tree with a live state made from it: mostly ours, some
 * applications missing (created by the plan, so their hosts are known after
 * apply), some pending or foreign (references to them cannot be resolved).
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
      apps: fc.subarray(want.apps).chain((apps) => fc.tuple(...apps.map((a) => fc.record({
        name: fc.constant(a), v: fc.constantFrom<Variant>("ours", "ours", "ours", "pending", "foreign"), domains: fc.array(domainSpec, { maxLength: 1 }),
      })))),
    }))),
  }))),
}));

describe("ownership property", () => {
  it("never plans a write or delete on an object that is not ours or adopted", () => {
    fc.assert(fc.property(fc.array(projectSpec, { maxLength: 3 }), desiredSpec, settingsSpec, checkPlan), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261121) });
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
  secrets.set({ fromEnv: "CANARY_PW" }, CANARY);
  const plan = planReconcile({ desired, observed: { projects }, secrets, settings: { instance: INSTANCE, ...settings } });
  expectReferencesOrdered(plan.steps);
  if (plan.steps.some((s) => s.references !== undefined)) {
    for (const text of [renderPlanText(plan), renderPlanMarkdown(plan), renderPlanJson(plan)]) expect(text.includes(CANARY), "a rendering printed the secret").toBe(false);
  }

  // Index every live object by id.
  type Obj = { kind: string; id: string; description: string | null; isDefault?: boolean; parentProject?: string; app?: ApplicationDetail };
  const objects = new Map<string, Obj>();
  const domainParent = new Map<string, ApplicationDetail>();
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
