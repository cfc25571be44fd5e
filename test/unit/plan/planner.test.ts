import { describe, expect, it } from "vitest";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import type { ObservedProject } from "../../../src/model/observed.ts";
import type { PlanSettings, PlanStep } from "../../../src/plan/types.ts";
import { appDetail, desiredFrom, liveApp, liveDomain, liveEnvironment, liveProject, marked } from "../../helpers/live-builders.ts";

const SETTINGS: PlanSettings = { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 };

const PROJECT = `
apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
spec: {}
`;
const APP = (extra = "", name = "web") => `
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: ${name}, project: shop, environment: production${extra} }
spec:
  source: { type: docker, image: "nginx:1" }
`;
const DOMAIN = (host: string, extra = "") => `
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: www, project: shop, environment: production, application: web${extra} }
spec: { host: ${host} }
`;

function plan(yaml: string, projects: ObservedProject[], settings: Partial<PlanSettings> = {}, secrets = new SecretValues()) {
  return planReconcile({ desired: desiredFrom(yaml), observed: { projects }, secrets, settings: { ...SETTINGS, ...settings } });
}

const byKey = (steps: PlanStep[], key: string): PlanStep => {
  const s = steps.find((x) => x.key === key);
  if (!s) throw new Error(`no step ${key}; have ${steps.map((x) => `${x.key}:${x.action}`).join(", ")}`);
  return s;
};

/** A live tree that is exactly what PROJECT + APP() + DOMAIN(www.shop.test) describe, owned by us. */
function ownedTree(opts: { app?: Parameters<typeof appDetail>[1]; domains?: Record<string, { host: string; path: string; id?: string }>; appDescription?: string } = {}): ObservedProject {
  const domains = opts.domains ?? { www: { host: "www.shop.test", path: "/", id: "d-www.shop.test" } };
  const detail = appDetail("web", {
    description: opts.appDescription ?? marked("Application/shop/production/web", "a-web", { domains }),
    domains: [liveDomain("www.shop.test")],
    ...opts.app,
  });
  return liveProject("shop", {
    description: marked("Project/shop", "p-shop"),
    environments: [liveEnvironment("production", { id: "e-prod", isDefault: true, description: "Production environment", applications: [liveApp(detail)] })],
  });
}

describe("planReconcile: creates", () => {
  it("plans every resource as create on an empty Dokploy, parents first", () => {
    const p = plan(PROJECT + APP() + DOMAIN("www.shop.test"), []);
    expect(p.steps.map((s) => `${s.action} ${s.key}`)).toEqual([
      "create Project/shop",
      "create Application/shop/production/web",
      "create Domain/shop/production/web/www",
    ]);
    const app = byKey(p.steps, "Application/shop/production/web");
    expect(app.deploy).toBe(true);
    expect(app.parentKey).toBe("Environment/shop/production");
    expect(app.dependsOn).toEqual(["Project/shop"]);
    expect(byKey(p.steps, "Domain/shop/production/web/www").dependsOn).toEqual(["Application/shop/production/web"]);
    expect(p.summary.counts.create).toBe(3);
  });

  it("configures the production environment of a new project instead of creating it", () => {
    const yaml = `${PROJECT}---
apiVersion: dokploy-gitops/v1
kind: Environment
metadata: { name: production, project: shop }
spec: { description: Live }
`;
    const env = byKey(plan(yaml, []).steps, "Environment/shop/production");
    expect(env.action).toBe("create");
    expect(env.reasons.join(" ")).toMatch(/created by Dokploy with its project/);
    expect(env.changes).toEqual([{ path: "/spec/description", op: "replace", before: "Production environment", after: "Live" }]);
  });

  it("does not deploy an application declared stopped", () => {
    expect(byKey(plan(PROJECT + APP().replace("spec:", "spec:\n  state: stopped"), []).steps, "Application/shop/production/web").deploy).toBe(false);
  });
});

