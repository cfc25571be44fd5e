/**
 * Journeys of a service's child lists (issue 15) over real HTTP against the
 * simulator, one parameterised table for the five lists: add, change and
 * remove an entry (second plan empty each time); a hand-made entry on an
 * owned application left byte-for-byte unchanged and reported as unmanaged;
 * a collision with a hand-made entry reported as a conflict, and taken over
 * with `dokploy-gitops/adopt-children`; a create whose answer is lost
 * (recorded as an intent, the entry made, the answer dropped) converging
 * with no duplicate; and the quiet plan's API cost (children come with
 * `application.one`; schedules cost one `schedule.list`, only where
 * declared or recorded). Passes run in process (`reconcilePass`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDokployClient, type DokployClient } from "../../../src/dokploy/client.ts";
import { parseDescription, renderDescription } from "../../../src/model/marker.ts";
import { reconcilePass } from "../../../src/reconcile/pass.ts";
import { unescapeChildKey } from "../../../src/kinds/child-list.ts";
import type { PassResult, PassSettings } from "../../../src/reconcile/types.ts";
import type { SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { callApi, startTestSimulator } from "../../helpers/simulator.ts";
import { application, callCounts, writeCalls } from "./support.ts";

const PASSWORD_ENV = "CHILDREN_TEST_PASSWORD";
const PASSWORDS = { first: "s3cret-first-Zq8", second: "s3cret-second-Wm4" };

type Row = Record<string, unknown>;

/** One child list, as the journeys drive it. */
interface ListCase {
  field: "ports" | "mounts" | "redirects" | "security" | "schedules";
  kind: string;
  /** The entry as YAML, before and after the change (same natural key). */
  entry: string;
  changed: string;
  /** Env for the passes (the password of security). */
  env?: Record<string, string>;
  changedEnv?: Record<string, string>;
  /** The create endpoint, and a hand-made entry's body with this key (`same`) or another (`other`). */
  create: string;
  handMade(applicationId: string, same: boolean): Row;
  /** A field of the live row that the change changes, and its value after. */
  changedField: [string, unknown];
  /** Whether a change takes effect on the next deploy (then the application deploys once, after its entries). */
  deploys: boolean;
}

const CASES: ListCase[] = [
  {
    field: "ports", deploys: true, kind: "Port", create: "port.create",
    entry: "{ publishedPort: 8443, targetPort: 443 }", changed: "{ publishedPort: 8443, targetPort: 4443, publishMode: host }",
    handMade: (applicationId, same) => ({ applicationId, publishedPort: same ? 8443 : 9000, targetPort: 90 }),
    changedField: ["targetPort", 4443],
  },
  {
    field: "mounts", deploys: true, kind: "Mount", create: "mounts.create",
    entry: "{ type: volume, mountPath: /data, volumeName: web-data }", changed: "{ type: volume, mountPath: /data, volumeName: web-data-2 }",
    handMade: (serviceId, same) => ({ serviceId, serviceType: "application", type: "bind", mountPath: same ? "/data" : "/srv", hostPath: "/opt/x" }),
    changedField: ["volumeName", "web-data-2"],
  },
  {
    field: "redirects", deploys: false, kind: "Redirect", create: "redirects.create",
    entry: '{ regex: "^https?://www\\\\.shop\\\\.test/(.*)", replacement: "https://shop.test/${1}" }',
    changed: '{ regex: "^https?://www\\\\.shop\\\\.test/(.*)", replacement: "https://shop.test/${1}", permanent: true }',
    handMade: (applicationId, same) => ({ applicationId, regex: same ? "^https?://www\\.shop\\.test/(.*)" : "^/old$", replacement: "/new", permanent: false }),
    changedField: ["permanent", true],
  },
  {
    field: "security", deploys: false, kind: "Security", create: "security.create",
    entry: `{ username: preview, password: { fromEnv: ${PASSWORD_ENV} } }`, changed: `{ username: preview, password: { fromEnv: ${PASSWORD_ENV} } }`,
    env: { [PASSWORD_ENV]: PASSWORDS.first }, changedEnv: { [PASSWORD_ENV]: PASSWORDS.second },
    handMade: (applicationId, same) => ({ applicationId, username: same ? "preview" : "ops", password: "typed-in-the-ui" }),
    changedField: ["password", PASSWORDS.second],
  },
  {
    field: "schedules", deploys: false, kind: "Schedule", create: "schedule.create",
    entry: '{ name: nightly-cleanup, cronExpression: "0 2 * * *", command: "node cleanup.js" }',
    changed: '{ name: nightly-cleanup, cronExpression: "0 3 * * *", command: "node cleanup.js", enabled: false }',
    handMade: (applicationId, same) => ({ applicationId, scheduleType: "application", name: same ? "nightly-cleanup" : "by-hand", cronExpression: "* * * * *", command: "true" }),
    changedField: ["cronExpression", "0 3 * * *"],
  },
];

