/**
 * Benchmark 4: the cost of the pure planner, `planReconcile`, over 10,000
 * resources (5,000 applications and 5,000 domains in 50 projects x 2
 * environments, plus the projects and environments). Two cases: planning
 * from empty (everything to create) and planning a fleet that is in sync
 * (everything no-op: the daemon's common case, where every field is
 * compared). Desired and observed states are built before the clock starts:
 * manifests loaded from a generated repository; the live state read from a
 * simulator the fleet was applied to (without waiting for builds). Time is
 * the median of 5 runs; memory is the heap-used delta across one run with GC
 * forced before (run node with --expose-gc for a stable figure). Prints
 * figures; asserts nothing.
 *
 *     node --expose-gc bench/planning.ts
 */
import { rm } from "node:fs/promises";
import { loadManifests } from "../src/manifest/index.ts";
import type { DesiredState } from "../src/model/manifest.ts";
import type { ObservedState } from "../src/model/observed.ts";
import { planReconcile } from "../src/plan/planner.ts";
import { SecretValues } from "../src/plan/secrets.ts";
import { observeDokploy } from "../src/reconcile/observe.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { fleetDir } from "./lib/fleet.ts";
import { benchClient, benchSettings, secs, timedPass } from "./lib/harness.ts";

const SHAPE = { projects: 50, appsPerEnvironment: 50 };

/** Figures of one planning case. */
export interface PlanningCase {
  name: string;
  resources: number;
  changes: number;
  medianMs: number;
  heapDeltaMiB: number;
}

/** The planning benchmark's figures. */
export interface PlanningFigures {
  cases: PlanningCase[];
  gcExposed: boolean;
  setupMs: number;
}

function measure(name: string, desired: DesiredState, observed: ObservedState): PlanningCase {
  const gc = (globalThis as { gc?: () => void }).gc;
  const settings = { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 };
  const run = (): ReturnType<typeof planReconcile> => planReconcile({ desired, observed, secrets: new SecretValues(), settings, apiCalls: 0 });
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const first = run();
  const heapDeltaMiB = (process.memoryUsage().heapUsed - before) / 1024 ** 2;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { name, resources: first.steps.length, changes: first.summary.changes, medianMs: times[2]!, heapDeltaMiB };
}

/** Builds the two states and measures the planner on each. */
export async function runPlanning(): Promise<PlanningFigures> {
  const setup = performance.now();
  const root = await fleetDir(SHAPE);
  const sim = await startSimulator({ seed: 1, deployDurationMs: 1, queueDelayMs: 0, buildsConcurrency: "unlimited", apiKey: "bench-planning-key" });
  const api = benchClient(sim.url, sim.apiKey);
  try {
    const report = await loadManifests(root);
    if (!report.desired) throw new Error(`generated fleet is invalid: ${report.diagnostics[0]?.message ?? "?"}`);
    const desired = report.desired;
    const empty: ObservedState = { projects: [] };
    const applied = await timedPass(api, root, benchSettings(32, { waitForDeploys: false }));
    if (applied.result.outcome !== "succeeded") throw new Error(`could not apply the planning fleet: ${applied.result.message}`);
    const inSync = await observeDokploy(api, desired, { instance: "default", concurrency: 32 });
    const setupMs = performance.now() - setup;
    return {
      cases: [measure("from empty (all create)", desired, empty), measure("in sync (all no-op, every field compared)", desired, inSync)],
      gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function",
      setupMs,
    };
  } finally {
    await api.close();
    await sim.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** The figures as the report prints them. */
export function formatPlanning(f: PlanningFigures): string {
  return [
    `4. Planning cost (pure planReconcile, ${SHAPE.projects} projects x 2 environments x ${SHAPE.appsPerEnvironment} applications, one domain each; setup ${secs(f.setupMs)} not counted)`,
    ...f.cases.map((c) => `   ${c.name}: ${c.resources} resources, ${c.changes} changes: ${c.medianMs.toFixed(0)} ms (median of 5), heap used +${c.heapDeltaMiB.toFixed(1)} MiB${f.gcExposed ? "" : " (no --expose-gc: heap figure includes garbage)"} (target < 1 s)`),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatPlanning(await runPlanning()));
}
