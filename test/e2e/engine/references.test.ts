/**
 * References journeys (issue 19), the real CLI against the simulator over
 * HTTP: services in one commit wired together by reference (`web` reads the
 * host Dokploy gives `api`, the `db` Postgres and the `cache` compose stack,
 * the database's password directly and through a composed value, and its
 * own domain's URL). One apply creates everything, with the real
 * appNames in `web`'s env; the plan before shows "(known after apply)"; the
 * plan after is empty; a changed value (a new password, a recreated
 * service) reaches `web` in one apply with one deploy; the canary secret
 * never appears in any output; a missing target and a cycle are validation
 * errors with file:line, and cost no API call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord, SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import { runCliProcess, type CliResult } from "../../helpers/cli.ts";
import { api, startTestSimulator } from "../../helpers/simulator.ts";
import { Scratch, application, envMap, environment, expectExit, markerOf, runEngine, writeCalls, type ManifestTree } from "./support.ts";

const CANARY = "canary-pw-7f3a91c2";
const CANARY_2 = "canary-pw-second-55e0d1";

const scratch = new Scratch();
let sim: SimulatorHandle;
let tree: ManifestTree;
/** Every output of every run, checked for the canaries at the end. */
const outputs: string[] = [];

interface JsonChange { path: string; op: string; after?: unknown; secret?: string; pending?: string }
interface JsonStep { key: string; action: string; deploy: boolean; dependsOn: string[]; changes: JsonChange[]; references?: Array<{ target: string; field: string; secret: boolean; value?: string }> }

async function run(command: "plan" | "apply", args: string[] = [], password = CANARY, dir = tree.dir): Promise<CliResult> {
  const r = await runEngine(sim, command, dir, args, { env: { WIRE_DB_PASSWORD: password } });
  outputs.push(r.stdout, r.stderr);
  return r;
}

async function planJson(password = CANARY): Promise<JsonStep[]> {
  const r = expectExit(await run("plan", ["--detailed-exitcode", "--output", "json"], password), 2);
  return (JSON.parse(r.stdout) as { steps: JsonStep[] }).steps;
}

const stepOf = (steps: JsonStep[], key: string): JsonStep => {
  const s = steps.find((x) => x.key === key);
  if (!s) throw new Error(`no step ${key}`);
  return s;
};
const change = (s: JsonStep, path: string): JsonChange | undefined => s.changes.find((c) => c.path === path);
const deploysOf = (calls: CallRecord[], id: string): CallRecord[] => calls.filter((c) => c.endpoint === "application.deploy" && (c.body as { applicationId: string }).applicationId === id);
const app = (name: string) => application(sim.control.state(), "wire", "production", name);
/** The `db` Postgres of the wire project, as the simulator holds it. */
const postgresIn = (state: SimulatorState) => {
  const found = environment(state, "wire", "production").postgres.filter((d) => d.name === "db");
  if (found.length !== 1) throw new Error(`expected one postgres "db", found ${found.length}`);
  return found[0]!;
};
const pg = () => postgresIn(sim.control.state());
const cacheAppName = (): string => {
  const stacks = environment(sim.control.state(), "wire", "production").compose.filter((c) => c.name === "cache");
  if (stacks.length !== 1) throw new Error(`expected one compose "cache", found ${stacks.length}`);
  return stacks[0]!.appName;
};

beforeAll(async () => {
  sim = await startTestSimulator();
  tree = scratch.tree("references");
}, 60_000);

afterAll(async () => {
  await sim?.close();
  scratch.cleanup();
});

