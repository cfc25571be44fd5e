/**
 * Dokploy rate limit: the simulator's "401 after N calls" mode (Dokploy
 * answers an exhausted rate limit exactly like a bad key). The daemon must
 * stop, say the key is invalid or rate-limited (`/status` reason
 * Unauthorized), and resume by itself once the key works again; `apply` must
 * exit non-zero with the same explanation and converge when run again. The
 * 401 lands mid-apply (after the reads), the nastiest moment.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appFile, appDocs, writeFleet } from "../../bench/lib/fleet.ts";
import type { SimulatorHandle } from "../../src/simulator/index.ts";
import { runCliProcess } from "../helpers/cli.ts";
import { spawnDaemon, type SpawnedDaemon } from "../helpers/daemon.ts";
import { eventually } from "../helpers/eventually.ts";
import { createTestRepo, tempDir, type TestRepo } from "../helpers/git-repo.ts";
import { startTestSimulator } from "../helpers/simulator.ts";
import { CANARY, CANARY_ENV, CanaryScan, duplicates } from "./support.ts";

const SHAPE = { projects: 1, appsPerEnvironment: 3, secretFromEnv: CANARY_ENV };
const WAIT = { timeoutMs: 60_000, intervalMs: 50 };
const RATE_LIMITED = /invalid, expired, or its rate limit is exhausted/;

const scan = new CanaryScan();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  scan.expectClean();
});

async function simulator(): Promise<SimulatorHandle> {
  const sim = await startTestSimulator({ apiKey: CANARY.apiKey, deployDurationMs: 5 });
  cleanups.push(() => sim.close());
  return sim;
}

describe("reliability: Dokploy's 401 after N calls (rate limit)", () => {
  it("daemon: /status says Unauthorized with the reason, then recovers on its own when the key works again", { timeout: 120_000 }, async () => {
    const sim = await simulator();
    const repo: TestRepo = createTestRepo();
    cleanups.push(() => repo.cleanup());
    await writeFleet(repo.work, SHAPE);
    const sha = repo.commit({}, "fleet");
    // A few reads succeed (project.all), then every call is refused: the apply is cut short.
    sim.control.setFaults([{ unauthorizedAfter: 4 }]);
    const d: SpawnedDaemon = await spawnDaemon(
      ["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", path.join(repo.dir, "daemon"), "--source", repo.url, "--url", sim.url, "--deploy-timeout", "20s"],
      { env: { DOKPLOY_API_KEY: CANARY.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: CANARY.webhookSecret, GIT_TOKEN: CANARY.gitToken, [CANARY_ENV]: CANARY.fromEnv } },
    );
    cleanups.push(() => d.stop("SIGKILL"));
    const stalled = await eventually(async () => {
      const s = await d.status();
      scan.add("status", s);
      expect(s.lastPass?.reason).toBe("Unauthorized");
      return s;
    }, WAIT);
    expect(stalled.lastPass!.message).toMatch(RATE_LIMITED);
    expect(stalled.revision.applied).toBeNull();

    sim.control.clearFaults();
    const ok = await eventually(async () => {
      const s = await d.status();
      scan.add("status", s);
      expect(s.revision.applied).toBe(sha);
      return s;
    }, { timeoutMs: 90_000, intervalMs: 100 });
    expect(ok.lastPass!.reason).toBe("ReconciliationSucceeded");
    expect(duplicates(sim.control.state())).toEqual([]);
    const apps = sim.control.state().projects.flatMap((p) => p.environments.flatMap((e) => e.applications));
    expect(apps).toHaveLength(6);
    for (const l of d.logs) scan.add("daemon log", l);
    scan.add("daemon stderr", d.stderr.join(""));
  });

  it("apply: exits non-zero saying the key is invalid or rate-limited, and a later apply converges", { timeout: 120_000 }, async () => {
    const sim = await simulator();
    const dir = tempDir("dg-reliability-401-");
    cleanups.push(() => import("node:fs").then((fs) => fs.rmSync(dir, { recursive: true, force: true })));
    await writeFleet(dir, SHAPE);
    const run = () => runCliProcess(["apply", dir, "--url", sim.url, "--deploy-timeout", "20s"], { env: { DOKPLOY_API_KEY: CANARY.apiKey, [CANARY_ENV]: CANARY.fromEnv }, timeoutMs: 60_000 });
    sim.control.setFaults([{ unauthorizedAfter: 6 }]);
    const cut = await run();
    scan.add("apply stdout", cut.stdout);
    scan.add("apply stderr", cut.stderr);
    expect(cut.code).not.toBe(0);
    expect(cut.stdout + cut.stderr).toMatch(RATE_LIMITED);
    sim.control.clearFaults();
    const again = await run();
    scan.add("apply stdout", again.stdout);
    scan.add("apply stderr", again.stderr);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(duplicates(sim.control.state())).toEqual([]);
    // One change after recovery still applies (the key really works again).
    const file = path.join(dir, appFile(0, "production", 0));
    await import("node:fs/promises").then((fs) => fs.writeFile(file, appDocs("p00", "production", "app-000", 0, "2", CANARY_ENV)));
    const third = await run();
    expect(third.code, third.stdout + third.stderr).toBe(0);
  });
});
