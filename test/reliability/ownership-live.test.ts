/**
 * Ownership, live: random unowned look-alikes are seeded into the simulator
 * before and between an apply, a second apply and a prune of half the
 * manifests: projects with a desired name but no marker, a malformed or
 * another instance's marker, applications with a desired name in a managed
 * environment, a copy of one of our applications (Dokploy's duplicate
 * feature copies the marker with the wrong id), and hand-made domains inside
 * applications we own. Afterwards every one of them is byte-for-byte what it
 * was, and no write call named any of them. OWNERSHIP_RUNS (default 25) and
 * OWNERSHIP_SEED replay.
 * (The planner-level property at 10,000 cases is
 * test/unit/plan/ownership.property.test.ts with PROPERTY_RUNS=10000, run by
 * scripts/reliability.sh.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appFile, writeFleet } from "../../bench/lib/fleet.ts";
import { renderDescription } from "../../src/model/marker.ts";
import { startSimulator, type SeedData, type SimulatorHandle, type SimulatorState } from "../../src/simulator/index.ts";
import { seedLookalikes } from "./lookalikes.ts";
import { applySettings, CANARY, CANARY_ENV, CanaryScan, duplicates, faultClient, pass, rowsById, seeded, writesToAny } from "./support.ts";
import { FAST_BUILDS } from "../helpers/simulator.ts";

const RUNS = Number(process.env.OWNERSHIP_RUNS ?? 25);
const SEED = Number(process.env.OWNERSHIP_SEED ?? 9_000);
const SHAPE = { projects: 3, appsPerEnvironment: 3, secretFromEnv: CANARY_ENV };
const PROJECTS = ["p00", "p01", "p02"];
const APPS = ["app-000", "app-001", "app-002"];

const scan = new CanaryScan();
const root = mkdtempSync(join(tmpdir(), "dg-reliability-ownership-"));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  scan.expectClean();
});

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Before the first apply: whole projects that look like ours. */
function projectLookalikes(rng: Rng, run: number): SeedData {
  const projects: NonNullable<SeedData["projects"]> = [];
  const n = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < n; i++) {
    const kind = pick(rng, ["same-name", "foreign", "malformed", "other-name"] as const);
    const name = kind === "other-name" ? `legacy-${run}-${i}` : kind === "same-name" && rng() < 0.3 ? pick(rng, PROJECTS) : `${pick(rng, PROJECTS)}-${kind}-${i}`;
    if (projects.some((p) => p.name === name)) continue;
    const description =
      kind === "foreign" ? renderDescription("", { v: 1, instance: "other", key: `Project/${name}`, id: "elsewhere" })
        : kind === "malformed" ? "notes\ndokploy-gitops:managed {not json"
          : "made by hand";
    projects.push({
      name, description,
      environments: [{ name: "production", applications: APPS.map((a) => ({ name: a, appName: `${name}-${a}-${run}`, domains: [{ host: `${a}.${name}.example.com` }] })) }],
    });
  }
  return { projects };
}

/** After an apply: look-alikes inside what the tool now manages. */
function insideLookalikes(rng: Rng, state: SimulatorState, run: number, round: number): SeedData {
  const applications: NonNullable<SeedData["applications"]> = [];
  const domains: NonNullable<SeedData["domains"]> = [];
  let n = 0;
  for (const p of state.projects.filter((x) => PROJECTS.includes(x.name))) {
    for (const e of p.environments) {
      for (const a of e.applications) {
        const owned = (a.description ?? "").includes('"instance":"default"');
        if (!owned || rng() > 0.3) continue;
        const tag = `${run}-${round}-${n++}`;
        switch (pick(rng, ["copy", "hand-domain", "foreign", "plain"] as const)) {
          case "copy": // Dokploy's "duplicate": same description (our marker, the original's id)
            applications.push({ environmentId: e.environmentId, name: `${a.name}-copy-${tag}`, appName: `copy-${tag}`, description: a.description });
            break;
          case "hand-domain":
            domains.push({ applicationId: a.applicationId, host: `hand-${tag}.example.com` });
            break;
          case "foreign":
            applications.push({ environmentId: e.environmentId, name: `other-${tag}`, appName: `other-${tag}`, description: renderDescription("", { v: 1, instance: "other", key: `Application/${p.name}/${e.name}/other-${tag}`, id: "x" }) });
            break;
          case "plain":
            applications.push({ environmentId: e.environmentId, name: `hand-${tag}`, appName: `hand-${tag}`, description: null, domains: [{ host: `hand-${tag}.example.com` }] });
            break;
        }
      }
    }
  }
  return { applications, domains };
}

