/**
 * `plan --detailed-exitcode` through the CLI, on the two plans that write
 * nothing yet are not "no changes": only a conflict (a hand-made project with
 * a manifest's name), and only refused prunes (more deletions than
 * --max-deletions). Both exited 0 before, so a drift check stayed green while
 * `apply` failed on them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, expectExit, runEngine, writeCalls, type ManifestTree } from "./support.ts";

const scratch = new Scratch();
let sim: SimulatorHandle;
let tree: ManifestTree;

beforeAll(async () => {
  sim = await startTestSimulator();
  tree = scratch.tree("basic");
  expectExit(await runEngine(sim, "apply", tree.dir), 0);
  await sim.control.idle(10_000);
  expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
}, 60_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

interface PlanJson {
  steps: Array<{ key: string; action: string }>;
  summary: { changes: number };
  refusals: unknown[];
}

describe("plan --detailed-exitcode", () => {
  it("exits 2 on a plan whose only finding is a conflict (nothing to write, but apply would fail)", async () => {
    sim.control.seed({ projects: [{ name: "legacy", description: "Made by hand" }] });
    tree.write("legacy.yaml", "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: legacy\n");
    sim.control.resetCalls();
    const r = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode", "--output", "json"]), 2);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.summary.changes).toBe(0);
    expect(plan.steps.filter((s) => s.action !== "noop")).toEqual([expect.objectContaining({ key: "Project/legacy", action: "conflict" })]);
    expect(writeCalls(sim.control.calls())).toEqual([]);
    // The same plan without the flag still exits 0: the flag is what asks for the distinction.
    expectExit(await runEngine(sim, "plan", tree.dir), 0);
    tree.remove("legacy.yaml");
  }, 60_000);

  it("exits 2 when the only deletions are refused by --max-deletions, 0 when they are merely would-prune", async () => {
    tree.remove("blog.yaml");
    expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
    const r = expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode", "--prune", "--max-deletions", "1", "--output", "json"]), 2);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.summary.changes).toBe(0);
    expect(plan.refusals).toHaveLength(1);
  }, 60_000);
});