const SETTINGS: PassSettings = {
  instance: "default", mode: "apply", prune: false, allowEmpty: false, maxDeletions: 100,
  concurrency: 4, deployTimeoutMs: 20_000, waitForDeploys: true, deployPollIntervalMs: 5,
};

const QUIET = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

let sim: SimulatorHandle;
let api: DokployClient;
let dir: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, retry: { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), "dg-children-"));
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A manifest tree: one project, one application carrying the list `field` (omitted when `entries` is undefined). */
function tree(project: string, field: string, entries: string[] | undefined, annotations = ""): string {
  const list = entries === undefined ? "" : `\n  ${field}:${entries.length === 0 ? " []" : entries.map((e) => `\n    - ${e}`).join("")}`;
  const ann = annotations ? `, annotations: { ${annotations} }` : "";
  const text = [
    `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}`,
    `apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: web, project: ${project}, environment: production${ann} }\nspec:\n  source: { type: docker, image: "nginx:1" }${list}\n`,
  ].join("\n---\n");
  const root = mkdtempSync(join(dir, `${project}-`));
  writeFileSync(join(root, "shop.yaml"), text);
  return root;
}

async function pass(root: string, env: Record<string, string> = {}, settings: Partial<PassSettings> = {}): Promise<PassResult> {
  const redactor = new Redactor().add(sim.apiKey, ...Object.values(PASSWORDS));
  return reconcilePass({ root, settings: { ...SETTINGS, ...settings } }, { api, log: QUIET, redactor, secretEnv: env });
}

/** A second pass (plan only) finds nothing to do in the tree's project (the other tests' projects are would-prunes). */
async function expectQuiet(root: string, env: Record<string, string> = {}): Promise<PassResult> {
  const r = await pass(root, env, { mode: "detect" });
  const project = r.plan!.steps.find((s) => s.kind === "Project" && s.action === "noop")!.identity.project;
  expect(r.plan!.steps.filter((s) => s.identity.project === project && s.action !== "noop").map((s) => `${s.action} ${s.key} ${s.reasons.join("; ")}`)).toEqual([]);
  return r;
}

function rowsOf(state: SimulatorState, project: string, field: string): Row[] {
  return (application(state, project, "production", "web") as unknown as Record<string, Row[]>)[field] ?? [];
}

function appId(state: SimulatorState, project: string): string {
  return application(state, project, "production", "web").applicationId;
}

/** Every string the passes produced must be free of the basic-auth passwords. */
function expectNoPassword(...results: PassResult[]): void {
  const text = JSON.stringify(results.map((r) => ({ message: r.message, plan: r.plan, resources: r.resources, outcomes: r.apply?.outcomes })));
  for (const p of Object.values(PASSWORDS)) expect(text).not.toContain(p);
}

