/**
 * Dokploy shows nothing of a deploy until its job starts (no deployment row,
 * status unchanged). With a slow, one-build-at-a-time queue (real Dokploy's
 * default is one build per server) a plan right after `apply --no-wait` must
 * not queue the same builds again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, callCounts, expectExit, markerOf, allApplications, runEngine, type ManifestTree } from "./support.ts";

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe("deploys queued but not started", () => {
  let sim: SimulatorHandle;
  let tree: ManifestTree;
  beforeAll(async () => {
    sim = await startTestSimulator({ buildsConcurrency: 1, deployDurationMs: 4_000 });
    tree = scratch.tree("basic");
  }, 60_000);
  afterAll(() => sim?.close());

  // Broke: the next plan said "has never been deployed" for every application still
  // waiting in Dokploy's queue, and the next apply queued each build a second time.
  it("are recorded in the marker, and neither a plan nor an apply queues them again", async () => {
    expectExit(await runEngine(sim, "apply", tree.dir, ["--no-wait"]), 0);
    const apps = allApplications(sim.control.state());
    expect(apps.length).toBeGreaterThan(1);
    for (const { app } of apps) expect(markerOf(app.description, app.name).queuedAt).toBeDefined();

    sim.control.resetCalls();
    const plan = await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]);
    expectExit(plan, 0);
    expect(plan.stdout).toContain("No changes");

    expectExit(await runEngine(sim, "apply", tree.dir, ["--no-wait"]), 0);
    expect(callCounts(sim.control.calls())["application.deploy"] ?? 0).toBe(0);
  }, 90_000);
});
