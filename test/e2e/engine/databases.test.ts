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
import { eventually } from "../../helpers/eventually.ts";
import { callApi, startTestSimulator } from "../../helpers/simulator.ts";
import { PassThrough } from "node:stream";
import { runCli } from "../../../src/cli/index.ts";
import { FAST_APPLY, Scratch, markerOf, textOf, writeCalls, type ManifestTree } from "./support.ts";

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
const LIBSQL_PASSWORD = "Libsql-pw-1";
/** Changed to a password no output may ever show. */
const CANARY = "Canary-7f3a9q";
let ENV: Record<string, string> = { DB_PASSWORD: PASSWORD, DB_ROOT_PASSWORD: ROOT_PASSWORD, LIBSQL_PASSWORD };
const FILE = "data.yaml";

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

/**
 * Runs the CLI in this process (`runCli`, as the reliability suites do): the
 * same code as the binary, without a Node start per run, which kept this
 * suite of some thirty runs well under a minute.
 */
async function run(command: "plan" | "apply", args: string[] = [], env: Record<string, string> = ENV): Promise<{ stdout: string; stderr: string; code: number; calls: CallRecord[] }> {
  sim.control.resetCalls();
  const collect = (): { stream: PassThrough; text: () => string } => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (b: Buffer) => (text += b.toString()));
    return { stream, text: () => text };
  };
  const out = collect();
  const err = collect();
  const argv = [command, tree.dir, "--url", sim.url, ...(command === "apply" ? FAST_APPLY : []), ...args];
  const code = await runCli(argv, { env: { DOKPLOY_API_KEY: sim.apiKey, ...env }, stdout: out.stream, stderr: err.stream });
  return { stdout: out.text(), stderr: err.text(), code, calls: sim.control.calls() };
}

/** A clean plan: exit 0 with --detailed-exitcode and no write. */
async function expectInSync(env: Record<string, string> = ENV): Promise<void> {
  const r = await run("plan", ["--detailed-exitcode"], env);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  for (const secret of Object.values(env)) expect(r.stdout + r.stderr).not.toContain(secret);
  expect(r.stdout).toContain("No changes.");
  expect(writeCalls(r.calls)).toEqual([]);
}

const callsTo = (calls: CallRecord[], endpoint: string): CallRecord[] => calls.filter((c) => c.endpoint === endpoint);

/** Edits the YAML document of database `name` (found by its metadata line). */
function editDoc(name: string, edit: (doc: string) => string): void {
  const docs = tree.read(FILE).split(/^---\n/m);
  const i = docs.findIndex((d) => d.includes(`metadata: { name: ${name},`));
  if (i < 0) throw new Error(`no document for ${name}`);
  const next = edit(docs[i]!);
  if (next === docs[i]) throw new Error(`${name}: the edit changed nothing`);
  docs[i] = next;
  tree.write(FILE, docs.join("---\n"));
}
const addSpecLine = (name: string, line: string): void => editDoc(name, (d) => d.replace("spec:\n", `spec:\n  ${line}\n`));
const dropSpecLine = (name: string, line: string): void => editDoc(name, (d) => d.replace(`  ${line}\n`, ""));

interface JsonStep { key: string; action: string; deploy: boolean; reasons: string[]; changes: Array<{ path: string; op: string; before?: unknown; after?: unknown; secret?: string }> }

/** Plans in JSON (exit 2 expected when `changes`) and returns the steps that are not no-ops, by key. */
async function planJson(changes = true): Promise<{ steps: Map<string, JsonStep>; warnings: string[]; out: string }> {
  const r = await run("plan", ["--detailed-exitcode", "--output", "json"]);
  expect(r.code, r.stdout + r.stderr).toBe(changes ? 2 : 0);
  expect(writeCalls(r.calls)).toEqual([]);
  const plan = JSON.parse(r.stdout) as { steps: JsonStep[]; warnings: string[] };
  return { steps: new Map(plan.steps.filter((s) => s.action !== "noop").map((s) => [s.key, s])), warnings: plan.warnings, out: r.stdout + r.stderr };
}

