/**
 * Build timing: a real server's defaults (90 s builds and 15 s database
 * deploys, ±20%, one build at a time), reproducible draws for a seed, exact
 * durations when a test chose one, and specific errors for bad settings.
 */
import { describe, expect, it } from "vitest";
import { BuildTiming, checkBuildSettings, DEFAULT_DATABASE_DEPLOY_DURATION_MS, DEFAULT_DEPLOY_DURATION_MS } from "../../../src/simulator/builds.ts";

const draws = (t: BuildTiming, n: number, f: (t: BuildTiming) => number): number[] => Array.from({ length: n }, () => f(t));

describe("BuildTiming", () => {
  it("defaults to serial 90 s builds and 15 s database deploys, each within ±20%, the same for the same seed", () => {
    const a = new BuildTiming({ seed: 7 });
    expect(a.concurrency()).toBe(1);
    const builds = draws(a, 50, (t) => t.buildMs());
    for (const ms of builds) expect(Math.abs(ms - DEFAULT_DEPLOY_DURATION_MS)).toBeLessThanOrEqual(DEFAULT_DEPLOY_DURATION_MS * 0.2);
    expect(new Set(builds).size).toBeGreaterThan(1);
    expect(draws(new BuildTiming({ seed: 7 }), 50, (t) => t.buildMs())).toEqual(builds);
    for (const ms of draws(a, 20, (t) => t.databaseDeployMs())) {
      expect(Math.abs(ms - DEFAULT_DATABASE_DEPLOY_DURATION_MS)).toBeLessThanOrEqual(DEFAULT_DATABASE_DEPLOY_DURATION_MS * 0.2);
    }
  });

  it("keeps an explicit duration exact unless a jitter comes with it; unlimited is Infinity", () => {
    const t = new BuildTiming({ seed: 1, deployDurationMs: 20, databaseDeployDurationMs: 5, buildsConcurrency: "unlimited" });
    expect(draws(t, 5, (x) => x.buildMs())).toEqual([20, 20, 20, 20, 20]);
    expect(t.databaseDeployMs()).toBe(5);
    expect(t.concurrency()).toBe(Number.POSITIVE_INFINITY);
    t.set({ deployJitter: 0.5, buildsConcurrency: 2 });
    expect(draws(t, 30, (x) => x.buildMs()).some((ms) => ms !== 20)).toBe(true);
    expect(t.concurrency()).toBe(2);
  });

  it.each([
    [{ deployDurationMs: -1 }, "deployDurationMs must be a non-negative number of milliseconds, got -1"],
    [{ deployJitter: 1.5 }, "deployJitter must be a fraction between 0 and 1, got 1.5"],
    [{ buildsConcurrency: 1.5 }, 'buildsConcurrency must be an integer >= 1 or "unlimited", got 1.5'],
    [{ buildsConcurrency: "many" as never }, 'buildsConcurrency must be an integer >= 1 or "unlimited", got "many"'],
  ])("refuses %j", (settings, message) => {
    expect(() => checkBuildSettings(settings, "simulator")).toThrow(`simulator: ${message}`);
  });
});