describe("planReconcile: owned and in sync", () => {
  it("is all no-op when live matches the manifests", () => {
    const p = plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree()]);
    expect(p.steps.map((s) => s.action)).toEqual(["noop", "noop", "noop"]);
    expect(p.summary.changes).toBe(0);
  });

  it("shows exactly the changed field, and deploys for a deploy-relevant change", () => {
    const p = plan(PROJECT + APP().replace('"nginx:1"', '"nginx:2"') + DOMAIN("www.shop.test"), [ownedTree()]);
    const app = byKey(p.steps, "Application/shop/production/web");
    expect(app.action).toBe("update");
    expect(app.changes).toEqual([{ path: "/spec/source/image", op: "replace", before: "nginx:1", after: "nginx:2" }]);
    expect(app.deploy).toBe(true);
  });

  it("updates a domain without a deploy", () => {
    const p = plan(PROJECT + APP() + DOMAIN("www.shop.test").replace("spec: { host: www.shop.test }", "spec: { host: www.shop.test, port: 8080 }"), [ownedTree()]);
    const d = byKey(p.steps, "Domain/shop/production/web/www");
    expect(d.action).toBe("update");
    expect(d.changes).toEqual([{ path: "/spec/port", op: "replace", before: 3000, after: 8080 }]);
    expect(byKey(p.steps, "Application/shop/production/web").deploy).toBe(false);
  });

  it("renames back an owned object renamed in the UI (identity is the marker, not the name)", () => {
    const tree = ownedTree();
    const app = tree.environments[0]!.applications[0]!;
    app.name = "web-renamed";
    app.detail!.name = "web-renamed";
    const step = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [tree]).steps, "Application/shop/production/web");
    expect(step.action).toBe("update");
    expect(step.changes).toEqual([{ path: "/metadata/name", op: "replace", before: "web-renamed", after: "web" }]);
  });

  it("hides live env values and compares secrets without emitting them", () => {
    const tree = ownedTree({ app: { env: "LOG=info\nTOKEN=old-secret-value" } });
    const secrets = new SecretValues();
    secrets.set({ fromEnv: "TOKEN_VAR" }, "new-secret-value");
    const yaml = PROJECT + APP().replace("spec:", "spec:\n  env: { LOG: debug, TOKEN: { fromEnv: TOKEN_VAR } }") + DOMAIN("www.shop.test");
    const step = byKey(plan(yaml, [tree], {}, secrets).steps, "Application/shop/production/web");
    expect(step.changes).toEqual([
      { path: "/spec/env/LOG", op: "replace", before: "(hidden)", after: "debug" },
      { path: "/spec/env/TOKEN", op: "replace", secret: "changed" },
    ]);
    expect(JSON.stringify(step.changes)).not.toMatch(/secret-value/);
  });

  it("reports an unchanged secret as no change, and an unresolved one as a warning only", () => {
    const tree = ownedTree({ app: { env: "TOKEN=same" } });
    const yaml = PROJECT + APP().replace("spec:", "spec:\n  env: { TOKEN: { fromEnv: TOKEN_VAR } }") + DOMAIN("www.shop.test");
    const resolved = new SecretValues();
    resolved.set({ fromEnv: "TOKEN_VAR" }, "same");
    expect(byKey(plan(yaml, [tree], {}, resolved).steps, "Application/shop/production/web").action).toBe("noop");
    const p = plan(yaml, [tree]);
    expect(byKey(p.steps, "Application/shop/production/web").action).toBe("noop");
    expect(p.warnings.join("\n")).toMatch(/\/spec\/env\/TOKEN could not be resolved/);
  });
});

