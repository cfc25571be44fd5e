/**
 * Engine journeys of the six database kinds (issue 14), over real HTTP
 * against the simulator, with the real CLI: one tree declares a Postgres,
 * MySQL, MariaDB, Mongo, Redis and LibSQL side by side, so each journey runs
 * the CLI once for all six and checks every kind (parameterised assertions).
 * Create and deploy once, a second plan empty, one field's exact diff, a
 * password change through changePassword with a canary that never shows,
 * `state: stopped`, drift corrected, backups (create, schedule change,
 * removal, unknown destination), a hand-made database left byte for byte,
 * adoption, and prune releasing by default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord, SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, markerOf, runEngine, writeCalls, type ManifestTree } from "./support.ts";

const KINDS = [
  { kind: "Postgres", noun: "postgres", name: "pg", backups: true, changePassword: true },
  { kind: "MySQL", noun: "mysql", name: "my", backups: true, changePassword: true },
  { kind: "MariaDB", noun: "mariadb", name: "maria", backups: true, changePassword: true },
  { kind: "Mongo", noun: "mongo", name: "mg", backups: true, changePassword: true },
  { kind: "Redis", noun: "redis", name: "cache", backups: false, changePassword: true },
  { kind: "LibSQL", noun: "libsql", name: "lite", backups: true, changePassword: false },
] as const;
type DbKind = (typeof KINDS)[number];
type DbState = SimulatorState["projects"][number]["environments"][number]["postgres"][number];

const PASSWORD = "Initial-pw-1";
const ROOT_PASSWORD = "Root-pw-1";
const ENV = { DB_PASSWORD: PASSWORD, DB_ROOT_PASSWORD: ROOT_PASSWORD };

const scratch = new Scratch();
let sim: SimulatorHandle;
let tree: ManifestTree;
let destinationId: string;

/** The database `name` of kind `k` in data/production (exactly one). */
function db(k: Pick<DbKind, "noun">, name: string, state = sim.control.state()): DbState {
  const env = state.projects.find((p) => p.name === "data")!.environments.find((e) => e.name === "production")!;
  const found = env[k.noun].filter((d) => d.name === name);
  if (found.length !== 1) throw new Error(`expected one ${k.noun} "${name}", found ${found.length}`);
  return found[0]!;
}
const idOf = (k: DbKind, d: DbState): string => String(d[`${k.noun}Id`]);

async function run(command: "plan" | "apply", args: string[] = [], env: Record<string, string> = ENV): Promise<{ stdout: string; stderr: string; code: number | null; calls: CallRecord[] }> {
  sim.control.resetCalls();
  const r = await runEngine(sim, command, tree.dir, args, { env });
  return { ...r, calls: sim.control.calls() };
}

/** A clean plan: exit 0 with --detailed-exitcode and no write. */
async function expectInSync(env: Record<string, string> = ENV): Promise<void> {
  const r = await run("plan", ["--detailed-exitcode"], env);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain("No changes.");
  expect(writeCalls(r.calls)).toEqual([]);
}

const callsTo = (calls: CallRecord[], endpoint: string): CallRecord[] => calls.filter((c) => c.endpoint === endpoint);

beforeAll(async () => {
  sim = await startTestSimulator();
  destinationId = sim.control.seed({ destinations: [{ name: "s3-backups", bucket: "backups" }, { name: "s3-archive", bucket: "archive" }] }).ids["destination/s3-backups"]!;
  tree = scratch.tree("databases");
}, 30_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

describe("databases: create from empty", () => {
  let calls: CallRecord[];
  beforeAll(async () => {
    const r = await run("apply");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    calls = r.calls;
  }, 60_000);

  it.each(KINDS)("$kind: created carrying its marker (policy orphan by default), deployed once, running", (k) => {
    const d = db(k, k.name);
    const marker = markerOf(d.description, k.kind);
    expect(marker).toMatchObject({ key: `${k.kind}/data/production/${k.name}`, id: idOf(k, d), policy: "orphan" });
    expect(marker.dirty).toBeUndefined();
    expect(d.applicationStatus).toBe("done");
    expect(callsTo(calls, `${k.noun}.create`)).toHaveLength(1);
    expect(callsTo(calls, `${k.noun}.deploy`)).toHaveLength(1);
    expect(d.databasePassword).toBe(PASSWORD);
  });

  it.each(KINDS.filter((k) => k.backups))("$kind: its nightly backup is created and recorded in the marker", (k) => {
    const d = db(k, k.name);
    expect(d.backups).toHaveLength(1);
    const b = d.backups[0]!;
    expect(b).toMatchObject({ schedule: "0 3 * * *", destinationId, prefix: "/", enabled: true });
    expect(markerOf(d.description, k.kind).backups).toEqual({ nightly: { id: b.backupId } });
  });

  it("never calls rebuild and never prints a password", async () => {
    expect(calls.filter((c) => c.endpoint.endsWith(".rebuild"))).toEqual([]);
    const r = await run("plan");
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it("a second plan is empty", async () => {
    await expectInSync();
  });
});
