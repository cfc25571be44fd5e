/**
 * The export's promise, as a property over random live worlds seeded into the
 * simulator (`test/helpers/live-world.ts`: every kind; applications of every
 * source and build type with env, build args and secrets, registry
 * passwords, resources, lifecycle, domains, ports, mounts of each type,
 * redirects, basic-auth users and schedules; raw and git compose stacks
 * with domains, mounts and schedules; the six databases with their backups;
 * variables holding another service's password or host (written as references);
 * objects free, ours, another instance's, copied or unreadable): after
 * `export --adopt`, with the `.env.example` variables set to the live values,
 * `plan` shows adoptions (and, for what was already ours, no-ops) and no
 * field change, no deploy, no start or stop; `apply` succeeds; the next
 * `plan` shows no changes. Along the way: export calls read endpoints only,
 * lists another instance's objects as left out, leaves them byte for byte
 * as they were, and no secret value reaches a file or an output.
 * EXPORT_RUNS (default 15, quick in `npm test`; `scripts/reliability.sh --extras` runs 500) and
 * EXPORT_SEED replay.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isWriteEndpoint } from "../../../src/dokploy/port.ts";
import { KINDS } from "../../../src/kinds/registry.ts";
import { SERVED_ENDPOINTS } from "../../../src/simulator/endpoints.ts";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { runCliInProcess } from "../../helpers/cli-in-process.ts";
import { CHILD_FIELDS, parseDescription } from "../../../src/model/marker.ts";
import { WORLD_CANARY, seedWorld, worldArb, type World } from "../../helpers/live-world.ts";
import { GONE_DOMAIN_ID, GONE_MOUNT_ID } from "../../helpers/live-world-children.ts";
import { GONE_BACKUP_ID } from "../../helpers/live-world-databases.ts";
import { foreignLabels, handMadeBackups, secretValue, takenOver } from "../../helpers/live-world-expect.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";

const RUNS = Number(process.env.EXPORT_RUNS ?? 15);
/** The simulator state's lists of services other than applications, with their id column. */
const SERVICE_LISTS: ReadonlyArray<[string, string]> = [["compose", "composeId"], ...["postgres", "mysql", "mariadb", "mongo", "redis", "libsql"].map((k): [string, string] => [k, `${k}Id`])];
const SEED = process.env.EXPORT_SEED === undefined ? undefined : Number(process.env.EXPORT_SEED);

const root = mkdtempSync(join(tmpdir(), "dg-export-roundtrip-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, text: readFileSync(path, "utf8") });
  }
  return out;
}

/** `.env.example` as variables with the resource label and pointer of their comment. */
export function envExampleVariables(text: string): Array<{ name: string; label: string; pointer: string }> {
  const out: Array<{ name: string; label: string; pointer: string }> = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=$/.exec(line);
    if (!m) return;
    const comment = /^# (\S+): (\/\S+)$/.exec(lines[i - 1] ?? "");
    if (!comment) throw new Error(`.env.example: ${m[1]} has no "# resource: pointer" comment above it`);
    out.push({ name: m[1]!, label: comment[1]!, pointer: comment[2]! });
  });
  return out;
}

interface PlanJson {
  summary: { changes: number; counts: Record<string, number> };
  steps: Array<{ key: string; action: string; changes: unknown[]; deploy: boolean; lifecycle?: string }>;
}

/** The kinds the first plans adopted or found in sync, over the whole run (the generator must reach every kind). */
const planned = new Set<string>();
/** Variables written as references to another service (a password, a host), over the whole run. */
let references = 0;