describe("planReconcile: deploys and lifecycle", () => {
  it("deploys when the marker says a previous apply did not finish deploying", () => {
    const desc = marked("Application/shop/production/web", "a-web", { dirty: true, domains: { www: { host: "www.shop.test", path: "/", id: "d-www.shop.test" } } });
    const step = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree({ appDescription: desc })]).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true, markerWrite: true });
  });

  it("deploys an owned application that was never deployed", () => {
    const step = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree({ app: { deployments: [], applicationStatus: "idle" } })]).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true });
  });

  it("stops a running application declared stopped, and starts a stopped one declared running", () => {
    const stopped = byKey(plan(PROJECT + APP().replace("spec:", "spec:\n  state: stopped") + DOMAIN("www.shop.test"), [ownedTree()]).steps, "Application/shop/production/web");
    expect(stopped).toMatchObject({ action: "update", lifecycle: "stop", deploy: false });
    const started = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree({ app: { applicationStatus: "idle" } })]).steps, "Application/shop/production/web");
    expect(started).toMatchObject({ action: "update", lifecycle: "start" });
  });

  it("deploys (does not start) a stopped application declared with several replicas: Dokploy's start runs one", () => {
    const yaml = PROJECT + APP().replace("spec:", "spec:\n  replicas: 3") + DOMAIN("www.shop.test");
    const step = byKey(plan(yaml, [ownedTree({ app: { applicationStatus: "idle", replicas: 3 } })]).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true });
    expect(step.lifecycle).toBeUndefined();
    expect(step.reasons.join(" ")).toMatch(/start runs 1 replica; deploying to run 3/);
  });

  it.each(["cancelled", "error"] as const)("deploys (does not start) an idle application whose newest deployment ended %s", (status) => {
    const dep = (id: string, st: string, createdAt: string) => ({ deploymentId: id, title: "x", description: null, status: st, logPath: "", applicationId: "a-web", composeId: null, createdAt, startedAt: null, finishedAt: null, errorMessage: null });
    // Listed newest last: the order Dokploy returns is not relied on.
    const deployments = [dep("d2", status, "2026-03-01T00:00:00.000Z"), dep("d1", "done", "2026-02-01T00:00:00.000Z")] as never;
    const step = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree({ app: { applicationStatus: "idle", deployments } })]).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true });
    expect(step.lifecycle).toBeUndefined();
    // The same application idle after a deployment that finished is only started.
    const done = [dep("d2", "done", "2026-03-01T00:00:00.000Z"), dep("d1", status, "2026-02-01T00:00:00.000Z")] as never;
    expect(byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree({ app: { applicationStatus: "idle", deployments: done } })]).steps, "Application/shop/production/web")).toMatchObject({ lifecycle: "start", deploy: false });
  });
});

describe("planReconcile: ownership", () => {
  it.each([
    ["no marker", null, /was not created by dokploy-gitops/],
    ["another instance", marked("Project/shop", "p-shop", {}, "", "other"), /another dokploy-gitops instance \("other"\)/],
    ["a copied marker", marked("Project/shop", "p-original"), /copied ownership marker/],
    ["an unreadable marker", "dokploy-gitops:managed {not json", /unreadable/],
  ])("reports a same-name project with %s as a conflict and plans nothing under it", (_label, description, reason) => {
    const p = plan(PROJECT + APP(), [liveProject("shop", { description })]);
    expect(p.steps.map((s) => `${s.action} ${s.key}`)).toEqual(["conflict Project/shop", "conflict Application/shop/production/web"]);
    expect(p.steps[0]!.reasons.join("\n")).toMatch(reason);
  });

  it("adopts an unowned same-name project when the manifest says so", () => {
    const p = plan(PROJECT.replace("name: shop }", 'name: shop, annotations: { dokploy-gitops/adopt: "true" } }'), [liveProject("shop")]);
    expect(p.steps[0]).toMatchObject({ action: "adopt", dokployId: "p-shop", markerWrite: true });
  });

  it("never adopts another instance's object", () => {
    const p = plan(PROJECT.replace("name: shop }", 'name: shop, annotations: { dokploy-gitops/adopt: "true" } }'), [liveProject("shop", { description: marked("Project/shop", "p-shop", {}, "", "other") })]);
    expect(p.steps[0]!.action).toBe("conflict");
  });

  it("touches neither of two objects claiming one identity", () => {
    const p = plan(PROJECT, [
      liveProject("shop", { id: "p1", description: marked("Project/shop", "p1") }),
      liveProject("shop", { id: "p2", description: marked("Project/shop", "p2") }),
    ], { prune: true });
    expect(p.steps.map((s) => s.action)).toEqual(["conflict"]);
    expect(p.steps[0]!.reasons[0]).toMatch(/2 objects in Dokploy claim this identity/);
  });

  it("completes a sole pending marker (a create interrupted before the id was written)", () => {
    const p = plan(PROJECT, [liveProject("shop", { description: marked("Project/shop", undefined) })]);
    expect(p.steps[0]).toMatchObject({ action: "update", markerWrite: true, dokployId: "p-shop" });
  });

  it("reports an unowned application of the same name in an owned environment as a conflict", () => {
    const tree = liveProject("shop", {
      description: marked("Project/shop", "p-shop"),
      environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(appDetail("web"), false)] })],
    });
    const step = byKey(plan(PROJECT + APP(), [tree]).steps, "Application/shop/production/web");
    expect(step.action).toBe("conflict");
  });

  it("reports an unowned domain with the desired host in an owned application as a conflict, or adopts it", () => {
    const tree = ownedTree({ domains: {} });
    expect(byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [tree]).steps, "Domain/shop/production/web/www").action).toBe("conflict");
    const adopted = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test", ', annotations: { dokploy-gitops/adopt: "true" }'), [ownedTree({ domains: {} })]).steps, "Domain/shop/production/web/www");
    expect(adopted).toMatchObject({ action: "adopt", dokployId: "d-www.shop.test" });
  });

  it("claims a domain recorded as an intent (crash between create and record) by host and path", () => {
    const step = byKey(plan(PROJECT + APP() + DOMAIN("www.shop.test"), [ownedTree({ domains: { www: { host: "www.shop.test", path: "/" } } })]).steps, "Domain/shop/production/web/www");
    expect(step).toMatchObject({ action: "update", dokployId: "d-www.shop.test", markerWrite: true });
  });
});