describe.each(CASES)("child list $field", (c) => {
  it("adds, changes and removes an entry; every second plan is empty; ownership is recorded in the marker", async () => {
    const project = `add-${c.field}`;
    const root = tree(project, c.field, [c.entry]);
    const created = await pass(root, c.env);
    expect(created.outcome, created.message).toBe("succeeded");
    let state = sim.control.state();
    const rows = rowsOf(state, project, c.field);
    expect(rows).toHaveLength(1);
    const marker = parseDescription(application(state, project, "production", "web").description).marker!;
    const recorded = Object.values(marker[c.field] ?? {}).map((r) => r.id);
    expect(recorded).toHaveLength(1);
    expect(Object.values(rows[0]!)).toContain(recorded[0]);
    await expectQuiet(root, c.env);

    const changedRoot = tree(project, c.field, [c.changed]);
    sim.control.resetCalls();
    const changed = await pass(changedRoot, c.changedEnv ?? c.env);
    expect(changed.outcome, changed.message).toBe("succeeded");
    // Ports and mounts: one deploy, after the entry is written, and the plan says why; the others need none.
    const endpoints = sim.control.calls().map((x) => x.endpoint);
    expect(endpoints.filter((e) => e === "application.deploy")).toHaveLength(c.deploys ? 1 : 0);
    if (c.deploys) {
      expect(endpoints.lastIndexOf(c.create.replace(/\.create$/, ".update"))).toBeLessThan(endpoints.indexOf("application.deploy"));
      expect(changed.plan!.steps.find((s) => s.kind === "Application")!.reasons.join(" ")).toMatch(/take effect on the next deploy/);
    }
    state = sim.control.state();
    expect(rowsOf(state, project, c.field)).toHaveLength(1);
    expect(rowsOf(state, project, c.field)[0]![c.changedField[0]]).toEqual(c.changedField[1]);
    await expectQuiet(changedRoot, c.changedEnv ?? c.env);

    const emptied = tree(project, c.field, []);
    const removed = await pass(emptied);
    expect(removed.outcome, removed.message).toBe("succeeded");
    expect(rowsOf(sim.control.state(), project, c.field)).toEqual([]);
    expect(parseDescription(application(sim.control.state(), project, "production", "web").description).marker![c.field]).toBeUndefined();
    await expectQuiet(emptied);
    expectNoPassword(created, changed, removed);
  });

  it("leaves a hand-made entry byte-for-byte unchanged and reports it; a colliding one is a conflict until adopted", async () => {
    const project = `hand-${c.field}`;
    const root = tree(project, c.field, []);
    expect((await pass(root)).outcome).toBe("succeeded");
    const id = appId(sim.control.state(), project);
    await callApi(sim, "POST", c.create, c.handMade(id, false));
    const before = JSON.stringify(rowsOf(sim.control.state(), project, c.field));
    const withEntry = tree(project, c.field, [c.entry]);
    const r = await pass(withEntry, c.env);
    expect(r.outcome, r.message).toBe("succeeded");
    const unmanaged = r.plan!.steps.filter((s) => s.unmanaged);
    expect(unmanaged.map((s) => s.kind)).toEqual([c.kind]);
    expect(r.resources.find((x) => x.key === unmanaged[0]!.key)?.message).toMatch(/not managed by dokploy-gitops/);
    expect(rowsOf(sim.control.state(), project, c.field)).toHaveLength(2);
    expect(JSON.stringify(rowsOf(sim.control.state(), project, c.field).filter((x) => before.includes(JSON.stringify(x))))).toBe(before);
    // Removing the list's entries deletes ours only.
    expect((await pass(root)).outcome).toBe("succeeded");
    expect(JSON.stringify(rowsOf(sim.control.state(), project, c.field))).toBe(before);

    // A collision: an entry with the desired key made by hand.
    const other = `collide-${c.field}`;
    const base = tree(other, c.field, []);
    expect((await pass(base)).outcome).toBe("succeeded");
    await callApi(sim, "POST", c.create, c.handMade(appId(sim.control.state(), other), true));
    const snapshot = JSON.stringify(rowsOf(sim.control.state(), other, c.field));
    const colliding = tree(other, c.field, [c.entry]);
    const conflict = await pass(colliding, c.env);
    expect(conflict.reason).toBe("ConflictsFound");
    expect(conflict.plan!.steps.find((s) => s.kind === c.kind)?.action).toBe("conflict");
    expect(JSON.stringify(rowsOf(sim.control.state(), other, c.field))).toBe(snapshot);
    const adopting = tree(other, c.field, [c.entry], 'dokploy-gitops/adopt-children: "true"');
    const adopted = await pass(adopting, c.env);
    expect(adopted.outcome, adopted.message).toBe("succeeded");
    expect(adopted.plan!.steps.find((s) => s.kind === c.kind)?.action).toBe("adopt");
    expect(rowsOf(sim.control.state(), other, c.field)).toHaveLength(1);
    expect(Object.keys(parseDescription(application(sim.control.state(), other, "production", "web").description).marker![c.field] ?? {})).toHaveLength(1);
    await expectQuiet(adopting, c.env);
    expectNoPassword(r, conflict, adopted);
  });

  it("converges without a duplicate when the create's answer is lost after Dokploy made the entry", async () => {
    const project = `lost-${c.field}`;
    const base = tree(project, c.field, []);
    expect((await pass(base)).outcome).toBe("succeeded");
    sim.control.setFaults([{ route: c.create, lostResponseRate: 1, count: 1 }]);
    const root = tree(project, c.field, [c.entry]);
    const lost = await pass(root, c.env);
    sim.control.clearFaults();
    expect(lost.outcome, lost.message).toBe("succeeded");
    expect(rowsOf(sim.control.state(), project, c.field)).toHaveLength(1);
    await expectQuiet(root, c.env);
    expectNoPassword(lost);
  });

  it("recognises an entry made just before a crash (intent recorded, id not) by its natural key", async () => {
    const project = `crash-${c.field}`;
    const base = tree(project, c.field, []);
    expect((await pass(base)).outcome).toBe("succeeded");
    const app = application(sim.control.state(), project, "production", "web");
    // The state a crash leaves between the create and the record: the intent, and the entry.
    const root = tree(project, c.field, [c.entry]);
    const planned = await pass(root, c.env, { mode: "detect" });
    const key = unescapeChildKey(planned.plan!.steps.find((s) => s.kind === c.kind)!.identity.name);
    const parsed = parseDescription(app.description);
    sim.control.update("application", app.applicationId, { description: renderDescription(parsed.text, { ...parsed.marker!, [c.field]: { [key]: {} } }) });
    await callApi(sim, "POST", c.create, c.handMade(app.applicationId, true));
    const again = await pass(root, c.env);
    expect(again.outcome, again.message).toBe("succeeded");
    expect(rowsOf(sim.control.state(), project, c.field)).toHaveLength(1);
    const marker = parseDescription(application(sim.control.state(), project, "production", "web").description).marker!;
    expect(marker[c.field]?.[key]?.id).toBeDefined();
    await expectQuiet(root, c.env);
  });
});

