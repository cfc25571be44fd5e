/**
 * Engine journeys 11, 12 and 14 (issue 4): a broken revision makes no API
 * call at all; secrets reach Dokploy resolved but never the output, and an
 * unresolvable one stops apply before its first write; lost answers to
 * creates never leave duplicates behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { TEST_API_KEY, startTestSimulator } from "../../helpers/simulator.ts";
import {
  Scratch, allApplications, application, envMap, expectExit, markerOf, project, runEngine, writeCalls, type ManifestTree,
} from "./support.ts";

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe("journey 11: a revision that fails validation", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
    tree.edit("shop.yaml", "replicas: 2", "replicas: two");
  });
  afterAll(() => sim?.close());

  const position = (): string => {
    const lines = tree.read("shop.yaml").split("\n");
    const line = lines.findIndex((l) => l.includes("replicas: two"));
    return `shop.yaml:${line + 1}:${lines[line]!.indexOf("two") + 1}`;
  };

  it.each([["plan"], ["apply"]] as const)("%s makes zero API calls and exits 1 with file:line:column", async (command) => {
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, command, tree.dir, ["--prune"]), 1);
    expect(sim.control.calls()).toEqual([]);
    expect(r.stderr).toContain(`${position()}: error: Application/web: /spec/replicas: expected integer >= 0, got "two"`);
  });
});

describe("journey 12: secrets", () => {
  const CANARY = "canary-secret-9f1c2e7d";
  const ROTATED = "rotated-secret-4b8a0c31";
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  const outputs: string[] = [];
  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
    tree.edit("shop.yaml", "    NODE_ENV: production\n", "    NODE_ENV: production\n    DB_PASSWORD:\n      fromEnv: SHOP_DB_PASSWORD\n");
  });
  afterAll(() => sim?.close());

  const run = async (command: "plan" | "apply", args: string[], env: Record<string, string>, code: number): Promise<string> => {
    const r = expectExit(await runEngine(sim, command, tree.dir, args, { env }), code);
    const all = `${r.stdout}\n${r.stderr}`;
    outputs.push(all);
    return all;
  };

  it("with the variable unset, apply refuses before any write and names the variable", async () => {
    sim.control.resetCalls();
    const out = await run("apply", [], {}, 1);
    expect(out).toContain("SecretResolutionFailed");
    expect(out).toContain("SHOP_DB_PASSWORD");
    expect(writeCalls(sim.control.calls())).toEqual([]);
    expect(sim.control.state().projects).toEqual([]);
  });

  it("sends the resolved value to Dokploy, and no plan or apply output shows it", async () => {
    const env = { SHOP_DB_PASSWORD: CANARY };
    await run("plan", [], env, 0);
    await run("plan", ["--output", "json"], env, 0);
    await run("plan", ["--output", "markdown"], env, 0);
    await run("apply", [], env, 0);
    const web = application(sim.control.state(), "shop", "production", "web");
    expect(envMap(web.env as string)).toEqual({ NODE_ENV: "production", DB_PASSWORD: CANARY });
    await run("plan", ["--detailed-exitcode"], env, 0);
    await run("apply", ["--output", "json"], env, 0);
  });

  it("a rotated value is planned as a changed secret, applied with a deploy, and shown by neither value", async () => {
    const env = { SHOP_DB_PASSWORD: ROTATED };
    const plan = await run("plan", ["--detailed-exitcode"], env, 2);
    expect(plan).toContain("/spec/env/DB_PASSWORD");
    sim.control.resetCalls();
    await run("apply", [], env, 0);
    expect(sim.control.calls().filter((c) => c.endpoint === "application.deploy")).toHaveLength(1);
    expect(envMap(application(sim.control.state(), "shop", "production", "web").env as string).DB_PASSWORD).toBe(ROTATED);
  });

  it("with the variable unset on a live server, apply refuses before any write", async () => {
    sim.control.resetCalls();
    tree.edit("shop.yaml", "NODE_ENV: production", "NODE_ENV: staging");
    await run("apply", [], {}, 1);
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });

  it("no output of any run contained a secret value or the API key", () => {
    expect(outputs.length).toBeGreaterThanOrEqual(9);
    for (const out of outputs) {
      expect(out).not.toContain(CANARY);
      expect(out).not.toContain(ROTATED);
      expect(out).not.toContain(TEST_API_KEY);
    }
  });
});

describe("journey 14: lost answers to creates", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    sim = await startTestSimulator();
    tree = scratch.tree("basic");
  });
  afterAll(() => sim?.close());

  it("apply, then apply again, converges with no duplicates", async () => {
    sim.control.setFaults([
      { route: "project.create", lostResponseRate: 1, count: 1 },
      { route: "environment.create", lostResponseRate: 1, count: 1 },
      { route: "application.create", lostResponseRate: 1, count: 2 },
      { route: "domain.create", lostResponseRate: 1, count: 2 },
    ]);
    const first = await runEngine(sim, "apply", tree.dir);
    expect([0, 1], `first apply:\n${first.stdout}\n${first.stderr}`).toContain(first.code);
    expect(sim.control.calls().filter((c) => c.status === "lost").map((c) => c.endpoint).sort()).toEqual([
      "application.create", "application.create", "domain.create", "domain.create", "environment.create", "project.create",
    ]);
    sim.control.clearFaults();
    expectExit(await runEngine(sim, "apply", tree.dir), 0);
    await sim.control.idle(10_000);

    const s = sim.control.state();
    expect(s.projects.map((p) => p.name).sort()).toEqual(["blog", "shop"]);
    expect(project(s, "shop").environments.map((e) => e.name).sort()).toEqual(["production", "staging"]);
    const apps = allApplications(s);
    expect(apps.map((a) => a.path).sort()).toEqual(["blog/production/site", "shop/production/web", "shop/staging/api"]);
    for (const { path, app } of apps) {
      const marker = markerOf(app.description, path);
      expect(marker.id, `${path}: complete marker`).toBe(app.applicationId);
      expect(marker.dirty, `${path}: not dirty`).toBeUndefined();
      expect(app.domains, `${path}: one domain`).toHaveLength(1);
      expect(Object.values(marker.domains ?? {}).map((d) => d.id), `${path}: domain recorded`).toEqual([app.domains[0]!.domainId]);
    }
    for (const p of s.projects) expect(markerOf(p.description, p.name).id).toBe(p.projectId);
    expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
  });
});
