/**
 * A flaky Dokploy: lost answers, resets and 500s scattered over every call
 * (seeded, count-limited). Each apply may fail, but applying again must
 * converge within a few passes to exactly the desired objects, with no
 * duplicate and nothing left half-recorded; then the plan is clean.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, allApplications, expectExit, markerOf, runEngine } from "./support.ts";

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** Applies allowed before convergence is required (each fault rule fires a few times at most). */
const MAX_PASSES = 5;

describe("a flaky Dokploy", () => {
  it.each([[11], [12]])("converges with seed %i: every object once, fully recorded", async (seed) => {
    const sim = await startTestSimulator({ seed });
    try {
      const tree = scratch.tree("crash");
      sim.control.setFaults([
        { method: "POST", lostResponseRate: 0.15, count: 6 },
        { errorRate: 0.08, count: 6 },
        { resetRate: 0.05, count: 3 },
      ]);
      const outcomes: Array<number | null> = [];
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const r = await runEngine(sim, "apply", tree.dir);
        outcomes.push(r.code);
        if (r.code === 0) break;
        expect(r.code, `pass ${pass + 1}:\n${r.stdout}\n${r.stderr}`).toBe(1);
      }
      expect(outcomes.at(-1), `exit codes of the passes: ${outcomes.join(", ")}`).toBe(0);
      const faulted = sim.control.calls().filter((c) => c.status === "lost" || c.status === "reset" || c.status === 500);
      expect(faulted.length, "faults that fired").toBeGreaterThanOrEqual(5);
      sim.control.clearFaults();
      await sim.control.idle(10_000);

      const s = sim.control.state();
      expect(s.projects.map((p) => p.name).sort()).toEqual(["alpha", "beta"]);
      const apps = allApplications(s);
      expect(apps.map((a) => a.path).sort()).toEqual([
        "alpha/production/api", "alpha/production/web", "alpha/production/worker", "alpha/staging/api", "alpha/staging/web",
        "beta/production/admin", "beta/production/cron", "beta/production/site",
      ]);
      for (const { path, app } of apps) {
        const marker = markerOf(app.description, path);
        expect(marker.id, `${path}: complete marker`).toBe(app.applicationId);
        expect(marker.dirty, `${path}: not dirty`).toBeUndefined();
        const recorded = Object.values(marker.domains ?? {}).map((d) => d.id).sort();
        expect(recorded, `${path}: every domain recorded, none duplicated`).toEqual(app.domains.map((d) => d.domainId).sort());
        expect(app.deployments.some((d) => d.status === "done"), `${path}: deployed`).toBe(true);
      }
      expectExit(await runEngine(sim, "plan", tree.dir, ["--detailed-exitcode"]), 0);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
