/**
 * Journeys of a compose stack's child lists (issue 15) over real HTTP against
 * the simulator, passes run in process (`reconcilePass`): a mount and a
 * schedule (run in one service of the stack, `serviceName`) added, changed
 * and removed, every second plan empty; a mount change deploys the stack
 * once, after the mount is written, a schedule change deploys nothing; a
 * volume backup under the stack's volume mount; a hand-made schedule left
 * alone. Keys name the stack: `Mount/p/e/compose:stack/...`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDokployClient, type DokployClient } from "../../../src/dokploy/client.ts";
import { parseDescription } from "../../../src/model/marker.ts";
import { reconcilePass } from "../../../src/reconcile/pass.ts";
import type { PassResult, PassSettings } from "../../../src/reconcile/types.ts";
import type { SimulatorHandle, SimulatorState } from "../../../src/simulator/index.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { callApi, startTestSimulator } from "../../helpers/simulator.ts";

const SETTINGS: PassSettings = {
  instance: "default", mode: "apply", prune: false, allowEmpty: false, maxDeletions: 100,
  concurrency: 4, deployTimeoutMs: 20_000, waitForDeploys: true, deployPollIntervalMs: 5,
};

const QUIET = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };
const COMPOSE_FILE = "services:\n  web:\n    image: nginx:1\n  worker:\n    image: busybox:1\n";

type Row = Record<string, unknown>;
type StackState = SimulatorState["projects"][number]["environments"][number]["compose"][number];

let sim: SimulatorHandle;
let api: DokployClient;
let dir: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  sim.control.seed({ destinations: [{ name: "s3-backups", bucket: "backups" }] });
  api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, retry: { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), "dg-compose-children-"));
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A tree: one project and one compose stack carrying `mounts` and `schedules` (each omitted when undefined). */
function tree(project: string, lists: { mounts?: string[]; schedules?: string[] }): string {
  const list = (field: string, entries: string[] | undefined): string =>
    entries === undefined ? "" : `\n  ${field}:${entries.length === 0 ? " []" : entries.map((e) => `\n    - ${e}`).join("")}`;
  const text = [
    `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}`,
    `apiVersion: dokploy-gitops/v1\nkind: Compose\nmetadata: { name: stack, project: ${project}, environment: production }\nspec:\n  source: { type: raw, content: ${JSON.stringify(COMPOSE_FILE)} }${list("mounts", lists.mounts)}${list("schedules", lists.schedules)}\n`,
  ].join("\n---\n");
  const root = mkdtempSync(join(dir, `${project}-`));
  writeFileSync(join(root, "stack.yaml"), text);
  return root;
}

function pass(root: string, settings: Partial<PassSettings> = {}): Promise<PassResult> {
  return reconcilePass({ root, settings: { ...SETTINGS, ...settings } }, { api, log: QUIET, redactor: new Redactor().add(sim.apiKey), secretEnv: {} });
}

async function expectQuiet(root: string): Promise<PassResult> {
  const r = await pass(root, { mode: "detect" });
  const project = r.plan!.steps.find((s) => s.kind === "Project" && s.action === "noop")!.identity.project;
  expect(r.plan!.steps.filter((s) => s.identity.project === project && s.action !== "noop").map((s) => `${s.action} ${s.key} ${s.reasons.join("; ")}`)).toEqual([]);
  return r;
}

function stack(project: string): StackState {
  const env = sim.control.state().projects.find((p) => p.name === project)!.environments.find((e) => e.name === "production")!;
  return env.compose.find((c) => c.name === "stack")!;
}

async function listed(endpoint: string, query: Row): Promise<Row[]> {
  return (await callApi(sim, "GET", endpoint, query)).body as Row[];
}
const schedulesOf = (project: string): Promise<Row[]> => listed("schedule.list", { id: stack(project).composeId, scheduleType: "compose" });
const deploys = (): number => sim.control.calls().filter((c) => c.endpoint === "compose.deploy").length;

const MOUNT = "{ type: volume, mountPath: /data, volumeName: stack-data }";
const MOUNT_CHANGED = "{ type: volume, mountPath: /data, volumeName: stack-data-2 }";
const SCHEDULE = '{ name: nightly, cronExpression: "0 2 * * *", command: "sh cleanup.sh", serviceName: worker }';
const SCHEDULE_CHANGED = '{ name: nightly, cronExpression: "0 3 * * *", command: "sh cleanup.sh", serviceName: web, enabled: false }';

