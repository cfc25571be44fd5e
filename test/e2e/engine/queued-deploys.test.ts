/**
 * Dokploy shows nothing of a deploy until its job starts (no deployment row,
 * status unchanged). With a slow, one-build-at-a-time queue (real Dokploy's
 * default is one build per server) a plan right after `apply --no-wait` must
 * not queue the same builds again.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
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

describe("builds cut short by a Dokploy restart", () => {
  // Broke: Dokploy cancels running builds and idles their applications when it starts;
  // the plan waited for the "queued" deploy for 30 minutes, then only started the
  // application (the previous image, or a 500 when no build ever finished). The change
  // that was being built was never deployed.
  it("are deployed again by the next apply, not started", async () => {
    const statePath = join(scratch.dir, "restart-state.json");
    const tree = scratch.tree("basic");
    const first = await startTestSimulator({ statePath, deployDurationMs: 60_000 });
    let second: SimulatorHandle | undefined;
    try {
      expectExit(await runEngine(first, "apply", tree.dir, ["--no-wait"]), 0);
      const apps = () => allApplications(first.control.state()).map(({ app }) => app);
      await eventually(() => expect(apps().every((a) => a.deployments.some((d) => d.status === "running"))).toBe(true), { timeoutMs: 20_000, intervalMs: 50 });
      await first.close();

      second = await startTestSimulator({ statePath, deployDurationMs: 20 });
      const restarted = allApplications(second.control.state()).map(({ app }) => app);
      expect(restarted.map((a) => a.applicationStatus)).toEqual(restarted.map(() => "idle"));

      const plan = await runEngine(second, "plan", tree.dir, ["--detailed-exitcode"]);
      expectExit(plan, 2);
      expect(plan.stdout).toMatch(/idle after a deployment that ended cancelled/);
      second.control.resetCalls();
      expectExit(await runEngine(second, "apply", tree.dir), 0);
      const counts = callCounts(second.control.calls());
      expect(counts["application.deploy"]).toBe(restarted.length);
      expect(counts["application.start"] ?? 0).toBe(0);
      for (const { app } of allApplications(second.control.state())) expect(app.applicationStatus).toBe("done");
    } finally {
      await second?.close();
      await first.close().catch(() => undefined);
    }
  }, 90_000);
});
