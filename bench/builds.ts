/**
 * Builds never hold the reconciler back (issue 13), measured: a fleet of 200
 * applications with domains against a simulator that builds as a Dokploy
 * server does, one deploy at a time, 30 s each. The engine runs a pass as the
 * daemon does (it queues deploys and does not follow them).
 *
 * 1. Converge from empty with 30 s serial builds: the pass's wall time is the
 *    time until every configuration step and every domain is applied and every
 *    deploy is queued; compared with the API lower bound of that work (which
 *    does not depend on build time).
 * 2. A domain edit while Dokploy's queue is full (199 builds waiting): the
 *    change's latency (target < 1 s).
 * 3. Total converge against its physical limit, with builds short enough to
 *    wait for (BUILD_SHORT_MS each, serial): time from the first pass until
 *    the last build ended, against the sum of build times at Dokploy's
 *    concurrency of 1.
 * Prints figures; asserts nothing.
 *
 *     node bench/builds.ts [LATENCY_MS]
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { appFile, fleetDir, type FleetShape } from "./lib/fleet.ts";
import { benchClient, benchSettings, byEndpoint, outcomeLine, secs, timedPass } from "./lib/harness.ts";
import { startSimProcess } from "./lib/sim-process.ts";

const LATENCY_MS = Number(process.argv[2] ?? 5);
/** 4 projects x 2 environments x 25 applications, each with a domain. */
const SHAPE: FleetShape = { projects: 4, appsPerEnvironment: 25 };
const APPLICATIONS = SHAPE.projects * 2 * SHAPE.appsPerEnvironment;
const CONCURRENCY = 8;
const BUILD_MS = 30_000;
const BUILD_SHORT_MS = 500;

async function main(): Promise<void> {
  const root = await fleetDir(SHAPE);
  const settings = benchSettings(CONCURRENCY, { waitForDeploys: false });
  const lines: string[] = [];
  try {
    // 1 and 2: 30 s serial builds.
    {
      const sim = await startSimProcess({ latencyMs: LATENCY_MS, deployDurationMs: BUILD_MS, buildsConcurrency: 1 });
      const api = benchClient(sim.url, sim.apiKey, settings);
      try {
        const conv = await timedPass(api, root, settings);
        const calls = await sim.calls();
        const counts = byEndpoint(calls);
        // Per-call time: a quiet pass at concurrency 1 (its reads, one at a time).
        await sim.resetCalls();
        const before = api.stats();
        await timedPass(api, root, benchSettings(1, { readConcurrency: 1, waitForDeploys: false }));
        const after = api.stats();
        const totalMs = (s: typeof after): number => Object.values(s.byEndpoint).reduce((n, e) => n + e.totalMs, 0);
        const perCallMs = (totalMs(after) - totalMs(before)) / Math.max(1, after.total - before.total);
        const lowerBoundMs = Math.ceil(calls.length / CONCURRENCY) * perCallMs;
        lines.push(
          `Fleet of ${APPLICATIONS} applications + ${APPLICATIONS} domains, ${LATENCY_MS} ms added latency per call, engine concurrency ${CONCURRENCY}, builds ${BUILD_MS / 1000} s each, one at a time (Dokploy's buildsConcurrency 1)`,
          `  1. converge from empty, pass as the daemon runs it (configuration, domains, deploys queued; builds not followed): ${secs(conv.ms)}; ${outcomeLine(conv.result)}`,
          `     API calls ${calls.length} (deploys queued: ${counts["application.deploy"] ?? 0}, domains created: ${counts["domain.create"] ?? 0}); per-call time ${perCallMs.toFixed(2)} ms`,
          `     API lower bound = ceil(${calls.length} / ${CONCURRENCY}) x per-call time = ${secs(lowerBoundMs)}; ratio ${(conv.ms / lowerBoundMs).toFixed(2)}x (target <= 1.5x, independent of build time)`,
        );
        // 2. A domain edit while the queue is full.
        const file = join(root, appFile(1, "production", 3));
        await writeFile(file, (await readFile(file, "utf8")).replace(/host: (\S+)/, "host: edited-$1"));
        await sim.resetCalls();
        const edit = await timedPass(api, root, settings);
        const editCalls = await sim.calls();
        const state = await sim.state();
        const queued = state.projects.flatMap((p) => p.environments.flatMap((e) => e.applications)).filter((a) => a.applicationStatus !== "done").length;
        lines.push(
          `  2. a domain host edited while ${queued} builds are still queued or running: applied in ${secs(edit.ms)} (target < 1 s); ${editCalls.length} calls, ${editCalls.filter((c) => c.method === "POST").length} writes (${Object.entries(byEndpoint(editCalls.filter((c) => c.method === "POST"))).map(([k, v]) => `${k} ${v}`).join(", ")}); ${outcomeLine(edit.result)}`,
        );
      } finally {
        await api.close();
        await sim.close();
      }
    }
    // 3. Total converge against the physical limit, with short serial builds.
    {
      const fresh = await fleetDir(SHAPE);
      const sim = await startSimProcess({ latencyMs: LATENCY_MS, deployDurationMs: BUILD_SHORT_MS, buildsConcurrency: 1 });
      const api = benchClient(sim.url, sim.apiKey, settings);
      try {
        const started = performance.now();
        const conv = await timedPass(api, fresh, settings);
        await sim.idle(APPLICATIONS * BUILD_SHORT_MS * 4 + 60_000);
        const totalMs = performance.now() - started;
        const physicalMs = APPLICATIONS * BUILD_SHORT_MS;
        lines.push(
          `  3. total converge with ${BUILD_SHORT_MS} ms serial builds: configuration and queueing ${secs(conv.ms)}, last build ended at ${secs(totalMs)}; physical limit (sum of build times at concurrency 1) ${secs(physicalMs)}; ratio ${(totalMs / physicalMs).toFixed(2)}x`,
          `     (with ${BUILD_MS / 1000} s builds the physical limit is ${secs(APPLICATIONS * BUILD_MS)}, and configuration does not wait for it: see 1)`,
        );
      } finally {
        await api.close();
        await sim.close();
        await rm(fresh, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  console.log(lines.join("\n"));
}

await main();
