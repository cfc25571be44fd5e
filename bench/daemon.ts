/**
 * Benchmarks 3b and 5, with the daemon (`dokploy-gitops run`, compiled as the container
 * runs it) as a child process following a git repository (a bare remote in a temp dir) and a
 * simulator child process:
 * - push-to-apply latency: commit a one-line env change, push it, send a
 *   GitHub-signed push webhook, and time until the first write for that
 *   application reaches the simulator (the apply started; read from the
 *   simulator's call log, same clock) and until `/status` shows the revision
 *   applied (its deploy followed to done);
 * - footprint: the daemon's RSS (`/proc/<pid>/status` VmRSS) after its first
 *   quiet pass over the fleet and after N more passes triggered with
 *   `POST /reconcile` (a child process, so the figure is the daemon's own).
 * Prints figures; asserts nothing.
 *
 *     node bench/daemon.ts [LATENCY_MS] [PROJECTS] [PASSES]
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../test/helpers/eventually.ts";
import { createTestRepo } from "../test/helpers/git-repo.ts";
import type { DaemonStatus } from "../src/reconcile/status-store.ts";
import { appDocs, appFile, appName, ISSUE_FLEET, projectName, writeFleet, type FleetShape } from "./lib/fleet.ts";
import { buildBenchDist, imageRuntimeEnv, startDaemonProcess } from "./lib/daemon-process.ts";
import { secs } from "./lib/harness.ts";
import { startSimProcess } from "./lib/sim-process.ts";

const SECRET = "bench-webhook-secret";
const TOKEN = "bench-status-token-8d2f6b1a";
const BEARER = { authorization: `Bearer ${TOKEN}` };

/** The daemon benchmark's figures. */
export interface DaemonFigures {
  latencyMs: number;
  applications: number;
  initialApplyMs: number;
  webhook: Array<{ toApplyStartMs: number; toAppliedMs: number; toPassStartMs?: number; toPlanMs?: number; phases?: { checkedOut?: number; loaded?: number; observed?: number } }>;
  rssAfterFirstQuietMiB: number;
  rssAfterPassesMiB: number;
  /** VmHWM: the highest RSS the daemon reached, converge included. */
  peakRssMiB: number;
  /** The memory settings the daemon ran with (the image's unless BENCH_DAEMON_NODE_OPTIONS overrides). */
  runtimeEnv: Record<string, string>;
  heapAfterFirstQuiet: { used?: number; total?: number };
  heapAfterPasses: { used?: number; total?: number };
  passes: number;
  passesMs: number;
}

function statusMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]) / 1024;
}
const rssMiB = (pid: number): number => statusMiB(pid, "VmRSS");

/**
 * The daemon's memory settings: the container image's (`NODE_OPTIONS`,
 * `MALLOC_*` from the Dockerfile), or `BENCH_DAEMON_NODE_OPTIONS` to try others.
 */
function daemonRuntimeEnv(): Record<string, string> {
  const env = imageRuntimeEnv();
  if (process.env.BENCH_DAEMON_NODE_OPTIONS !== undefined) env.NODE_OPTIONS = process.env.BENCH_DAEMON_NODE_OPTIONS;
  return env;
}

/** Heap used/total of the daemon from its default process metrics, in MiB (undefined when not exported). */
async function heapMiB(url: string): Promise<{ used?: number; total?: number }> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const read = (name: string): number | undefined => {
    const m = new RegExp(`^${name} (\\S+)`, "m").exec(text);
    return m ? Number(m[1]) / 1024 ** 2 : undefined;
  };
  return { used: read("nodejs_heap_size_used_bytes"), total: read("nodejs_heap_size_total_bytes") };
}

async function reconcileCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  let total = 0;
  for (const m of text.matchAll(/^dokploy_gitops_reconcile_total\{[^}]*\} (\d+)/gm)) total += Number(m[1]);
  return total;
}

