/**
 * The crash test (issue 4): `apply` is killed with SIGKILL at a random API
 * call, then run again; the second run must converge to exactly the desired
 * objects, all marked, none duplicated, every domain recorded and every
 * application deployed after its final configuration, and a third `plan`
 * must find nothing to do.
 *
 * The kill is exact: the CLI talks to a small proxy in front of the
 * simulator that forwards calls 1..k-1, and at call k either kills the child
 * before forwarding it ("before": the call never happens) or forwards it and
 * kills the child before its answer arrives ("after": the write happened but
 * the tool never learnt it, the nastiest moment to die). Later calls are held
 * unanswered, so the simulator's call log ends exactly at the kill point.
 *
 * Three scenarios: creating the whole tree from an empty Dokploy; an update
 * of the created tree (deploy-relevant changes in several applications, a new
 * and a changed domain, a pruned domain of a redeployed application, a removed
 * application pruned), where a kill between
 * the "dirty" marker and the deploy must still end in a deploy; and a
 * teardown (an empty revision with --prune --allow-empty), where a kill
 * between a child's and its parent's delete must not strand the parent.
 * Crash points come from a seeded generator, one from each of CRASH_RUNS
 * (default 3; CRASH_UPDATE_RUNS default 2, CRASH_TEARDOWN_RUNS default 1) equal
 * slices of a clean apply's calls, with a seeded --concurrency (1, 2, 4 or 8)
 * for the killed apply; CRASH_SEED (default 20261121) seeds the
 * sequence, CRASH_CONCURRENCY (default 3) runs go at once. A failure names its
 * scenario, run, seed, k and mode, so it can be replayed with CRASH_SEED and
 * CRASH_ONLY=<run>. The defaults keep `npm test` quick; `scripts/reliability.sh
 * --extras` (run by CI after `npm test`) repeats it with 50, 10 and 5 crash points.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord, SimulatorState } from "../../../src/simulator/index.ts";
import { Random } from "../../../src/simulator/random.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";
import { startCli } from "../../helpers/cli.ts";
import { FAST_APPLY, Scratch, expectExit, markerOf, runEngine } from "./support.ts";

const RUNS = Number(process.env.CRASH_RUNS ?? 3);
const UPDATE_RUNS = Number(process.env.CRASH_UPDATE_RUNS ?? 2);
const TEARDOWN_RUNS = Number(process.env.CRASH_TEARDOWN_RUNS ?? 1);
const SEED = Number(process.env.CRASH_SEED ?? 20261121);
const CONCURRENCY = Math.max(1, Number(process.env.CRASH_CONCURRENCY ?? 3));
const ONLY = process.env.CRASH_ONLY === undefined ? undefined : Number(process.env.CRASH_ONLY);

type ExpectedApps = Record<string, Record<string, { host: string; path: string }>>;

/** What the fixture declares: the only objects that may exist after convergence. */
const EXPECTED_APPS: ExpectedApps = {
  "alpha/production/web": { public: { host: "alpha.example.com", path: "/" }, www: { host: "www.alpha.example.com", path: "/" } },
  "alpha/production/api": { public: { host: "alpha.example.com", path: "/api" } },
  "alpha/production/worker": {},
  "alpha/staging/web": { public: { host: "staging.alpha.example.com", path: "/" } },
  "alpha/staging/api": { public: { host: "staging.alpha.example.com", path: "/api" } },
  "beta/production/site": { main: { host: "beta.example.com", path: "/" } },
  "beta/production/admin": { main: { host: "admin.beta.example.com", path: "/" } },
  "beta/production/cron": { status: { host: "status.beta.example.com", path: "/" } },
};
/** After the update: alpha/staging/api pruned, alpha's www domain pruned, a new domain on beta's admin. */
const EXPECTED_APPS_UPDATED: ExpectedApps = {
  ...Object.fromEntries(Object.entries(EXPECTED_APPS).filter(([path]) => path !== "alpha/staging/api")),
  "alpha/production/web": { public: EXPECTED_APPS["alpha/production/web"]!.public! },
  "beta/production/admin": { ...EXPECTED_APPS["beta/production/admin"], extra: { host: "extra.beta.example.com", path: "/" } },
};
/** Environments whose manifests exist (so they carry a marker). */
const EXPECTED_ENVS = ["alpha/production", "alpha/staging", "beta/production"];

/** Calls that change an application's configuration (what a deploy must come after). */
const CONFIG_ENDPOINTS = new Set([
  "application.create", "application.saveGithubProvider", "application.saveGitProvider", "application.saveDockerProvider",
  "application.saveBuildType", "application.saveEnvironment",
]);