describe("planReconcile: pruning and its guards", () => {
  const tree = (): ObservedProject => ownedTree();

  it("lists owned objects whose manifests were removed as would-prune without --prune", () => {
    const p = plan(PROJECT, [tree()]);
    expect(p.steps.filter((s) => s.action === "would-prune").map((s) => s.key)).toEqual(["Domain/shop/production/web/www", "Application/shop/production/web"]);
  });

  it("deletes them with --prune, children first", () => {
    const p = plan(PROJECT, [tree()], { prune: true });
    const removals = p.steps.filter((s) => s.action === "delete");
    expect(removals.map((s) => s.key)).toEqual(["Domain/shop/production/web/www", "Application/shop/production/web"]);
    expect(byKey(p.steps, "Application/shop/production/web").dependsOn).toEqual(["Domain/shop/production/web/www"]);
  });

  it("releases instead of deleting with deletion-policy orphan (recorded in the marker)", () => {
    const t = ownedTree({ appDescription: marked("Application/shop/production/web", "a-web", { policy: "orphan", domains: { www: { host: "www.shop.test", path: "/", id: "d-www.shop.test" } } }) });
    const p = plan(PROJECT, [t], { prune: true });
    expect(byKey(p.steps, "Application/shop/production/web").action).toBe("orphan");
    expect(p.steps.some((s) => s.key.startsWith("Domain/"))).toBe(false);
  });

  it("refuses to delete an application holding a domain that is not ours", () => {
    const t = tree();
    t.environments[0]!.applications[0]!.detail!.domains.push(liveDomain("hand-made.test"));
    const step = byKey(plan(PROJECT, [t], { prune: true }).steps, "Application/shop/production/web");
    expect(step.action).toBe("would-prune");
    expect(step.reasons.join(" ")).toMatch(/not managed by dokploy-gitops \(hand-made.test\)/);
  });

  it("refuses to delete a project that still holds something not ours (Dokploy would cascade)", () => {
    const t = liveProject("old", {
      description: marked("Project/old", "p-old"),
      environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(appDetail("handmade"), false)], otherServices: [{ kind: "postgres", id: "pg1", name: "db" }] })],
    });
    const step = byKey(plan(PROJECT, [t], { prune: true }).steps, "Project/old");
    expect(step.action).toBe("would-prune");
    expect(step.reasons.join(" ")).toMatch(/application handmade.*postgres db/);
  });

  it("never prunes on a revision with zero manifests unless --allow-empty", () => {
    const empty = { desired: { manifests: [], fileCount: 0 }, observed: { projects: [tree()] }, secrets: new SecretValues() };
    const refused = planReconcile({ ...empty, settings: { ...SETTINGS, prune: true } });
    expect(refused.steps.every((s) => s.action === "would-prune")).toBe(true);
    expect(refused.refusals[0]!.guard).toBe("empty-revision");
    const allowed = planReconcile({ ...empty, settings: { ...SETTINGS, prune: true, allowEmpty: true } });
    expect(allowed.steps.filter((s) => s.action === "delete")).toHaveLength(3);
  });

  it("refuses a plan deleting more than --max-deletions", () => {
    const p = plan(PROJECT, [tree()], { prune: true, maxDeletions: 1 });
    expect(p.steps.filter((s) => s.action === "delete")).toHaveLength(0);
    expect(p.refusals[0]).toMatchObject({ guard: "max-deletions" });
    expect(p.refusals[0]!.message).toMatch(/deletes 2 objects, more than --max-deletions 1/);
  });

  it("does not consider objects of another instance or without a marker for pruning", () => {
    const foreign = liveProject("theirs", { description: marked("Project/theirs", "p-theirs", {}, "", "other") });
    const unmarked = liveProject("mine-by-hand");
    const p = plan(PROJECT, [foreign, unmarked], { prune: true });
    expect(p.steps.map((s) => s.key)).toEqual(["Project/shop"]);
  });
});