/** Applies; expects success; returns the calls. */
async function applyOk(args: string[] = []): Promise<CallRecord[]> {
  const r = await run("apply", args);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.calls;
}
const keyOf = (k: DbKind): string => `${k.kind}/data/production/${k.name}`;

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
    expect(d.databasePassword).toBe(k.kind === "LibSQL" ? LIBSQL_PASSWORD : PASSWORD);
  });

  it.each(KINDS.filter((k) => k.backups))("$kind: its nightly backup is created and recorded in the marker", (k) => {
    const d = db(k, k.name);
    expect(d.backups).toHaveLength(1);
    const b = d.backups[0]!;
    expect(b).toMatchObject({ schedule: "0 3 * * *", destinationId, prefix: "/", enabled: true });
    expect(markerOf(d.description, k.kind).backups).toEqual({ nightly: { id: b.backupId } });
  });

  it("never calls rebuild; a second plan is empty and shows no password", async () => {
    expect(calls.filter((c) => c.endpoint.endsWith(".rebuild"))).toEqual([]);
    await expectInSync();
  });
});

let handMade: string;
describe("databases: one field changes", () => {
  beforeAll(() => {
    // A database made by hand in the owned environment: never touched by anything below.
    const envId = String(db({ noun: "postgres" }, "pg").environmentId);
    sim.control.seed({ databases: [{ kind: "postgres", name: "legacy", environmentId: envId, databaseName: "old", databaseUser: "old", databasePassword: "Legacy-1" }] });
    handMade = JSON.stringify(db({ noun: "postgres" }, "legacy"));
    KINDS.forEach((k, i) => addSpecLine(k.name, `externalPort: ${15000 + i}`));
  });

  it("each kind: exactly /spec/externalPort, with a deploy", async () => {
    const { steps } = await planJson();
    expect(steps.size).toBe(KINDS.length);
    for (const [i, k] of KINDS.entries()) {
      const step = steps.get(keyOf(k))!;
      expect(step.changes, k.kind).toEqual([{ path: "/spec/externalPort", op: "replace", before: null, after: 15000 + i }]);
      expect(step.deploy).toBe(true);
    }
  });

  it("apply writes the port with update and deploys each database once (no saveExternalPort, which redeploys itself)", async () => {
    const calls = await applyOk();
    for (const [i, k] of KINDS.entries()) {
      expect(db(k, k.name).externalPort).toBe(15000 + i);
      expect(callsTo(calls, `${k.noun}.deploy`)).toHaveLength(1);
    }
    expect(calls.filter((c) => /saveExternalPorts?$/.test(c.endpoint))).toEqual([]);
    await expectInSync();
  });
});

describe("databases: a password change", () => {
  it("goes through changePassword, and the canary never appears in any output", async () => {
    ENV = { ...ENV, DB_PASSWORD: CANARY };
    const { steps, out } = await planJson();
    for (const k of KINDS.filter((x) => x.changePassword)) {
      expect(steps.get(keyOf(k))!.changes).toEqual([{ path: "/spec/databasePassword", op: "replace", secret: "changed" }]);
      expect(steps.get(keyOf(k))!.deploy).toBe(false);
    }
    const r = await run("apply");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const k of KINDS.filter((x) => x.changePassword)) {
      expect(callsTo(r.calls, `${k.noun}.changePassword`).map((c) => c.body)).toEqual([{ [`${k.noun}Id`]: idOf(k, db(k, k.name)), password: CANARY }]);
      expect(db(k, k.name).databasePassword).toBe(CANARY);
      expect(callsTo(r.calls, `${k.noun}.deploy`)).toEqual([]);
    }
    for (const output of [out, r.stdout, r.stderr]) expect(output).not.toContain(CANARY);
    await expectInSync();
  });

  it("LibSQL has no changePassword: the plan says it needs a manual step, and nothing is written", async () => {
    ENV = { ...ENV, LIBSQL_PASSWORD: CANARY };
    const r = await run("plan");
    expect(r.stdout).toContain("libsql/data/production/lite: databasePassword differs from the live one, and Dokploy cannot change a LibSQL password in place");
    expect(r.stdout + r.stderr).not.toContain(CANARY);
    const applied = await run("apply");
    expect(writeCalls(applied.calls)).toEqual([]);
    expect(db(KINDS[5], "lite").databasePassword).toBe(LIBSQL_PASSWORD);
    ENV = { ...ENV, LIBSQL_PASSWORD };
  });
});

describe("databases: state stopped, then running again", () => {
  it("stops each database, then the plan is empty", async () => {
    for (const k of KINDS) addSpecLine(k.name, "state: stopped");
    const calls = await applyOk();
    for (const k of KINDS) {
      expect(callsTo(calls, `${k.noun}.stop`)).toHaveLength(1);
      expect(db(k, k.name).applicationStatus).toBe("idle");
    }
    await expectInSync();
  });

  it("starts them again (no deploy: the configuration did not change)", async () => {
    for (const k of KINDS) dropSpecLine(k.name, "state: stopped");
    const calls = await applyOk();
    for (const k of KINDS) {
      expect(callsTo(calls, `${k.noun}.start`)).toHaveLength(1);
      expect(callsTo(calls, `${k.noun}.deploy`)).toEqual([]);
      expect(db(k, k.name).applicationStatus).toBe("done");
    }
    await expectInSync();
  });
});