interface KillProxy {
  url: string;
  /** Calls that reached the proxy. */
  seen(): number;
  close(): Promise<void>;
}

/**
 * A proxy that forwards calls 1..k-1 to `target` and kills at call k
 * (see the module comment); `kill` must end the client.
 */
async function startKillProxy(target: string, k: number, mode: "before" | "after", kill: () => void): Promise<KillProxy> {
  let n = 0;
  const sockets = new Set<Socket>();
  const forward = async (req: IncomingMessage, body: Buffer): Promise<{ status: number; type: string; text: string }> => {
    const headers: Record<string, string> = {};
    for (const h of ["x-api-key", "content-type", "accept"]) {
      const v = req.headers[h];
      if (typeof v === "string") headers[h] = v;
    }
    const res = await fetch(`${target}${req.url ?? "/"}`, {
      method: req.method ?? "GET", headers, ...(req.method === "POST" ? { body } : {}), signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, type: res.headers.get("content-type") ?? "application/json", text: await res.text() };
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const seq = ++n;
    if (seq > k) return; // held: never forwarded, never answered
    if (seq === k && mode === "before") {
      kill();
      return;
    }
    const answer = await forward(req, body);
    if (seq === k) {
      kill();
      return;
    }
    res.writeHead(answer.status, { "content-type": answer.type });
    res.end(answer.text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const scratch = new Scratch();

/** One way to crash: what is applied first (not killed), what the killed apply and the re-run apply. */
interface Scenario {
  name: string;
  /** Applied to completion before the killed run (the update scenario's starting point). */
  base?: string;
  target: string;
  args: string[];
  expected: ExpectedApps;
  /** API calls of one clean run of the target apply: the range crash points are drawn from. */
  cleanCalls: number;
  runs: number;
  /** Projects and (declared, so marked) environments left after convergence. */
  projects: string[];
  envs: string[];
}

const TREE = { projects: ["alpha", "beta"], envs: EXPECTED_ENVS };
const create: Scenario = { name: "create", target: "", args: [], expected: EXPECTED_APPS, cleanCalls: 0, runs: RUNS, ...TREE };
const update: Scenario = { name: "update", target: "", args: ["--prune"], expected: EXPECTED_APPS_UPDATED, cleanCalls: 0, runs: UPDATE_RUNS, ...TREE };
const teardown: Scenario = {
  name: "teardown", target: "", args: ["--prune", "--allow-empty", "--max-deletions", "50"], expected: {}, cleanCalls: 0, runs: TEARDOWN_RUNS, projects: [], envs: [],
};

interface CrashPlan {
  run: number;
  k: number;
  mode: "before" | "after";
  /** `--concurrency` of the killed apply: different interleavings leave different half-done states. */
  concurrency: number;
}

/** The crash fixture after a round of edits: deploy-relevant changes, domain changes, a removal. */
function updatedTree(): string {
  const tree = scratch.tree("crash");
  tree.edit("alpha.yaml", "NODE_ENV: production", "NODE_ENV: staging");
  tree.edit("alpha.yaml", "command: bin/worker", "command: bin/worker --fast");
  tree.edit("alpha.yaml", "repository: web\n    branch: develop", "repository: web\n    branch: release");
  tree.dropDocuments("alpha.yaml", (doc) => /^ {2}environment: staging$/m.test(doc) && (/^ {2}name: api$/m.test(doc) || /^ {2}application: api$/m.test(doc)));
  tree.dropDocuments("alpha.yaml", (doc) => /^ {2}name: www$/m.test(doc));
  tree.edit("beta.yaml", "image: ghost:5", "image: ghost:6");
  tree.edit("beta.yaml", "port: 8081", "port: 8082");
  tree.write("beta-extra.yaml", "apiVersion: dokploy-gitops/v1\nkind: Domain\nmetadata:\n  name: extra\n  project: beta\n  environment: production\n  application: admin\nspec:\n  host: extra.beta.example.com\n");
  return tree.dir;
}

beforeAll(async () => {
  create.target = scratch.tree("crash").dir;
  update.base = create.target;
  update.target = updatedTree();
  teardown.base = create.target;
  teardown.target = scratch.empty().dir;
  const sim = await startTestSimulator();
  try {
    expectExit(await runEngine(sim, "apply", create.target, ["--revision", "clean"]), 0);
    create.cleanCalls = sim.control.calls().length;
    sim.control.resetCalls();
    expectExit(await runEngine(sim, "apply", update.target, ["--revision", "clean", ...update.args]), 0);
    update.cleanCalls = sim.control.calls().length;
    await sim.control.idle(10_000);
    sim.control.resetCalls();
    expectExit(await runEngine(sim, "apply", teardown.target, ["--revision", "clean", ...teardown.args]), 0);
    teardown.cleanCalls = sim.control.calls().length;
  } finally {
    await sim.close();
  }
}, 90_000);

afterAll(() => scratch.cleanup());

/** Every expectation on the converged state; messages name the object at fault. */
function checkConverged(state: SimulatorState, calls: CallRecord[], sc: Scenario, what: string): void {
  const expected = sc.expected;
  const names = (list: Array<{ name: string }>): string[] => list.map((x) => x.name).sort();
  expect(names(state.projects), `${what}: projects`).toEqual(sc.projects);
  const envPaths: string[] = [];
  const appPaths: string[] = [];
  for (const p of state.projects) {
    const pm = markerOf(p.description, `${what}: project ${p.name}`);
    expect(pm, `${what}: project ${p.name} marker`).toEqual({ v: 1, instance: "default", key: `Project/${p.name}`, id: p.projectId });
    for (const e of p.environments) {
      envPaths.push(`${p.name}/${e.name}`);
      const em = markerOf(e.description, `${what}: environment ${p.name}/${e.name}`);
      expect(em, `${what}: environment ${p.name}/${e.name} marker`).toEqual({ v: 1, instance: "default", key: `Environment/${p.name}/${e.name}`, id: e.environmentId });
      for (const a of e.applications) {
        const path = `${p.name}/${e.name}/${a.name}`;
        appPaths.push(path);
        const am = markerOf(a.description, `${what}: application ${path}`);
        // Complete (its own id) and not dirty; `queuedAt` records the last deploy the tool queued.
        expect(typeof am.queuedAt, `${what}: application ${path} records its queued deploy`).toBe("string");
        expect({ ...am, domains: undefined, queuedAt: undefined }, `${what}: application ${path} marker (complete, not dirty)`).toEqual({
          v: 1, instance: "default", key: `Application/${path}`, id: a.applicationId, domains: undefined, queuedAt: undefined,
        });
        const want = expected[path] ?? {};
        const live = a.domains.map((d) => ({ host: d.host, path: (d.path as string | null) ?? "/" })).sort((x, y) => `${x.host}${x.path}`.localeCompare(`${y.host}${y.path}`));
        expect(live, `${what}: domains of ${path} (no duplicates, no strays)`).toEqual(Object.values(want).sort((x, y) => `${x.host}${x.path}`.localeCompare(`${y.host}${y.path}`)));
        const recorded = Object.fromEntries(Object.keys(want).map((name) => {
          const d = a.domains.find((x) => x.host === want[name]!.host && ((x.path as string | null) ?? "/") === want[name]!.path);
          return [name, { ...want[name], id: d?.domainId }];
        }));
        expect(am.domains ?? {}, `${what}: domain records of ${path}`).toEqual(recorded);
        deployedAfterConfig(a, calls, `${what}: ${path}`);
      }
    }
  }
  expect(envPaths.sort(), `${what}: environments`).toEqual([...sc.envs].sort());
  expect(appPaths.sort(), `${what}: applications`).toEqual(Object.keys(expected).sort());
}

/**
 * The last successful deploy call of the application comes after its last
 * configuration call, and it finished. (An `application.update` carrying
 * columns counts as configuration; the scenarios change no description, so
 * every such update is deploy-relevant.)
 */
function deployedAfterConfig(app: SimulatorState["projects"][number]["environments"][number]["applications"][number], calls: CallRecord[], what: string): void {
  const mine = calls.filter((c) => c.status === 200 && (c.body as { applicationId?: string } | undefined)?.applicationId === app.applicationId);
  const isConfig = (c: CallRecord): boolean =>
    CONFIG_ENDPOINTS.has(c.endpoint) ||
    (c.endpoint === "application.update" && Object.keys(c.body as object).some((key) => key !== "applicationId" && key !== "description"));
  // application.create carries no applicationId in its body: the app's first call is its create.
  const lastConfig = Math.max(0, ...mine.filter(isConfig).map((c) => c.seq));
  const lastDeploy = Math.max(0, ...mine.filter((c) => c.endpoint === "application.deploy").map((c) => c.seq));
  expect(lastDeploy, `${what}: deployed after its last configuration call (#${lastConfig})`).toBeGreaterThan(lastConfig);
  expect(app.deployments.some((d) => d.status === "done"), `${what}: a finished deployment`).toBe(true);
  expect(app.deployments.filter((d) => d.status === "running"), `${what}: no deployment still running`).toEqual([]);
}

function crashPlans(sc: Scenario): CrashPlan[] {
  const random = new Random(SEED + (sc === update ? 1 : sc === teardown ? 2 : 0));
  const rnd = (): number => random.next();
  const plans: CrashPlan[] = [];
  for (let run = 1; run <= sc.runs; run++) {
    // Stratified: run i draws from the i-th slice of [1, cleanCalls], so the early calls
    // (project and environment creates) are hit as surely as the long application tail.
    const lo = Math.min(sc.cleanCalls, Math.floor(((run - 1) * sc.cleanCalls) / sc.runs) + 1);
    const hi = Math.max(lo, Math.floor((run * sc.cleanCalls) / sc.runs));
    const k = lo + Math.floor(rnd() * (hi - lo + 1));
    const mode = rnd() < 0.5 ? "before" : "after";
    const concurrency = [1, 2, 4, 8][Math.floor(rnd() * 4)]!;
    plans.push({ run, k, mode, concurrency });
  }
  return ONLY === undefined ? plans : plans.filter((p) => p.run === ONLY);
}

/** One crash and recovery; returns whether the first apply was really killed (not finished before call k). */
async function crashRun(sc: Scenario, p: CrashPlan): Promise<boolean> {
  const what = `${sc.name} run ${p.run} (CRASH_SEED=${SEED} CRASH_ONLY=${p.run}: k=${p.k} of ${sc.cleanCalls}, kill ${p.mode} the call, --concurrency ${p.concurrency})`;
  const sim = await startTestSimulator({ seed: SEED + p.run });
  try {
    if (sc.base) {
      expectExit(await runEngine(sim, "apply", sc.base, ["--revision", "base"]), 0);
      await sim.control.idle(10_000);
    }
    const logBefore = sim.control.calls().length;
    let kill = (): void => {};
    const proxy = await startKillProxy(sim.url, p.k, p.mode, () => kill());
    const first = startCli(["apply", sc.target, "--url", proxy.url, "--revision", "crash", "--concurrency", String(p.concurrency), ...sc.args, ...FAST_APPLY], { env: { DOKPLOY_API_KEY: sim.apiKey }, timeoutMs: 60_000 });
    kill = () => first.child.kill("SIGKILL");
    const killed = await first.done;
    await proxy.close();
    // A clean apply may need fewer calls than k on this run (deploy polling varies): then it simply finished.
    if (killed.signal !== "SIGKILL") expectExit(killed, 0);
    expect(sim.control.calls().length - logBefore, `${what}: the call log stops at the kill point`).toBeLessThanOrEqual(p.k);

    const second = await runEngine(sim, "apply", sc.target, ["--revision", "crash", ...sc.args]);
    expect(second.code, `${what}: second apply\n${second.stdout}\n${second.stderr}`).toBe(0);
    await sim.control.idle(10_000);
    checkConverged(sim.control.state(), sim.control.calls(), sc, what);

    const third = await runEngine(sim, "plan", sc.target, ["--detailed-exitcode", ...sc.args]);
    expect(third.code, `${what}: third plan\n${third.stdout}\n${third.stderr}`).toBe(0);
    return killed.signal === "SIGKILL";
  } finally {
    await sim.close();
  }
}

/** Runs every crash plan of a scenario, CONCURRENCY at a time; fails with every failing run's story. */
async function crashAll(sc: Scenario): Promise<void> {
  expect(sc.cleanCalls, `${sc.name}: calls of a clean apply`).toBeGreaterThan(20);
  const plans = crashPlans(sc);
  const failures: string[] = [];
  let killedRuns = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plans.length) {
      const p = plans[next++]!;
      try {
        if (await crashRun(sc, p)) killedRuns++;
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, plans.length) }, worker));
  expect(failures, failures.join("\n\n")).toEqual([]);
  // Crash points lie inside a clean apply's call range: runs that never kill prove nothing.
  // (A single replayed run near the end of the range may legitimately finish first.)
  if (plans.length >= 4) expect(killedRuns, "runs really killed").toBeGreaterThanOrEqual(Math.ceil(plans.length / 2));
}

describe("crash test: SIGKILL at a random call, then apply again", () => {
  it(`creating from empty converges after ${RUNS} seeded crash points (seed ${SEED})`, () => crashAll(create), Math.max(170_000, RUNS * 12_000));

  it(`an update with prune converges after ${UPDATE_RUNS} seeded crash points (seed ${SEED})`, () => crashAll(update), Math.max(170_000, UPDATE_RUNS * 15_000));

  it(`a teardown (empty revision, --prune --allow-empty) converges after ${TEARDOWN_RUNS} seeded crash points (seed ${SEED})`, () => crashAll(teardown), Math.max(170_000, TEARDOWN_RUNS * 15_000));
});