/** Runs the daemon benchmarks. */
export async function runDaemonBench(latencyMs: number, shape: FleetShape = ISSUE_FLEET, passes = 100): Promise<DaemonFigures> {
  buildBenchDist();
  const repo = createTestRepo();
  const sim = await startSimProcess({ latencyMs, deployDurationMs: 200 });
  let stop: (() => Promise<unknown>) | undefined;
  try {
    await writeFleet(repo.work, shape);
    const first = repo.commit({}, "fleet");
    const started = performance.now();
    const runtimeEnv = daemonRuntimeEnv();
    const d = await startDaemonProcess(
      ["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", join(repo.dir, "daemon"), "--source", repo.url, "--url", sim.url, "--concurrency", "8"],
      { DOKPLOY_API_KEY: sim.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: SECRET, DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN, ...runtimeEnv },
    );
    stop = d.stop;
    // Polled every 10 ms while waiting: without the 2,060-resource list, as a script waiting for a revision would ask.
    const status = async (): Promise<DaemonStatus> => (await fetch(`${d.url}/status?resources=false`, { headers: BEARER, signal: AbortSignal.timeout(30_000) })).json() as Promise<DaemonStatus>;
    const wait = { timeoutMs: 600_000, intervalMs: 100 };
    await eventually(async () => (await status()).revision.applied === first, wait);
    const initialApplyMs = performance.now() - started;
    await sim.idle();

    // 3b. Push -> webhook -> apply start / applied, five times on different applications.
    const webhook: DaemonFigures["webhook"] = [];
    for (let k = 0; k < 5; k++) {
      const rel = appFile(k % shape.projects, "production", k);
      const sha = repo.commit({ [rel]: appDocs(projectName(k % shape.projects), "production", appName(k), k, `bench-${k}`) }, `change ${k}`);
      const state = await sim.state();
      const appId = state.projects.find((p) => p.name === projectName(k % shape.projects))!.environments.find((e) => e.isDefault)!
        .applications.find((a) => a.name === appName(k))!.applicationId;
      await sim.resetCalls();
      const body = JSON.stringify({ ref: "refs/heads/main", after: sha });
      const t0 = Date.now();
      const res = await fetch(`${d.url}/webhooks/github`, {
        method: "POST", body,
        headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` },
      });
      if (res.status >= 300) throw new Error(`webhook refused: ${res.status} ${await res.text()}`);
      await eventually(async () => (await status()).revision.applied === sha, { timeoutMs: 120_000, intervalMs: 10 });
      const toAppliedMs = Date.now() - t0;
      const firstWrite = (await sim.calls()).find((c) => c.method === "POST" && (c.body as { applicationId?: string } | undefined)?.applicationId === appId);
      if (!firstWrite) throw new Error(`no write to ${rel}'s application after the webhook`);
      // Where the time went, from the daemon's own log lines (ISO timestamps, same clock).
      const at = (msg: string): number | undefined => {
        const line = d.logs.find((l) => l.msg === msg && typeof l.time === "string" && Date.parse(l.time) >= t0);
        return line ? Date.parse(line.time as string) - t0 : undefined;
      };
      const toPassStartMs = at("reconciliation started");
      const toPlanMs = at("plan computed");
      const phases = { checkedOut: at("revision checked out"), loaded: at("manifests loaded"), observed: at("live state read") };
      webhook.push({
        toApplyStartMs: Date.parse(firstWrite.at) - t0, toAppliedMs,
        ...(toPassStartMs !== undefined ? { toPassStartMs } : {}), ...(toPlanMs !== undefined ? { toPlanMs } : {}),
        phases,
      });
    }

    // 5. Footprint: first quiet pass, then `passes` more.
    await sim.setLatency(0);
    const runPass = async (): Promise<void> => {
      const before = await reconcileCount(d.url);
      const r = await fetch(`${d.url}/reconcile`, { method: "POST", headers: BEARER });
      if (r.status >= 300) throw new Error(`POST /reconcile: ${r.status}`);
      await eventually(async () => (await reconcileCount(d.url)) > before, { timeoutMs: 120_000, intervalMs: 50 });
    };
    await runPass();
    const rssAfterFirstQuietMiB = rssMiB(d.child.pid!);
    const heapAfterFirstQuiet = await heapMiB(d.url);
    const t = performance.now();
    for (let i = 0; i < passes; i++) await runPass();
    const passesMs = performance.now() - t;
    const rssAfterPassesMiB = rssMiB(d.child.pid!);
    const heapAfterPasses = await heapMiB(d.url);
    const peakRssMiB = statusMiB(d.child.pid!, "VmHWM");
    return {
      latencyMs, applications: shape.projects * 2 * shape.appsPerEnvironment, initialApplyMs, webhook,
      rssAfterFirstQuietMiB, rssAfterPassesMiB, peakRssMiB, runtimeEnv, heapAfterFirstQuiet, heapAfterPasses, passes, passesMs,
    };
  } finally {
    await stop?.();
    await sim.close();
    repo.cleanup();
  }
}

/** The figures as the report prints them. */
export function formatDaemon(f: DaemonFigures): string {
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const heap = (h: { used?: number; total?: number }): string => (h.used === undefined ? "not exported" : `${h.used.toFixed(1)}/${h.total!.toFixed(1)} MiB`);
  const starts = f.webhook.map((w) => w.toApplyStartMs);
  const applied = f.webhook.map((w) => w.toAppliedMs);
  return [
    `Daemon (child process, git source, ${f.applications} applications, ${f.latencyMs} ms per call, concurrency 8, ${Object.entries(f.runtimeEnv).map(([k, v]) => `${k}="${v}"`).join(" ")}); initial apply from empty ${secs(f.initialApplyMs)}`,
    `  3b. signed push webhook -> first write for the changed application: median ${med(starts)} ms (runs: ${starts.join(", ")} ms) (target < 1 s)`,
    `      where it goes (medians): pass started +${med(f.webhook.map((w) => w.toPassStartMs ?? NaN))} ms, checked out (git fetch) +${med(f.webhook.map((w) => w.phases?.checkedOut ?? NaN))} ms, manifests loaded +${med(f.webhook.map((w) => w.phases?.loaded ?? NaN))} ms, live state read +${med(f.webhook.map((w) => w.phases?.observed ?? NaN))} ms, plan computed +${med(f.webhook.map((w) => w.toPlanMs ?? NaN))} ms, first write +${med(starts)} ms`,
    `      signed push webhook -> /status shows the revision applied (200 ms build followed to done): median ${med(applied)} ms (runs: ${applied.join(", ")} ms)`,
    `  5. daemon RSS (VmRSS of the child): ${f.rssAfterFirstQuietMiB.toFixed(1)} MiB after the first quiet pass, ${f.rssAfterPassesMiB.toFixed(1)} MiB after ${f.passes} more (${(f.rssAfterPassesMiB - f.rssAfterFirstQuietMiB).toFixed(1)} MiB change; passes at 0 ms added latency${f.passes > 0 ? `, ${secs(f.passesMs / f.passes)} each` : ""}) (target < 150 MiB, no growth)`,
    `      peak RSS (VmHWM, converge included): ${f.peakRssMiB.toFixed(1)} MiB
      V8 heap used/total: ${heap(f.heapAfterFirstQuiet)} after the first quiet pass, ${heap(f.heapAfterPasses)} after ${f.passes} more`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const latency = Number(process.argv[2] ?? 5);
  const projects = Number(process.argv[3] ?? ISSUE_FLEET.projects);
  const passes = Number(process.argv[4] ?? 100);
  console.log(formatDaemon(await runDaemonBench(latency, { ...ISSUE_FLEET, projects }, passes)));
}
