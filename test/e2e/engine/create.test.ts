/**
 * Engine journeys 1, 2 and 8 (issue 4): apply a tree to an empty Dokploy,
 * then plan again; the real CLI as a child process against an in-process
 * simulator over HTTP, checked through the simulator's state and call log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import { MARKER_PREFIX } from "../../../src/model/marker.ts";
import { callApi, startTestSimulator } from "../../helpers/simulator.ts";
import {
  Scratch, application, callCounts, envMap, environment, expectExit, markerOf, project, runEngine, textOf, writeCalls,
} from "./support.ts";

const scratch = new Scratch();
let sim: SimulatorHandle;
let state: SimulatorState;
let dir: string;
let applyOut: string;
let firstPlanCalls: ReturnType<SimulatorHandle["control"]["calls"]>;
let applyCalls: ReturnType<SimulatorHandle["control"]["calls"]>;

beforeAll(async () => {
  sim = await startTestSimulator();
  dir = scratch.tree("basic").dir;
  expectExit(await runEngine(sim, "plan", dir, ["--revision", "r1"]), 0);
  firstPlanCalls = sim.control.calls();
  sim.control.resetCalls();
  applyOut = expectExit(await runEngine(sim, "apply", dir, ["--revision", "r1"]), 0).stdout;
  await sim.control.idle(10_000);
  applyCalls = sim.control.calls();
  state = sim.control.state();
}, 90_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

/** The marker must be the description's last line and name the object's own id. */
function expectOwnMarker(description: string | null, key: string, id: string): void {
  expect(description!.split("\n").at(-1)!.startsWith(MARKER_PREFIX)).toBe(true);
  expect(markerOf(description, key)).toMatchObject({ v: 1, instance: "default", key, id });
}