describe("databases: drift", () => {
  it("a command set by hand is shown and reverted, with a deploy", async () => {
    for (const k of KINDS) {
      const res = await callApi(sim, "POST", `${k.noun}.update`, { [`${k.noun}Id`]: idOf(k, db(k, k.name)), command: "sleep infinity" });
      expect(res.status).toBe(200);
    }
    const { steps } = await planJson();
    for (const k of KINDS) expect(steps.get(keyOf(k))!.changes).toEqual([{ path: "/spec/command", op: "replace", before: "sleep infinity", after: null }]);
    const calls = await applyOk();
    for (const k of KINDS) {
      expect(db(k, k.name).command).toBeNull();
      expect(callsTo(calls, `${k.noun}.deploy`)).toHaveLength(1);
    }
    await expectInSync();
  });

  it("a database name or user changed in the manifest is a conflict, never a delete and create", async () => {
    editDoc("pg", (d) => d.replace("databaseName: app", "databaseName: other"));
    const r = await run("apply");
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("databaseName cannot be changed in place");
    expect(writeCalls(r.calls).filter((c) => c.endpoint.startsWith("postgres."))).toEqual([]);
    editDoc("pg", (d) => d.replace("databaseName: other", "databaseName: app"));
  });
});

const BACKUP_KINDS = KINDS.filter((k) => k.backups);
describe("databases: backups", () => {
  it("a schedule change updates that backup only", async () => {
    tree.write(FILE, tree.read(FILE).replaceAll('schedule: "0 3 * * *"', 'schedule: "0 4 * * *"'));
    const { steps } = await planJson();
    for (const k of BACKUP_KINDS) {
      expect(steps.get(keyOf(k))!.changes).toEqual([{ path: "/spec/backups/nightly/schedule", op: "replace", before: "0 3 * * *", after: "0 4 * * *" }]);
      expect(steps.get(keyOf(k))!.deploy).toBe(false);
    }
    const calls = await applyOk();
    expect(callsTo(calls, "backup.update")).toHaveLength(BACKUP_KINDS.length);
    for (const k of BACKUP_KINDS) expect(db(k, k.name).backups.map((b) => b.schedule)).toEqual(["0 4 * * *"]);
    await expectInSync();
  });

  it("an unknown destination is refused at plan time, before any write", async () => {
    editDoc("pg", (d) => d.replace("destination: s3-backups", "destination: nope"));
    try {
      const plan = await run("plan");
      expect(plan.stdout).toContain("! postgres/data/production/pg  (conflict: left untouched)");
      expect(plan.stdout).toContain('backup destination "nope" does not exist in Dokploy (known: s3-archive, s3-backups)');
      const r = await run("apply");
      expect(r.code).not.toBe(0);
      expect(writeCalls(r.calls)).toEqual([]);
    } finally {
      editDoc("pg", (d) => d.replace("destination: nope", "destination: s3-backups"));
    }
  });

  it("removing an entry deletes that backup; a backup made by hand is listed and left alone", async () => {
    const pg = db(KINDS[0], "pg");
    const archive = sim.control.state().destinations.find((d) => d.name === "s3-archive")!.destinationId;
    expect((await callApi(sim, "POST", "backup.create", { schedule: "@daily", prefix: "hand/", destinationId: archive, database: "app", databaseType: "postgres", postgresId: idOf(KINDS[0], pg) })).status).toBe(200);
    const manual = db(KINDS[0], "pg").backups.find((b) => b.prefix === "hand/")!;
    const listed = await run("plan", ["--output", "json"]);
    const pgStep = (JSON.parse(listed.stdout) as { steps: JsonStep[] }).steps.find((st) => st.key === keyOf(KINDS[0]))!;
    expect(pgStep.reasons, JSON.stringify(pgStep)).toContain(`postgres/data/production/pg: backups not managed by this tool, left alone: ${manual.appName} (@daily to s3-archive)`);
    const ours = new Map(BACKUP_KINDS.map((k) => [k.noun, db(k, k.name).backups.find((b) => b.prefix === "/")!.backupId]));
    for (const k of BACKUP_KINDS) editDoc(k.name, (d) => d.replace(/ {2}backups:\n(?: {4}.*\n| {6}.*\n)+/, ""));
    const calls = await applyOk();
    expect(callsTo(calls, "backup.remove").map((c) => (c.body as { backupId: string }).backupId).sort()).toEqual([...ours.values()].sort());
    for (const k of BACKUP_KINDS) expect(markerOf(db(k, k.name).description, k.kind).backups).toBeUndefined();
    expect(db(KINDS[0], "pg").backups).toEqual([manual]);
    await expectInSync();
  });
});

