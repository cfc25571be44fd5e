/**
 * Benchmarks 1-3a at fleet scale: converge an empty Dokploy to the issue's
 * fleet (20 projects x 2 environments, 1,000 applications, 1,000 domains),
 * reconcile it again with nothing to do, then change one env var of one
 * application. The simulator runs as a child process with a fixed added
 * latency per call; the engine runs in this process exactly as a daemon pass
 * does. Prints figures; asserts nothing.
 *
 *     node bench/fleet.ts [LATENCY_MS] [PROJECTS]
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { appFile, fleetDir, ISSUE_FLEET, type FleetShape } from "./lib/fleet.ts";
import { benchClient, benchSettings, byEndpoint, formatCounts, outcomeLine, secs, timedPass, writes } from "./lib/harness.ts";
import { startSimProcess } from "./lib/sim-process.ts";

/** Engine concurrency the targets are stated for. */
export const CONCURRENCY = 8;
/** Simulated build time of one deploy, and the simulator's queue delay before a build starts. */
export const DEPLOY_MS = 200;
const QUEUE_DELAY_MS = 20;
/**
 * Calls on the longest dependency chain of a create-from-empty:
 * project.all -> project.create -> project.update (id marker) -> environment.create
 * -> application.create, save<Source>Provider, saveBuildType, saveEnvironment,
 * update (id marker, dirty), deploy, update (deploy queued, dirty cleared) ->
 * [build] -> deployment.all -> domain.create -> application.update (domain id).
 */
export const CHAIN_CALLS = 14;

/** Figures of one fleet run at one latency. */
export interface FleetFigures {
  latencyMs: number;
  applications: number;
  converge: {
    ms: number; calls: number; minCalls: number; byEndpoint: Record<string, number>; outcome: string;
    perCallMs: number; lowerBoundMs: number; sequentialMs: number;
  };
  quiet: { ms: number; calls: number; expected: number; writes: number; byEndpoint: Record<string, number>; outcome: string };
  oneChange: { ms: number; calls: number; writes: number; byEndpoint: Record<string, number>; outcome: string };
}

/** Runs the three fleet benchmarks at `latencyMs`. */
export async function runFleet(latencyMs: number, shape: FleetShape = ISSUE_FLEET): Promise<FleetFigures> {
  const root = await fleetDir(shape);
  const sim = await startSimProcess({ latencyMs, deployDurationMs: DEPLOY_MS });
  const api = benchClient(sim.url, sim.apiKey);
  try {
    const applications = shape.projects * 2 * shape.appsPerEnvironment;
    // 1. Converge from empty.
    const conv = await timedPass(api, root, benchSettings(CONCURRENCY));
    const convCalls = await sim.calls();
    const convCounts = byEndpoint(convCalls);
    const deploys = convCounts["application.deploy"] ?? 0;
    const extraPolls = Math.max(0, (convCounts["deployment.all"] ?? 0) - deploys);
    const minCalls = convCalls.length - extraPolls;
    await sim.idle();

    // 2. Quiet reconcile (twice: the second at concurrency 1 measures the sequential per-call time).
    await sim.resetCalls();
    const quiet = await timedPass(api, root, benchSettings(CONCURRENCY));
    const quietCalls = await sim.calls();
    await sim.resetCalls();
    const before = api.stats();
    // One call in flight: reads have their own concurrency (default 32), so set both to 1.
    await timedPass(api, root, benchSettings(1, { readConcurrency: 1 }));
    const after = api.stats();
    const totalMs = (s: typeof after): number => Object.values(s.byEndpoint).reduce((n, e) => n + e.totalMs, 0);
    // Round trip of one call as the client saw it, one at a time (manifest loading and planning excluded).
    const perCallMs = (totalMs(after) - totalMs(before)) / (after.total - before.total);

    // 3a. One env var changed in one application of the fleet.
    const file = join(root, appFile(0, "production", 7));
    await writeFile(file, (await readFile(file, "utf8")).replace('VERSION: "1"', 'VERSION: "2"'));
    await sim.resetCalls();
    const one = await timedPass(api, root, benchSettings(CONCURRENCY));
    const oneCalls = await sim.calls();

    const chainMs = CHAIN_CALLS * perCallMs + DEPLOY_MS + QUEUE_DELAY_MS;
    const lowerBoundMs = Math.max(Math.ceil(minCalls / CONCURRENCY) * perCallMs, chainMs);
    return {
      latencyMs, applications,
      converge: {
        ms: conv.ms, calls: convCalls.length, minCalls, byEndpoint: convCounts, outcome: outcomeLine(conv.result),
        perCallMs, lowerBoundMs, sequentialMs: convCalls.length * perCallMs,
      },
      quiet: {
        ms: quiet.ms, calls: quietCalls.length, expected: 1 + shape.projects + applications, writes: writes(quietCalls).length,
        byEndpoint: byEndpoint(quietCalls), outcome: outcomeLine(quiet.result),
      },
      oneChange: { ms: one.ms, calls: oneCalls.length, writes: writes(oneCalls).length, byEndpoint: byEndpoint(oneCalls), outcome: outcomeLine(one.result) },
    };
  } finally {
    await api.close();
    await sim.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** The figures as the report prints them. */
export function formatFleet(f: FleetFigures): string {
  const c = f.converge;
  const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const readsOnly = (counts: Record<string, number>): string => formatCounts(counts, "      ");
  return [
    `Fleet at ${f.latencyMs} ms added latency per call, concurrency ${CONCURRENCY}, ${f.applications} applications + ${f.applications} domains, ${DEPLOY_MS} ms builds`,
    `  1. converge from empty: ${secs(c.ms)} wall; ${c.outcome}`,
    `     API calls: ${c.calls} (minimum ${c.minCalls}: deployment.all polls beyond one per deploy not counted)`,
    readsOnly(c.byEndpoint),
    `     measured per-call time: mean client round trip of the ${f.quiet.expected} calls of a quiet pass at concurrency 1: ${c.perCallMs.toFixed(2)} ms`,
    `     lower bound = max(ceil(minimum calls / ${CONCURRENCY}) x per-call time, chain of ${CHAIN_CALLS} calls x per-call time + build + queue delay) = ${secs(c.lowerBoundMs)}`,
    `     ratio to lower bound: ${x(c.ms, c.lowerBoundMs)} (target <= 1.5x)`,
    `     sequential baseline (computed: ${c.calls} calls x per-call time, one at a time, not waiting for builds) = ${secs(c.sequentialMs)}; speed-up ${x(c.sequentialMs, c.ms)} (target >= 5x)`,
    `  2. quiet reconcile: ${secs(f.quiet.ms)} wall; calls expected ${f.quiet.expected} (project.all + one project.one per project + one application.one per application), actual ${f.quiet.calls}; writes ${f.quiet.writes}; ${f.quiet.outcome}`,
    readsOnly(f.quiet.byEndpoint),
    `  3a. one env var changed in one application: ${secs(f.oneChange.ms)} wall (deploy followed to done), ${f.oneChange.calls} calls, ${f.oneChange.writes} writes; ${f.oneChange.outcome}`,
    readsOnly(f.oneChange.byEndpoint),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const latency = Number(process.argv[2] ?? 5);
  const projects = Number(process.argv[3] ?? ISSUE_FLEET.projects);
  console.log(formatFleet(await runFleet(latency, { ...ISSUE_FLEET, projects })));
}
