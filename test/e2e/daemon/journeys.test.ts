/**
 * Journeys of `dokploy-gitops run` as a child process: a real git repository
 * (a bare remote in a temp dir), the daemon's HTTP surface, and the simulator
 * (embedded with `--simulator`, or started here and reached with `--url` when
 * two daemons must share it).
 */
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DaemonStatus } from "../../../src/reconcile/status-store.ts";
import { startSimulator } from "../../../src/simulator/index.ts";
import type { SimulatorHandle } from "../../../src/simulator/types.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { createTestRepo, type TestRepo } from "../../helpers/git-repo.ts";
import { LEGACY_BUILDS } from "../../helpers/simulator.ts";

const SECRET = "journey-webhook-secret";
const TOKEN = "journey-status-token-5f1c9a7e";
/** Control endpoints always need the status token. */
const CONTROL = { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } };
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

function manifests(logLevel: string): Record<string, string> {
  return {
    "deploy/app.yaml": `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: e2e
spec:
  description: end-to-end project
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: web
  project: e2e
  environment: production
spec:
  source:
    type: docker
    image: nginx:1.27
  env:
    LOG_LEVEL: ${logLevel}
`,
  };
}

/** A manifest that fails validation at a known line (line 7: an unknown field). */
const BROKEN = `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: e2e
spec:
  description: end-to-end project
  colour: blue
`;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function repo(): TestRepo {
  const r = createTestRepo();
  cleanups.push(r.cleanup);
  return r;
}

let daemons = 0;
/** Starts a daemon with its own work dir inside `r` (removed with it). */
async function daemon(r: TestRepo, args: string[], env: Record<string, string> = {}): Promise<SpawnedDaemon> {
  const workDir = path.join(r.dir, `daemon-${++daemons}`);
  const d = await spawnDaemon(["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", workDir, "--source", r.url, "--path", "deploy", ...args], {
    env: { DOKPLOY_GITOPS_WEBHOOK_SECRET: SECRET, DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN, ...env },
  });
  cleanups.push(() => d.stop("SIGKILL"));
  return d;
}

let deliveries = 0;
/** A signed push; each one a distinct delivery (a replayed one would be answered 200 without a pass). */
function signedPush(url: string, provider: "github" | "gitea" = "github"): Promise<Response> {
  const body = JSON.stringify({ ref: "refs/heads/main", delivery: ++deliveries });
  const sig = createHmac("sha256", SECRET).update(body).digest("hex");
  const headers: Record<string, string> =
    provider === "github" ? { "x-github-event": "push", "x-hub-signature-256": `sha256=${sig}` } : { "x-gitea-event": "push", "x-gitea-signature": sig };
  return fetch(`${url}/webhooks/${provider}`, { method: "POST", body, headers });
}

interface SimApp {
  applicationId: string;
  name: string;
  env: string | null;
}

async function simApps(simulatorUrl: string): Promise<SimApp[]> {
  const state = (await (await fetch(`${simulatorUrl}/__simulator/state`)).json()) as {
    projects: Array<{ name: string; environments: Array<{ applications: SimApp[] }> }>;
  };
  return state.projects.filter((p) => p.name === "e2e").flatMap((p) => p.environments.flatMap((e) => e.applications));
}

const byKey = (s: DaemonStatus, key: string) => s.resources.find((r) => r.key === key);