describe("the quiet plan's API cost", () => {
  it("reads children with application.one; schedules cost one schedule.list, only where declared or recorded", async () => {
    // A Dokploy of its own: only this test's objects are ours.
    await sim.close();
    sim = await startTestSimulator();
    api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, retry: { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10 } });
    const root = tree("cost", "ports", [CASES[0]!.entry]);
    expect((await pass(root)).outcome).toBe("succeeded");
    sim.control.resetCalls();
    await expectQuiet(root);
    expect(writeCalls(sim.control.calls())).toEqual([]);
    expect(callCounts(sim.control.calls())).toEqual({ "project.all": 1, "project.one": 1, "application.one": 1 });

    const withSchedule = tree("cost", "schedules", [CASES[4]!.entry]);
    expect((await pass(withSchedule)).outcome).toBe("succeeded");
    sim.control.resetCalls();
    await expectQuiet(withSchedule);
    expect(callCounts(sim.control.calls())).toEqual({ "project.all": 1, "project.one": 1, "application.one": 1, "schedule.list": 1 });
  });
});

describe("an application's delete and its schedules' cron jobs", () => {
  it("disables its enabled schedules first: Dokploy cascades their rows but would leave their jobs firing", async () => {
    const project = "sched-gone";
    const root = tree(project, "schedules", [CASES[4]!.entry], "dokploy-gitops/deletion-policy: delete");
    expect((await pass(root)).outcome).toBe("succeeded");
    const scheduleId = String(rowsOf(sim.control.state(), project, "schedules")[0]!.scheduleId);
    expect(sim.control.state().cronJobs.filter((j) => j.id === scheduleId)).toEqual([{ kind: "schedule", id: scheduleId, stray: false }]);
    const projectOnly = mkdtempSync(join(dir, `${project}-gone-`));
    writeFileSync(join(projectOnly, "shop.yaml"), `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}\n`);
    // Other projects of this shared simulator are pruned too: only this one's application matters here.
    await pass(projectOnly, {}, { prune: true });
    expect(sim.control.state().projects.find((p) => p.name === project)!.environments[0]!.applications).toEqual([]);
    expect(sim.control.state().cronJobs.filter((j) => j.id === scheduleId)).toEqual([]);
  });
});