describe("journey 1: create from empty", () => {
  it("reports every create and a complete summary", () => {
    expect(applyOut).toContain("Apply complete: 10 created, 0 updated, 0 adopted, 0 deleted, 0 released, 0 failed.");
    expect(applyOut).toMatch(/✓ create {2}application\/shop\/production\/web \(.*deploy done/);
  });

  it("creates exactly the declared objects", () => {
    expect(state.projects.map((p) => p.name).sort()).toEqual(["blog", "shop"]);
    expect(project(state, "shop").environments.map((e) => e.name).sort()).toEqual(["production", "staging"]);
    expect(project(state, "blog").environments.map((e) => e.name)).toEqual(["production"]);
    const apps = state.projects.flatMap((p) => p.environments.flatMap((e) => e.applications.map((a) => `${p.name}/${e.name}/${a.name}`)));
    expect(apps.sort()).toEqual(["blog/production/site", "shop/production/web", "shop/staging/api"]);
    const domains = state.projects.flatMap((p) => p.environments.flatMap((e) => e.applications.flatMap((a) => a.domains.map((d) => d.host))));
    expect(domains.sort()).toEqual(["api.staging.example.com", "blog.example.com", "shop.example.com"]);
  });

  it("puts the ownership marker, with the object's own id, on the last line of every description", () => {
    const shop = project(state, "shop");
    expectOwnMarker(shop.description, "Project/shop", shop.projectId);
    expect(textOf(shop.description)).toBe("The web shop");
    const blog = project(state, "blog");
    expectOwnMarker(blog.description, "Project/blog", blog.projectId);
    const staging = environment(state, "shop", "staging");
    expectOwnMarker(staging.description, "Environment/shop/staging", staging.environmentId);
    expect(textOf(staging.description)).toBe("Every merge lands here first");
    for (const [p, e, a] of [["shop", "production", "web"], ["shop", "staging", "api"], ["blog", "production", "site"]] as const) {
      const app = application(state, p, e, a);
      expectOwnMarker(app.description, `Application/${p}/${e}/${a}`, app.applicationId);
      expect(markerOf(app.description, a).dirty).toBeUndefined();
    }
  });

  it("records each domain, with its id, in its application's marker", () => {
    for (const [p, e, a, name] of [["shop", "production", "web", "public"], ["shop", "staging", "api", "public"], ["blog", "production", "site", "main"]] as const) {
      const app = application(state, p, e, a);
      expect(app.domains).toHaveLength(1);
      const d = app.domains[0]!;
      expect(markerOf(app.description, a).domains).toEqual({ [name]: { host: d.host, path: d.path ?? "/", id: d.domainId } });
    }
  });

  it("configures sources, build types, env, replicas and domains as written", () => {
    expect(envMap(project(state, "shop").env)).toEqual({ LOG_LEVEL: "info" });
    const web = application(state, "shop", "production", "web");
    expect(web).toMatchObject({ sourceType: "github", owner: "example-shop", repository: "storefront", branch: "main", buildType: "static", publishDirectory: "dist", isStaticSpa: true, replicas: 2 });
    expect(envMap(web.env as string)).toEqual({ NODE_ENV: "production" });
    expect(web.domains[0]).toMatchObject({ host: "shop.example.com", port: 3000, https: true, certificateType: "letsencrypt" });
    const api = application(state, "shop", "staging", "api");
    expect(api).toMatchObject({ sourceType: "git", customGitUrl: "https://git.example.com/shop/api.git", customGitBranch: "develop", buildType: "dockerfile", dockerfile: "deploy/Dockerfile" });
    expect(api.domains[0]).toMatchObject({ host: "api.staging.example.com", path: "/v1", port: 8080, https: false });
    const site = application(state, "blog", "production", "site");
    expect(site).toMatchObject({ sourceType: "docker", dockerImage: "ghost:5" });
    expect(envMap(site.env as string)).toEqual({ url: "https://blog.example.com" });
  });

  it("deploys every application to done", () => {
    for (const [p, e, a] of [["shop", "production", "web"], ["shop", "staging", "api"], ["blog", "production", "site"]] as const) {
      const app = application(state, p, e, a);
      expect(app.deployments.map((d) => d.status)).toEqual(["done"]);
      expect(app.applicationStatus).toBe("done");
    }
  });
});

describe("journey 2: a second plan reads only", () => {
  it("the first plan (empty Dokploy) called project.all and nothing else", () => {
    expect(callCounts(firstPlanCalls)).toEqual({ "project.all": 1 });
  });

  it("exits 0 with no changes, at the cost of project.all + project.one per project + application.one per application", async () => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "plan", dir, ["--detailed-exitcode"]), 0);
    expect(r.stdout).toContain("No changes. Dokploy matches the manifests.");
    expect(r.stdout).toContain("10 unchanged. 6 API calls.");
    const calls = sim.control.calls();
    expect(callCounts(calls)).toEqual({ "project.all": 1, "project.one": 2, "application.one": 3 });
    expect(writeCalls(calls)).toEqual([]);
    expect(calls.every((c) => c.method === "GET")).toBe(true);
  });

  it("--output json says the same: zero changes, ten no-ops", async () => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "plan", dir, ["--output", "json", "--detailed-exitcode"]), 0);
    const plan = JSON.parse(r.stdout) as { summary: { changes: number; counts: Record<string, number> } };
    expect(plan.summary.changes).toBe(0);
    expect(plan.summary.counts.noop).toBe(10);
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });
});

describe("journey 8: the production environment of a created project", () => {
  it("is configured (description, env) and marked, never renamed", () => {
    const prod = environment(state, "shop", "production");
    expect(prod.isDefault).toBe(true);
    expect(textOf(prod.description)).toBe("Customers use this one");
    expect(envMap(prod.env)).toEqual({ PUBLIC_URL: "https://shop.example.com" });
    expectOwnMarker(prod.description, "Environment/shop/production", prod.environmentId);
  });

  it("was written with environment.update calls that never carried a name", () => {
    const prod = environment(state, "shop", "production");
    const updates = applyCalls.filter((c) => c.endpoint === "environment.update" && (c.body as { environmentId?: string }).environmentId === prod.environmentId);
    expect(updates.length).toBeGreaterThan(0);
    for (const c of updates) expect(c.body).not.toHaveProperty("name");
    expect(applyCalls.filter((c) => c.endpoint === "environment.create").map((c) => (c.body as { name: string }).name)).toEqual(["staging"]);
  });

  it("the simulator would reject a rename, so the tool must never send one", async () => {
    const prod = environment(state, "shop", "production");
    const res = await callApi(sim, "POST", "environment.update", { environmentId: prod.environmentId, name: "prod" });
    expect(res.status).toBe(400);
    expect(environment(sim.control.state(), "shop", "production").name).toBe("production");
  });
});