describe("planReconcile: deploys queued but not started", () => {
  const NOW = Date.parse("2026-11-21T12:00:00.000Z");
  const queuedTree = (minutesAgo: number, app: Parameters<typeof appDetail>[1]) =>
    ownedTree({
      appDescription: marked("Application/shop/production/web", "a-web", {
        queuedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
        domains: { www: { host: "www.shop.test", path: "/", id: "d-www.shop.test" } },
      }),
      app,
    });
  const planAt = (t: ObservedProject) =>
    planReconcile({ desired: desiredFrom(PROJECT + APP() + DOMAIN("www.shop.test")), observed: { projects: [t] }, secrets: new SecretValues(), settings: SETTINGS, now: NOW });

  it("does not queue a second deploy while ours is queued and not started (Dokploy shows nothing of it)", () => {
    const step = byKey(planAt(queuedTree(5, { deployments: [], applicationStatus: "idle" })).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "noop", deploy: false, markerWrite: false });
    expect(step.reasons.join(" ")).toMatch(/has not started yet; waiting for it/);
  });

  it("does not start an idle application whose redeploy is still queued", () => {
    const step = byKey(planAt(queuedTree(5, { applicationStatus: "idle" })).steps, "Application/shop/production/web");
    expect(step.lifecycle).toBeUndefined();
    expect(step.action).toBe("noop");
  });

  it("deploys at once when our queued deploy started and was cut short (Dokploy restarted mid-build: cancelled, idle)", () => {
    const cancelled = { deploymentId: "dep-2", title: "x", description: null, status: "cancelled" as const, logPath: "", applicationId: "a-web", composeId: null, createdAt: new Date(NOW - 4 * 60_000).toISOString(), startedAt: null, finishedAt: null, errorMessage: null };
    const older = { ...cancelled, deploymentId: "dep-1", status: "done" as const, createdAt: "2026-01-01T00:00:00.000Z" };
    const step = byKey(planAt(queuedTree(5, { applicationStatus: "idle", deployments: [older, cancelled] })).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true });
    expect(step.lifecycle).toBeUndefined();
    expect(step.reasons.join(" ")).toMatch(/idle after a deployment that ended cancelled/);
  });

  it("deploys again once the grace window has passed (a queue lost to a Dokploy restart heals)", () => {
    const step = byKey(planAt(queuedTree(31, { deployments: [], applicationStatus: "idle" })).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true });
  });

  it("still deploys a new configuration change even while an earlier deploy is queued", () => {
    const t = queuedTree(5, { deployments: [], applicationStatus: "idle", dockerImage: "nginx:0" });
    const step = byKey(planAt(t).steps, "Application/shop/production/web");
    expect(step).toMatchObject({ action: "update", deploy: true });
  });
});