async function oneRun(run: number): Promise<{ run: number; writes: string[]; changed: string[]; duplicates: string[]; lookalikes: number; outcomes: string[]; deletes: number }> {
  const rng = seeded(SEED + run);
  const dir = join(root, `run-${run}`);
  await writeFleet(dir, SHAPE);
  const sim: SimulatorHandle = await startSimulator({ seed: SEED + run, apiKey: CANARY.apiKey, deployDurationMs: 2, queueDelayMs: 0, ...FAST_BUILDS });
  const api = faultClient(sim, 5_000);
  try {
    const ids = seedLookalikes(sim, projectLookalikes(rng, run));
    const snapshot = new Map<string, string>();
    const remember = (): void => {
      const rows = rowsById(sim.control.state());
      for (const id of ids) if (!snapshot.has(id)) snapshot.set(id, rows.get(id)!);
    };
    remember();
    const outcomes: string[] = [];
    outcomes.push((await pass(api, dir, applySettings(), scan)).reason);
    for (const id of seedLookalikes(sim, insideLookalikes(rng, sim.control.state(), run, 1))) ids.add(id);
    remember();
    outcomes.push((await pass(api, dir, applySettings(), scan)).reason);
    for (const id of seedLookalikes(sim, insideLookalikes(rng, sim.control.state(), run, 2))) ids.add(id);
    remember();
    // Remove half the manifests (and one whole project), then prune.
    for (let pi = 0; pi < SHAPE.projects; pi++) {
      for (const env of ["production", "staging"]) for (let i = 0; i < SHAPE.appsPerEnvironment; i++) if (pi === 2 || rng() < 0.5) rmSync(join(dir, appFile(pi, env, i)));
    }
    rmSync(join(dir, "p02", "project.yaml"));
    outcomes.push((await pass(api, dir, applySettings({ prune: true }), scan)).reason);
    const rows = rowsById(sim.control.state());
    return {
      run,
      writes: writesToAny(sim.control.calls(), ids).map((c) => `${c.endpoint} ${JSON.stringify(c.body)}`),
      changed: [...snapshot].filter(([id, row]) => rows.get(id) !== row).map(([id, row]) => `${id}: ${row} -> ${rows.get(id) ?? "(gone)"}`),
      duplicates: duplicates(sim.control.state(), (p) => PROJECTS.includes(p)),
      lookalikes: ids.size,
      outcomes,
      deletes: sim.control.calls().filter((c) => c.endpoint.endsWith(".delete") || c.endpoint === "project.remove" || c.endpoint === "environment.remove").length,
    };
  } finally {
    await api.close();
    await sim.close();
  }
}

describe(`reliability: ownership with random unowned look-alikes (${RUNS} seeded runs)`, () => {
  it("apply, apply and prune leave every look-alike byte-for-byte unchanged and never write to one", { timeout: 60_000 + RUNS * 5_000 }, async () => {
    const reports = [];
    for (let start = 0; start < RUNS; start += 5) {
      reports.push(...(await Promise.all(Array.from({ length: Math.min(5, RUNS - start) }, (_, i) => oneRun(start + i)))));
    }
    const bad = reports.filter((r) => r.writes.length > 0 || r.changed.length > 0);
    expect(bad.map((r) => ({ ...r, replay: `OWNERSHIP_RUNS=${r.run + 1} OWNERSHIP_SEED=${SEED}` }))).toEqual([]);
    expect(reports.flatMap((r) => r.duplicates.filter((d) => !/-copy-|^domain /.test(d)))).toEqual([]);
    expect(reports.reduce((n, r) => n + r.lookalikes, 0)).toBeGreaterThan(RUNS * 3);
    // The prune really deleted owned objects next to the look-alikes.
    expect(reports.every((r) => r.deletes > 0), JSON.stringify(reports.map((r) => r.outcomes))).toBe(true);
  });
});
