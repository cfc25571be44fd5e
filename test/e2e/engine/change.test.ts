/**
 * Engine journey 3 (issue 4): change one field, see exactly that diff in
 * `plan` (text and JSON), apply it, and see a deploy only where the change
 * takes effect on deploy (an env var, a replica count), never for a domain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, application, envMap, expectExit, markerOf, runEngine, writeCalls, type ManifestTree } from "./support.ts";

const scratch = new Scratch();
let sim: SimulatorHandle;
let tree: ManifestTree;

interface JsonStep {
  key: string;
  action: string;
  deploy: boolean;
  changes: Array<{ path: string; op: string; before?: unknown; after?: unknown }>;
}

beforeAll(async () => {
  sim = await startTestSimulator();
  tree = scratch.tree("basic");
  expectExit(await runEngine(sim, "apply", tree.dir, ["--revision", "r1"]), 0);
  await sim.control.idle(10_000);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

/** Plans in text and JSON (both must exit 2); returns the text and the steps that are not no-ops. */
async function planChanges(): Promise<{ text: string; steps: JsonStep[] }> {
  sim.control.resetCalls();
  const text = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 2).stdout;
  const json = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode", "--output", "json"]), 2).stdout;
  expect(writeCalls(sim.control.calls())).toEqual([]);
  const steps = (JSON.parse(json) as { steps: JsonStep[] }).steps.filter((s) => s.action !== "noop");
  return { text, steps };
}

/** Applies and returns the calls it made. */
async function applyChanges(): Promise<ReturnType<SimulatorHandle["control"]["calls"]>> {
  sim.control.resetCalls();
  const r = expectExit(await runEngine(sim, "apply", tree.dir), 0);
  expect(r.stdout).toContain("0 created, 1 updated, 0 adopted, 0 deleted, 0 released, 0 failed.");
  await sim.control.idle(10_000);
  return sim.control.calls();
}

/** After an apply, the next plan is clean again. */
async function expectInSync(): Promise<void> {
  const r = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
  expect(r.stdout).toContain("No changes.");
}

describe("journey 3: one field changes", () => {
  it("an env var: exactly that diff, applied with a deploy of that application only", async () => {
    tree.edit("shop.yaml", "NODE_ENV: production", "NODE_ENV: staging");
    const { text, steps } = await planChanges();
    expect(steps).toEqual([expect.objectContaining({ key: "Application/shop/production/web", action: "update", deploy: true })]);
    expect(steps[0]!.changes).toEqual([expect.objectContaining({ path: "/spec/env/NODE_ENV", op: "replace", after: "staging" })]);
    expect(text).toContain("~ application/shop/production/web  (1 field to update)");
    expect(text).toContain("/spec/env/NODE_ENV:");
    expect(text).toContain("1 to update");

    const calls = await applyChanges();
    const web = application(sim.control.state(), "shop", "production", "web");
    expect(envMap(web.env as string)).toEqual({ NODE_ENV: "staging" });
    const deploys = calls.filter((c) => c.endpoint === "application.deploy");
    expect(deploys.map((c) => (c.body as { applicationId: string }).applicationId)).toEqual([web.applicationId]);
    expect(web.deployments.filter((d) => d.status === "done")).toHaveLength(2);
    expect(markerOf(web.description, "web").dirty).toBeUndefined();
    await expectInSync();
  });

  it("a replica count: exactly that diff, applied with a deploy", async () => {
    tree.edit("shop.yaml", "replicas: 2", "replicas: 3");
    const { text, steps } = await planChanges();
    expect(steps).toEqual([expect.objectContaining({ key: "Application/shop/production/web", action: "update", deploy: true })]);
    expect(steps[0]!.changes).toEqual([{ path: "/spec/replicas", op: "replace", before: 2, after: 3 }]);
    expect(text).toContain("~ /spec/replicas: 2 -> 3");

    const calls = await applyChanges();
    const web = application(sim.control.state(), "shop", "production", "web");
    expect(web.replicas).toBe(3);
    expect(calls.filter((c) => c.endpoint === "application.deploy")).toHaveLength(1);
    await expectInSync();
  });

  it("a domain port: exactly that diff, applied without any deploy", async () => {
    tree.edit("blog.yaml", "port: 2368", "port: 2369");
    const { text, steps } = await planChanges();
    expect(steps).toEqual([expect.objectContaining({ key: "Domain/blog/production/site/main", action: "update", deploy: false })]);
    expect(steps[0]!.changes).toEqual([{ path: "/spec/port", op: "replace", before: 2368, after: 2369 }]);
    expect(text).toContain("~ /spec/port: 2368 -> 2369");

    const calls = await applyChanges();
    const site = application(sim.control.state(), "blog", "production", "site");
    expect(site.domains.map((d) => d.port)).toEqual([2369]);
    expect(calls.filter((c) => c.endpoint === "application.deploy")).toEqual([]);
    expect(writeCalls(calls).map((c) => c.endpoint)).toEqual(["domain.update"]);
    expect(site.deployments).toHaveLength(1);
    await expectInSync();
  });
});