describe("services wired by reference, created in one commit", () => {
  let planText: string;
  let steps: JsonStep[];
  let applyOut: string;

  beforeAll(async () => {
    planText = expectExit(await run("plan", ["--detailed-exitcode"]), 2).stdout;
    steps = await planJson();
    expect(writeCalls(sim.control.calls())).toEqual([]);
    sim.control.resetCalls();
    applyOut = expectExit(await run("apply"), 0).stdout;
    await sim.control.idle(10_000);
  }, 90_000);

  it("plans the values Dokploy has not chosen yet as (known after apply), secrets masked", () => {
    expect(planText).toContain("+ /spec/env/API_HOST: (known after apply)");
    expect(planText).toContain("+ /spec/env/API_URL: (known after apply)");
    expect(planText).toContain("+ /spec/env/DATABASE_URL: (secret, known after apply)");
    expect(planText).toContain("+ /spec/env/DB_HOST: (known after apply)");
    expect(planText).toContain('+ /spec/args: ["--upstream","(known after apply)"]');
    expect(planText).toContain("+ /spec/env/REDIS_URL: (known after apply)");
    // A field the manifest decides is known when planning.
    expect(planText).toContain('+ /spec/env/PUBLIC_URL: "https://web.wire.example.com"');
    const web = stepOf(steps, "Application/wire/production/web");
    expect(change(web, "/spec/env/API_HOST")).toEqual({ path: "/spec/env/API_HOST", op: "add", after: "(known after apply)", pending: "after-apply" });
    expect(change(web, "/spec/env/DATABASE_URL")).toEqual({ path: "/spec/env/DATABASE_URL", op: "add", secret: "changed", pending: "after-apply" });
  });

  it("orders the referrer after what it references", () => {
    const web = stepOf(steps, "Application/wire/production/web");
    expect(web.dependsOn).toEqual(expect.arrayContaining(["Application/wire/production/api", "Postgres/wire/production/db", "Compose/wire/production/cache"]));
    // Its own domain's URL is decided by the manifest: no edge (the domain comes after web).
    expect(web.dependsOn).not.toContain("Domain/wire/production/web/public");
    expect(web.references).toEqual(expect.arrayContaining([{ target: "Application/wire/production/api", field: "host", secret: false }]));
  });

  it("creates everything in one apply, with the real appNames in the referrer", () => {
    expect(applyOut).toContain("Apply complete: 6 created, 0 updated, 0 adopted, 0 deleted, 0 released, 0 failed.");
    const api = app("api");
    const db = pg();
    const web = app("web");
    expect(api.appName).toMatch(/^api-[a-z0-9]{6}$/);
    expect(envMap(web.env as string)).toEqual({
      API_HOST: api.appName,
      API_URL: `http://${api.appName}:8080/v1`,
      DATABASE_URL: `postgres://app:${CANARY}@${db.appName}:5432/app`,
      DB_HOST: db.appName,
      DB_PASSWORD: CANARY,
      PUBLIC_URL: "https://web.wire.example.com",
      REDIS_URL: `redis://${cacheAppName()}-redis-1:6379`,
    });
    expect(cacheAppName()).toMatch(/^cache-[a-z0-9]{6}$/);
    expect(web.args).toEqual(["--upstream", api.appName]);
    expect(deploysOf(sim.control.calls(), web.applicationId)).toHaveLength(1);
    expect(markerOf(web.description, "web").dirty).toBeUndefined();
  });

  it("plans nothing more afterwards", async () => {
    const r = expectExit(await run("plan", ["--detailed-exitcode"]), 0);
    expect(r.stdout).toContain("No changes.");
  });
});

describe("a referenced value changes", () => {
  it("a new password reaches the referrer in one apply, with one deploy", async () => {
    const steps = await planJson(CANARY_2);
    const web = stepOf(steps, "Application/wire/production/web");
    expect(web).toMatchObject({ action: "update", deploy: true });
    expect(web.changes).toEqual([
      { path: "/spec/env/DATABASE_URL", op: "replace", secret: "changed" },
      { path: "/spec/env/DB_PASSWORD", op: "replace", secret: "changed" },
    ]);
    expect(stepOf(steps, "Postgres/wire/production/db")).toMatchObject({ action: "update", changes: [{ path: "/spec/databasePassword", op: "replace", secret: "changed" }] });
    sim.control.resetCalls();
    const result = JSON.parse(expectExit(await run("apply", ["--output", "json"], CANARY_2), 0).stdout) as { outcome: string; apply: { outcomes: Array<{ key: string; action: string; status: string }> } };
    expect(result.outcome).toBe("succeeded");
    expect(result.apply.outcomes.filter((o) => o.action !== "noop").map((o) => `${o.action} ${o.key}`).sort()).toEqual(["update Application/wire/production/web", "update Postgres/wire/production/db"]);
    await sim.control.idle(10_000);
    expect(envMap(app("web").env as string)).toMatchObject({ DATABASE_URL: `postgres://app:${CANARY_2}@${pg().appName}:5432/app`, DB_PASSWORD: CANARY_2 });
    expect(pg().databasePassword).toBe(CANARY_2);
    expect(deploysOf(sim.control.calls(), app("web").applicationId)).toHaveLength(1);
    expectExit(await run("plan", ["--detailed-exitcode"], CANARY_2), 0);
  }, 90_000);

  it("a service deleted by hand is created again, and its new host reaches the referrer in the same apply", async () => {
    const oldHost = app("api").appName;
    await api(sim, "POST", "application.delete", { applicationId: app("api").applicationId });
    const text = expectExit(await run("plan", ["--detailed-exitcode"], CANARY_2), 2).stdout;
    expect(text).toContain("+ application/wire/production/api  (will be created)");
    expect(text).toContain('~ /spec/env/API_HOST: "(hidden)" -> (known after apply)');
    expect(text).toContain('~ /spec/args: ["--upstream","' + oldHost + '"] -> ["--upstream","(known after apply)"]');
    sim.control.resetCalls();
    const out = expectExit(await run("apply", [], CANARY_2), 0).stdout;
    expect(out).toContain("Apply complete: 1 created, 1 updated");
    await sim.control.idle(10_000);
    const fresh = app("api").appName;
    expect(fresh).not.toBe(oldHost);
    expect(envMap(app("web").env as string)).toMatchObject({ API_HOST: fresh, API_URL: `http://${fresh}:8080/v1` });
    expect(app("web").args).toEqual(["--upstream", fresh]);
    expect(deploysOf(sim.control.calls(), app("web").applicationId)).toHaveLength(1);
    expectExit(await run("plan", ["--detailed-exitcode"], CANARY_2), 0);
  }, 90_000);
});