describe("dokploy-gitops run (journeys)", () => {
  it("applies pushed commits, keeps the last good state on a broken commit, refuses unsigned webhooks, exits 0 on SIGTERM", async () => {
    const r = repo();
    const first = r.commit(manifests("info"));
    const d = await daemon(r, ["--simulator"]);
    const sim = d.simulatorUrl!;
    expect(sim).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // First commit applied at startup.
    let s = await eventually(async () => {
      const st = await d.status();
      expect(st.revision.applied).toBe(first);
      return st;
    }, WAIT);
    expect(byKey(s, "Application/e2e/production/web")).toMatchObject({ sync: "Synced" });
    expect(s.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "True" });
    expect((await simApps(sim)).map((a) => a.env)).toEqual(["LOG_LEVEL=info"]);
    expect((await fetch(`${d.url}/readyz`)).status).toBe(200);

    // A pushed commit, announced by a signed webhook, is applied.
    const second = r.commit(manifests("debug"));
    expect((await signedPush(d.url)).status).toBe(202);
    s = await eventually(async () => {
      const st = await d.status();
      expect(st.revision.applied).toBe(second);
      return st;
    }, WAIT);
    expect((await simApps(sim)).map((a) => a.env)).toEqual(["LOG_LEVEL=debug"]);
    const goodResources = s.resources.map((x) => x.key).sort();

    // An unsigned webhook is refused and triggers nothing.
    const before = d.logs.filter((l) => l.msg === "reconciliation started").length;
    const unsigned = await fetch(`${d.url}/webhooks/github`, { method: "POST", body: JSON.stringify({ ref: "refs/heads/main" }), headers: { "x-github-event": "push" } });
    expect(unsigned.status).toBe(401);

    // A broken commit applies nothing; /status keeps the last good state and shows the error with file:line.
    const broken = r.commit({ "deploy/app.yaml": BROKEN });
    expect((await signedPush(d.url, "gitea")).status).toBe(202);
    s = await eventually(async () => {
      const st = await d.status();
      expect(st.revision.attempted).toBe(broken);
      return st;
    }, WAIT);
    expect(d.logs.filter((l) => l.msg === "reconciliation started").length).toBe(before + 1);
    expect(s.revision.applied).toBe(second);
    expect(s.lastPass).toMatchObject({ outcome: "failed", reason: "ValidationFailed" });
    expect(s.resources.map((x) => x.key).sort()).toEqual(goodResources);
    expect(s.diagnostics[0]).toMatchObject({ file: "app.yaml", severity: "error" });
    const stalled = s.conditions.find((c) => c.type === "Stalled")!;
    expect(stalled).toMatchObject({ status: "True", reason: "ValidationFailed" });
    expect(stalled.message).toMatch(/app\.yaml:7:\d+/);
    expect((await simApps(sim)).map((a) => a.env)).toEqual(["LOG_LEVEL=debug"]);
    const text = await (await fetch(`${d.url}/status?format=text`, { headers: CONTROL.headers })).text();
    expect(text).toContain("ValidationFailed");

    // Metrics saw the passes, the API calls and the deploys.
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/^dokploy_gitops_reconcile_total\{result="succeeded"\} [1-9]/m);
    expect(metrics).toMatch(/^dokploy_gitops_reconcile_failures_total\{reason="ValidationFailed"\} 1$/m);
    expect(metrics).toMatch(/^dokploy_gitops_api_calls_total\{endpoint="project.all",status="200"\} [1-9]/m);
    expect(metrics).toMatch(/^dokploy_gitops_deploys_total\{result="queued"\} [1-9]/m);
    expect(metrics).toContain(`dokploy_gitops_revision_info{revision="${second}"} 1`);

    // Secrets never reach the log.
    expect(JSON.stringify(d.logs)).not.toContain(SECRET);
    expect(await d.stop("SIGTERM")).toBe(0);
  });

  it("shows drift made behind its back as OutOfSync in detect mode, and corrects it in apply mode", async () => {
    const sim: SimulatorHandle = await startSimulator(LEGACY_BUILDS);
    cleanups.push(() => sim.close());
    const r = repo();
    r.commit(manifests("info"));
    const env = { DOKPLOY_API_KEY: sim.apiKey };
    const apply = await daemon(r, ["--url", sim.url], env);
    await eventually(async () => expect((await apply.status()).summary).toMatchObject({ synced: 2, outOfSync: 0 }), WAIT);
    // A pass queues the deploy and ends; the daemon looks again until it has seen the build end (Healthy).
    // After that it waits for the interval, so the edit below is not corrected behind the detect daemon's back.
    await eventually(async () => expect(byKey(await apply.status(), "Application/e2e/production/web")?.health).toBe("Healthy"), WAIT);
    const [app] = await simApps(sim.url);

    // Someone edits the application in the Dokploy UI.
    const edit = await fetch(`${sim.url}/__simulator/update`, {
      method: "POST",
      body: JSON.stringify({ kind: "application", id: app!.applicationId, patch: { env: "LOG_LEVEL=trace" } }),
    });
    expect(edit.status).toBe(200);

    const detect = await daemon(r, ["--url", sim.url, "--mode", "detect"], env);
    const drifted = await eventually(async () => {
      const st = await detect.status();
      expect(byKey(st, "Application/e2e/production/web")).toMatchObject({ sync: "OutOfSync" });
      return st;
    }, WAIT);
    expect(drifted.mode).toBe("detect");
    expect(byKey(drifted, "Application/e2e/production/web")!.drift).toContainEqual(
      // The planner masks live env values (they may hold secrets set in the UI); the field and desired value show.
      expect.objectContaining({ path: "/spec/env/LOG_LEVEL", desired: "info" }),
    );
    expect(drifted.summary.outOfSync).toBe(1);
    expect((await simApps(sim.url))[0]!.env).toBe("LOG_LEVEL=trace");

    // The apply daemon corrects it when asked.
    const lastId = (await apply.status()).lastPass!.reconcileId;
    expect((await fetch(`${apply.url}/reconcile`, CONTROL)).status).toBe(202);
    await eventually(async () => {
      const st = await apply.status();
      expect(st.lastPass!.reconcileId).not.toBe(lastId);
      expect((await simApps(sim.url))[0]!.env).toBe("LOG_LEVEL=info");
    }, WAIT);

    // And the detect daemon sees it in sync again.
    expect((await fetch(`${detect.url}/reconcile`, CONTROL)).status).toBe(202);
    await eventually(async () => expect(byKey(await detect.status(), "Application/e2e/production/web")).toMatchObject({ sync: "Synced" }), WAIT);
    expect(await detect.stop("SIGTERM")).toBe(0);
    expect(await apply.stop("SIGTERM")).toBe(0);
  });

  it("turns a burst of ten signed webhooks into at most two passes", async () => {
    const r = repo();
    r.commit(manifests("info"));
    const d = await daemon(r, ["--simulator"]);
    await eventually(async () => expect((await d.status()).lastPass).not.toBeNull(), WAIT);
    await eventually(async () => expect((await d.status()).conditions.find((c) => c.type === "Reconciling")).toMatchObject({ status: "False" }), WAIT);
    // Slow Dokploy down so the burst surely lands while a pass runs.
    await fetch(`${d.simulatorUrl}/__simulator/latency`, { method: "POST", body: JSON.stringify({ ms: 150 }) });
    const started = () => d.logs.filter((l) => l.msg === "reconciliation started").length;
    const before = started();
    const newest = r.commit(manifests("warn"));
    const answers = await Promise.all(Array.from({ length: 10 }, () => signedPush(d.url)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    await eventually(async () => {
      const st = await d.status();
      expect(st.revision.applied).toBe(newest);
      expect(st.conditions.find((c) => c.type === "Reconciling")).toMatchObject({ status: "False" });
    }, WAIT);
    expect(started() - before).toBeGreaterThanOrEqual(1);
    expect(started() - before).toBeLessThanOrEqual(2);
    expect(await d.stop("SIGTERM")).toBe(0);
  });

  it("gives each pass's memory back when Node exposes gc (the image's NODE_OPTIONS), and runs without it", async () => {
    const r = repo();
    r.commit(manifests("info"));
    const released = (d: SpawnedDaemon) => d.logs.filter((l) => l.msg === "heap released after the pass");
    const withGc = await daemon(r, ["--simulator", "--log-level", "debug"], { NODE_OPTIONS: "--expose-gc" });
    await eventually(async () => expect((await withGc.status()).lastPass?.outcome).toBe("succeeded"), WAIT);
    await eventually(() => expect(released(withGc).length).toBeGreaterThanOrEqual(1), WAIT);
    expect(released(withGc)[0]!.durationMs).toEqual(expect.any(Number));
    const withoutGc = await daemon(r, ["--simulator", "--log-level", "debug"]);
    await eventually(async () => expect((await withoutGc.status()).lastPass?.outcome).toBe("succeeded"), WAIT);
    expect(released(withoutGc)).toEqual([]);
  });
});