describe("a compose stack's mounts and schedules", () => {
  it("adds, changes and removes a mount (one deploy each) and a schedule (none); every second plan is empty", async () => {
    const project = "stack-lists";
    const bare = tree(project, { mounts: [], schedules: [] });
    expect((await pass(bare)).outcome).toBe("succeeded");

    const full = tree(project, { mounts: [MOUNT], schedules: [SCHEDULE] });
    sim.control.resetCalls();
    const added = await pass(full);
    expect(added.outcome, added.message).toBe("succeeded");
    expect(added.plan!.steps.filter((s) => s.action === "create").map((s) => s.key).sort()).toEqual([
      "Mount/stack-lists/production/compose:stack/%2Fdata", "Schedule/stack-lists/production/compose:stack/nightly",
    ]);
    const endpoints = sim.control.calls().map((c) => c.endpoint);
    expect(deploys()).toBe(1);
    expect(endpoints.indexOf("mounts.create")).toBeLessThan(endpoints.indexOf("compose.deploy"));
    expect(stack(project).mounts).toMatchObject([{ type: "volume", mountPath: "/data", volumeName: "stack-data", serviceType: "compose" }]);
    expect(await schedulesOf(project)).toMatchObject([{ name: "nightly", cronExpression: "0 2 * * *", serviceName: "worker", scheduleType: "compose", enabled: true }]);
    const marker = parseDescription(stack(project).description).marker!;
    expect(Object.keys(marker.mounts ?? {})).toEqual(["/data"]);
    expect(Object.keys(marker.schedules ?? {})).toEqual(["nightly"]);
    await expectQuiet(full);

    // A schedule change takes effect at once: no deploy.
    const rescheduled = tree(project, { mounts: [MOUNT], schedules: [SCHEDULE_CHANGED] });
    sim.control.resetCalls();
    expect((await pass(rescheduled)).outcome).toBe("succeeded");
    expect(deploys()).toBe(0);
    expect(await schedulesOf(project)).toMatchObject([{ cronExpression: "0 3 * * *", serviceName: "web", enabled: false }]);
    await expectQuiet(rescheduled);

    const remounted = tree(project, { mounts: [MOUNT_CHANGED], schedules: [SCHEDULE_CHANGED] });
    sim.control.resetCalls();
    expect((await pass(remounted)).outcome).toBe("succeeded");
    expect(deploys()).toBe(1);
    expect(stack(project).mounts).toMatchObject([{ volumeName: "stack-data-2" }]);
    await expectQuiet(remounted);

    sim.control.resetCalls();
    expect((await pass(bare)).outcome).toBe("succeeded");
    expect(deploys()).toBe(1);
    expect(stack(project).mounts).toEqual([]);
    expect(await schedulesOf(project)).toEqual([]);
    const after = parseDescription(stack(project).description).marker!;
    expect([after.mounts, after.schedules]).toEqual([undefined, undefined]);
    await expectQuiet(bare);
  });

  it("leaves a hand-made schedule of the stack alone and reports it", async () => {
    const project = "stack-hand";
    const root = tree(project, { schedules: [SCHEDULE] });
    expect((await pass(root)).outcome).toBe("succeeded");
    await callApi(sim, "POST", "schedule.create", { name: "by-hand", cronExpression: "* * * * *", command: "true", composeId: stack(project).composeId, scheduleType: "compose", serviceName: "web" });
    const before = JSON.stringify((await schedulesOf(project)).find((s) => s.name === "by-hand"));
    const r = await expectQuiet(root);
    expect(r.plan!.steps.filter((s) => s.unmanaged).map((s) => s.key)).toEqual(["Schedule/stack-hand/production/compose:stack/by-hand"]);
    expect((await pass(tree(project, { schedules: [] }))).outcome).toBe("succeeded");
    expect((await schedulesOf(project)).map((s) => JSON.stringify(s))).toEqual([before]);
  });

  it("backs up the stack's volume: added and removed with no deploy", async () => {
    const project = "stack-vb";
    const plain = tree(project, { mounts: [MOUNT] });
    expect((await pass(plain)).outcome).toBe("succeeded");
    const backed = tree(project, { mounts: ['{ type: volume, mountPath: /data, volumeName: stack-data, backup: { schedule: "0 4 * * *", destination: s3-backups } }'] });
    sim.control.resetCalls();
    expect((await pass(backed)).outcome).toBe("succeeded");
    expect(deploys()).toBe(0);
    const id = stack(project).composeId;
    expect(await listed("volumeBackups.list", { id, volumeBackupType: "compose" })).toMatchObject([{ volumeName: "stack-data", cronExpression: "0 4 * * *", serviceType: "compose", composeId: id, enabled: true }]);
    await expectQuiet(backed);
    expect((await pass(plain)).outcome).toBe("succeeded");
    expect(await listed("volumeBackups.list", { id, volumeBackupType: "compose" })).toEqual([]);
    await expectQuiet(plain);
  });
});