describe("invalid references", () => {
  async function validateAndPlan(t: ManifestTree): Promise<{ validate: CliResult; plan: CliResult }> {
    const validate = await runCliProcess(["validate", t.dir], { env: { WIRE_DB_PASSWORD: CANARY } });
    sim.control.resetCalls();
    const plan = await run("plan", [], CANARY, t.dir);
    outputs.push(validate.stdout, validate.stderr);
    return { validate, plan };
  }

  it("a reference to a resource no manifest declares: an error at its line, and no API call", async () => {
    const t = scratch.tree("references").edit("wire.yaml", "API_HOST: { ref: Application/api, field: host }", "API_HOST: { ref: Application/apii, field: host }");
    const { validate, plan } = await validateAndPlan(t);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(`${t.dir}/wire.yaml:61:22: error: Application/web: /spec/env/API_HOST/ref: "Application/apii" names Application/wire/production/apii, which no manifest declares (did you mean Application/wire/production/api?)`);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toContain("wire.yaml:61:22");
    expect(sim.control.calls()).toEqual([]);
  });

  it("a cycle: an error at each reference on it, and no API call", async () => {
    const t = scratch.tree("references").edit("wire.yaml", "    image: nginx:1\n", "    image: nginx:1\n  env:\n    WEB: { ref: Application/web, field: host }\n");
    const { validate, plan } = await validateAndPlan(t);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(`${t.dir}/wire.yaml:21:10: error: Application/api: /spec/env/WEB: reference cycle: Application/wire/production/api -> Application/wire/production/web -> Application/wire/production/api`);
    expect(validate.stdout).toMatch(/wire\.yaml:61:22: error: Application\/web: \/spec\/args\/1: reference cycle/);
    expect(validate.stdout).toContain("invalid: 6 manifests in 1 file: 4 errors, 0 warnings");
    expect(plan.code).not.toBe(0);
    expect(sim.control.calls()).toEqual([]);
  });
});

describe("a create whose answer is lost", () => {
  it("is found again by its marker, and the referrer reads its host by reading it again", async () => {
    const own = await startTestSimulator({ seed: 7 });
    try {
      const t = scratch.tree("references");
      own.control.setFaults([{ route: "application.create", lostResponseRate: 1, count: 1 }]);
      const r = await runEngine(own, "apply", t.dir, [], { env: { WIRE_DB_PASSWORD: CANARY } });
      outputs.push(r.stdout, r.stderr);
      expectExit(r, 0);
      await own.control.idle(10_000);
      const calls = own.control.calls();
      const lost = calls.filter((c) => c.endpoint === "application.create" && c.status === "lost");
      expect(lost).toHaveLength(1);
      const state = own.control.state();
      // Nothing recorded the lost answer's appName: the referrer's step read the object again.
      const lostId = application(state, "wire", "production", (lost[0]!.body as { name: string }).name).applicationId;
      expect(calls.filter((c) => c.endpoint === "application.one" && JSON.stringify(c.body ?? "").includes(lostId))).not.toEqual([]);
      const web = application(state, "wire", "production", "web");
      const env = envMap(web.env as string);
      expect(env.API_HOST).toBe(application(state, "wire", "production", "api").appName);
      expect(env.DATABASE_URL).toBe(`postgres://app:${CANARY}@${postgresIn(state).appName}:5432/app`);
    } finally {
      await own.close();
    }
  }, 90_000);
});

describe("the canary secret", () => {
  it("never appears in any output", () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const text of outputs) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(CANARY_2);
    }
  });
});