describe("databases: adoption", () => {
  it("a database made by hand is adopted when its manifest says so", async () => {
    const envId = String(db(KINDS[4], "cache").environmentId);
    sim.control.seed({ databases: [{ kind: "redis", name: "sessions", environmentId: envId, databasePassword: CANARY }] });
    tree.write(FILE, `${tree.read(FILE)}---\napiVersion: dokploy-gitops/v1\nkind: Redis\nmetadata:\n  name: sessions\n  project: data\n  environment: production\n  annotations: { dokploy-gitops/adopt: "true" }\nspec:\n  databasePassword: { fromEnv: DB_PASSWORD }\n`);
    const r = await run("apply");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("1 adopted");
    const sessions = db(KINDS[4], "sessions");
    expect(markerOf(sessions.description, "sessions")).toMatchObject({ key: "Redis/data/production/sessions", policy: "orphan" });
    expect(sessions.applicationStatus).toBe("done");
    expect(callsTo(r.calls, "redis.create")).toEqual([]);
    await expectInSync();
  });
});

describe("databases: prune", () => {
  const DELETED = ["my", "mg", "lite"];
  it("releases by default and deletes only where the manifest's deletion-policy delete was recorded", async () => {
    for (const name of DELETED) editDoc(name, (d) => d.replace(/metadata: \{ name: (\w+), project: data, environment: production \}/, "metadata: { name: $1, project: data, environment: production, annotations: { dokploy-gitops/deletion-policy: delete } }"));
    await applyOk();
    expect(markerOf(db(KINDS[1], "my").description, "my").policy).toBeUndefined();
    tree.write(FILE, "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: data\n");
    const plan = await run("plan", ["--prune"]);
    expect(plan.stdout).toContain("released, not deleted: a database's default deletion policy is orphan");
    const calls = await applyOk(["--prune"]);
    for (const k of KINDS) {
      const gone = DELETED.includes(k.name);
      expect(callsTo(calls, `${k.noun}.remove`)).toHaveLength(gone ? 1 : 0);
      if (!gone) expect(textOf(db(k, k.name).description)).toBe(k.name === "pg" ? "The main database" : "");
      if (!gone) expect(markerOf.bind(null, db(k, k.name).description, k.name)).toThrow(/no ownership marker/);
    }
    expect(db(KINDS[4], "sessions").description).toBe("");
    expect(calls.filter((c) => c.endpoint.endsWith(".rebuild"))).toEqual([]);
  });

  it("the hand-made database in the owned environment is byte for byte what it was", () => {
    expect(JSON.stringify(db({ noun: "postgres" }, "legacy"))).toBe(handMade);
  });
});

describe("databases: a synchronous deploy does not hold an apply that does not wait (the daemon's mode)", () => {
  it("apply --no-wait returns while Dokploy still pulls; a later plan reads the outcome from the status", async () => {
    const slow = await startTestSimulator({ databaseDeployDurationMs: 3_000 });
    const saved = { sim, tree };
    try {
      sim = slow;
      tree = scratch.empty().write(FILE, "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: data\n---\napiVersion: dokploy-gitops/v1\nkind: Redis\nmetadata: { name: cache, project: data, environment: production }\nspec:\n  databasePassword: { fromEnv: DB_PASSWORD }\n");
      const r = await run("apply", ["--no-wait"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // No manifest declares a backup: destinations are not read.
      expect(callsTo(r.calls, "destination.all")).toEqual([]);
      // Back while the deploy still holds its request in Dokploy.
      const redis = db(KINDS[4], "cache");
      expect(redis.applicationStatus).toBe("running");
      const marker = markerOf(redis.description, "cache");
      expect(marker.queuedAt).toBeDefined();
      expect(marker.dirty).toBeUndefined();
      // While it runs, the plan waits for it instead of deploying again; once done, nothing to do.
      const during = await planJson(false);
      expect(during.steps.size).toBe(0);
      await eventually(() => expect(db(KINDS[4], "cache").applicationStatus).toBe("done"), { timeoutMs: 15_000 });
      await expectInSync();
    } finally {
      ({ sim, tree } = saved);
      await slow.close();
    }
  });
});