async function roundTrip(sim: SimulatorHandle, world: World, dir: string): Promise<void> {
  await seedWorld(sim, world);
  const stateBefore = JSON.stringify(sim.control.state());
  const connection = ["--url", sim.url];
  const keyEnv = { DOKPLOY_API_KEY: sim.apiKey };
  const outputs: string[] = [];
  const run = async (args: string[], env: Record<string, string>) => {
    const r = await runCliInProcess(args, env);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  sim.control.resetCalls();
  const exported = await run(["export", ...connection, "--out", dir, "--adopt"], keyEnv);
  expect(exported.code, exported.stderr + exported.stdout).toBe(0);
  expect(sim.control.calls().filter((c) => c.method !== "GET" || isWriteEndpoint(c.endpoint)), "export writes nothing").toEqual([]);
  expect(exported.stdout, "no field fails the export's own round-trip check").not.toContain("warning:");
  const leftOut = [...exported.stdout.matchAll(/^ {2}(\S+): (.*)$/gm)].map((m) => ({ label: m[1]!, reason: m[2]! }));
  const backups = leftOut.filter((l) => l.label.includes("/backup:") && l.reason.startsWith("a backup made by hand"));
  const objects = leftOut.filter((l) => !backups.includes(l));
  expect(objects.filter((l) => !l.reason.includes("another dokploy-gitops instance")), "only another instance's objects are left out").toEqual([]);
  expect(objects.map((l) => l.label).sort()).toEqual(foreignLabels(world).sort());
  expect(backups.map((l) => l.label.split("/backup:")[0]).sort(), "each backup made by hand is listed").toEqual(handMadeBackups(world).sort());

  const env: Record<string, string> = { ...keyEnv };
  for (const v of envExampleVariables(readFileSync(join(dir, ".env.example"), "utf8"))) {
    const value = secretValue(world, v.label, v.pointer);
    expect(value, `${v.name} (${v.label} ${v.pointer}) names a live value`).toBeDefined();
    env[v.name] = value!;
  }

  const plan = await run(["plan", dir, ...connection, "--output", "json"], env);
  expect(plan.code, plan.stderr).toBe(0);
  const first = JSON.parse(plan.stdout) as PlanJson;
  for (const s of first.steps) if (s.action === "adopt" || s.action === "noop") planned.add(s.key.split("/")[0]!);
  const unexpected = first.steps.filter((s) => !["adopt", "noop"].includes(s.action) || s.changes.length > 0 || s.deploy || s.lifecycle);
  expect(unexpected, "the first plan after export: adoptions and no-ops only").toEqual([]);

  const applied = await run(["apply", dir, ...connection, "--deploy-timeout", "20s"], env);
  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  const again = await run(["plan", dir, ...connection, "--output", "json"], env);
  const second = JSON.parse(again.stdout) as PlanJson;
  expect(second.steps.filter((s) => s.action !== "noop"), "the plan after apply: no changes").toEqual([]);

  // Everything exported is now ours: a forgotten list or entry (left alone by the plan) would not be.
  const descriptions = new Map<string, string | null>();
  for (const p of sim.control.state().projects) {
    for (const e of p.environments) {
      const lists = e as unknown as Record<string, Array<Record<string, unknown>>>;
      for (const a of e.applications) descriptions.set(a.applicationId, a.description);
      for (const [list, idKey] of SERVICE_LISTS) for (const x of lists[list] ?? []) descriptions.set(String(x[idKey]), (x.description as string | null) ?? null);
    }
  }
  for (const t of takenOver(world)) {
    const marker = parseDescription(descriptions.get(t.id) ?? null).marker;
    // A record of an entry deleted in the UI may stay until the next write: it names nothing live.
    const ids = (records: Record<string, { id?: string }> | undefined): string[] => Object.values(records ?? {}).map((r) => r.id ?? "(intent)").filter((id) => ![GONE_MOUNT_ID, GONE_DOMAIN_ID, GONE_BACKUP_ID].includes(id)).sort();
    expect({ instance: marker?.instance, id: marker?.id }, `${t.label} is ours after apply`).toEqual({ instance: "default", id: t.id });
    expect(ids(marker?.domains), `${t.label}: its domains are ours`).toEqual(t.domains);
    for (const field of CHILD_FIELDS) expect(ids(marker?.[field]), `${t.label}: its ${field} are ours`).toEqual(t.children[field] ?? []);
    expect(ids(marker?.backups), `${t.label}: its recorded backups are still ours`).toEqual(t.backups);
  }

  // Another instance's objects: untouched.
  const after = sim.control.state();
  const ids = new Set<string>();
  for (const p of world.projects) {
    if (p.standing === "foreign") ids.add(p.id);
    for (const e of p.environments) {
      if (e.standing === "foreign") ids.add(e.id);
      for (const a of e.apps) if (a.standing === "foreign") ids.add(a.id);
      for (const c of e.stacks) if (c.standing === "foreign") ids.add(c.id);
      for (const d of e.databases) if (d.standing === "foreign") ids.add(d.id);
    }
  }
  const rows = (state: ReturnType<SimulatorHandle["control"]["state"]>): Map<string, string> => {
    const m = new Map<string, string>();
    for (const p of state.projects) {
      m.set(p.projectId, `${p.name}|${p.description}|${p.env}`);
      for (const e of p.environments) {
        m.set(e.environmentId, `${e.name}|${e.description}|${e.env}`);
        for (const a of e.applications) m.set(a.applicationId, `${a.name}|${a.description}|${a.env}`);
        const lists = e as unknown as Record<string, Array<Record<string, unknown>>>;
        for (const [list, idKey] of SERVICE_LISTS) for (const x of lists[list] ?? []) m.set(String(x[idKey]), JSON.stringify(x));
      }
    }
    return m;
  };
  const beforeRows = rows(JSON.parse(stateBefore) as ReturnType<SimulatorHandle["control"]["state"]>);
  const afterRows = rows(after);
  for (const id of ids) expect(afterRows.get(id), `another instance's object ${id}`).toBe(beforeRows.get(id));

  references += filesUnder(dir).reduce((n, f) => n + (f.text.match(/^\s+ref: [A-Za-z]+\/\S+$/gm) ?? []).length, 0);
  const leaks = [...filesUnder(dir).map((f) => `${f.path}\n${f.text}`), ...outputs].filter((t) => t.includes(WORLD_CANARY));
  expect(leaks, "a secret value in an exported file or an output").toEqual([]);
}

/** Compose stacks join the worlds once the simulator serves compose (the pure round trip covers them meanwhile: test/unit/export). */
const SIMULATES_COMPOSE = "compose.one" in SERVED_ENDPOINTS;

describe("export -> plan -> apply -> plan, over random live worlds", () => {
  it(`round-trips with adoptions only, then no changes (${RUNS} worlds${SIMULATES_COMPOSE ? ", compose included" : "; compose not simulated yet"})`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(worldArb({ compose: SIMULATES_COMPOSE }), async (world) => {
        const sim = await startTestSimulator({ seed: ++n });
        const dir = join(root, `run-${n}`);
        try {
          await roundTrip(sim, world, dir);
        } finally {
          await sim.close();
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true },
    );
    // Enough worlds reach every kind (a few may not: `npm test` runs a handful).
    if (RUNS >= 100 && SIMULATES_COMPOSE) expect([...KINDS].filter((k) => !planned.has(k)), "kinds no world had").toEqual([]);
    if (RUNS >= 15) expect(references, "variables written as references to another service").toBeGreaterThan(0);
  }, 600_000);
});
