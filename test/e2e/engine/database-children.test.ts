/**
 * Journeys of a database's mounts and their volume backups (issue 15) over
 * real HTTP against the simulator, passes run in process (`reconcilePass`):
 * a Postgres with a volume mount added, changed and removed (deployed once
 * each time, after the mount is written; every second plan empty); a
 * hand-made mount left byte for byte and reported; the data volume Dokploy
 * made with the database never listed, and a mount at its path a conflict;
 * the quiet plan reading mounts with `postgres.one` only. Then a volume
 * backup under the mount: added, its schedule changed, removed; a hand-made
 * volume backup left alone; a collision a conflict; an unknown destination
 * refused before any write; `volumeBackups.list` read only for a service
 * whose manifest declares a backup or whose marker records one.
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
import { callCounts, writeCalls } from "./support.ts";

const PASSWORD = "Pg-journey-pw-1";
const ENV = { PG_PASSWORD: PASSWORD };

const SETTINGS: PassSettings = {
  instance: "default", mode: "apply", prune: false, allowEmpty: false, maxDeletions: 100,
  concurrency: 4, deployTimeoutMs: 20_000, waitForDeploys: true, deployPollIntervalMs: 5,
};

const QUIET = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

type Row = Record<string, unknown>;
type PgState = SimulatorState["projects"][number]["environments"][number]["postgres"][number];

let sim: SimulatorHandle;
let api: DokployClient;
let dir: string;

beforeAll(async () => {
  sim = await startTestSimulator();
  sim.control.seed({ destinations: [{ name: "s3-backups", bucket: "backups" }, { name: "s3-archive", bucket: "archive" }] });
  api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, retry: { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10 } });
  dir = mkdtempSync(join(tmpdir(), "dg-db-children-"));
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A tree: one project and one Postgres `db` carrying `mounts` (omitted when undefined). */
function tree(project: string, mounts: string[] | undefined, annotations = ""): string {
  const list = mounts === undefined ? "" : `\n  mounts:${mounts.length === 0 ? " []" : mounts.map((e) => `\n    - ${e}`).join("")}`;
  const ann = annotations ? `, annotations: { ${annotations} }` : "";
  const text = [
    `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}`,
    `apiVersion: dokploy-gitops/v1\nkind: Postgres\nmetadata: { name: db, project: ${project}, environment: production${ann} }\nspec:\n  databaseName: app\n  databaseUser: app\n  databasePassword: { fromEnv: PG_PASSWORD }${list}\n`,
  ].join("\n---\n");
  const root = mkdtempSync(join(dir, `${project}-`));
  writeFileSync(join(root, "data.yaml"), text);
  return root;
}

async function pass(root: string, settings: Partial<PassSettings> = {}): Promise<PassResult> {
  const redactor = new Redactor().add(sim.apiKey, PASSWORD);
  return reconcilePass({ root, settings: { ...SETTINGS, ...settings } }, { api, log: QUIET, redactor, secretEnv: ENV });
}

/** A plan-only pass finds nothing to do in the tree's project. */
async function expectQuiet(root: string): Promise<PassResult> {
  const r = await pass(root, { mode: "detect" });
  const project = r.plan!.steps.find((s) => s.kind === "Project" && s.action === "noop")!.identity.project;
  expect(r.plan!.steps.filter((s) => s.identity.project === project && s.action !== "noop").map((s) => `${s.action} ${s.key} ${s.reasons.join("; ")}`)).toEqual([]);
  return r;
}

function pg(project: string, state = sim.control.state()): PgState {
  const env = state.projects.find((p) => p.name === project)!.environments.find((e) => e.name === "production")!;
  return env.postgres.find((d) => d.name === "db")!;
}

/** The mounts of the Postgres but its data volume. */
function mountsOf(project: string): Row[] {
  const d = pg(project);
  return (d.mounts as unknown as Row[]).filter((m) => m.volumeName !== `${d.appName}-data`);
}

const VOLUME = "{ type: volume, mountPath: /srv/uploads, volumeName: pg-uploads }";
const VOLUME_CHANGED = "{ type: volume, mountPath: /srv/uploads, volumeName: pg-uploads-2 }";

describe("a database's mounts", () => {
  it("adds, changes and removes a volume mount, deploying once each time; every second plan is empty", async () => {
    const project = "pg-mounts";
    const root = tree(project, []);
    expect((await pass(root)).outcome).toBe("succeeded");
    await expectQuiet(root);

    const withMount = tree(project, [VOLUME]);
    sim.control.resetCalls();
    const added = await pass(withMount);
    expect(added.outcome, added.message).toBe("succeeded");
    let endpoints = sim.control.calls().map((c) => c.endpoint);
    expect(endpoints.filter((e) => e === "postgres.deploy")).toHaveLength(1);
    expect(endpoints.indexOf("mounts.create")).toBeLessThan(endpoints.indexOf("postgres.deploy"));
    expect(added.plan!.steps.find((s) => s.kind === "Mount")!.key).toBe("Mount/pg-mounts/production/postgres:db/%2Fsrv%2Fuploads");
    expect(added.plan!.steps.find((s) => s.kind === "Postgres")!.reasons.join(" ")).toMatch(/take effect on the next deploy/);
    const rows = mountsOf(project);
    expect(rows).toMatchObject([{ type: "volume", mountPath: "/srv/uploads", volumeName: "pg-uploads", serviceType: "postgres" }]);
    const marker = parseDescription(pg(project).description).marker!;
    expect(marker.mounts).toEqual({ "/srv/uploads": { id: rows[0]!.mountId } });
    await expectQuiet(withMount);

    const changedRoot = tree(project, [VOLUME_CHANGED]);
    sim.control.resetCalls();
    const changed = await pass(changedRoot);
    expect(changed.outcome, changed.message).toBe("succeeded");
    endpoints = sim.control.calls().map((c) => c.endpoint);
    expect(endpoints.filter((e) => e === "postgres.deploy")).toHaveLength(1);
    expect(endpoints.indexOf("mounts.update")).toBeLessThan(endpoints.indexOf("postgres.deploy"));
    expect(mountsOf(project)).toMatchObject([{ mountId: rows[0]!.mountId, volumeName: "pg-uploads-2" }]);
    await expectQuiet(changedRoot);

    const emptied = tree(project, []);
    sim.control.resetCalls();
    const removed = await pass(emptied);
    expect(removed.outcome, removed.message).toBe("succeeded");
    expect(sim.control.calls().filter((c) => c.endpoint === "postgres.deploy")).toHaveLength(1);
    expect(mountsOf(project)).toEqual([]);
    // Dokploy's data volume stays.
    expect(pg(project).mounts).toHaveLength(1);
    expect(parseDescription(pg(project).description).marker!.mounts).toBeUndefined();
    await expectQuiet(emptied);
    for (const r of [added, changed, removed]) expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it("leaves a hand-made mount byte for byte and reports it; never lists the data volume; a mount at its path is a conflict", async () => {
    const project = "pg-hand";
    const root = tree(project, []);
    const first = await pass(root);
    expect(first.outcome).toBe("succeeded");
    // The data volume is the database's own: not reported as unmanaged.
    expect(first.plan!.steps.filter((s) => s.kind === "Mount")).toEqual([]);
    const d = pg(project);
    await callApi(sim, "POST", "mounts.create", { serviceId: d.postgresId, serviceType: "postgres", type: "bind", mountPath: "/srv/by-hand", hostPath: "/opt/x" });
    const before = JSON.stringify(pg(project).mounts);
    const withMount = tree(project, [VOLUME]);
    const r = await pass(withMount);
    expect(r.outcome, r.message).toBe("succeeded");
    const unmanaged = r.plan!.steps.filter((s) => s.unmanaged);
    expect(unmanaged.map((s) => s.key)).toEqual(["Mount/pg-hand/production/postgres:db/%2Fsrv%2Fby-hand"]);
    expect(r.resources.find((x) => x.key === unmanaged[0]!.key)?.message).toMatch(/not managed by dokploy-gitops/);
    const after = pg(project).mounts as unknown as Row[];
    expect(JSON.stringify(after.filter((m) => before.includes(JSON.stringify(m))))).toBe(before);
    expect((await pass(root)).outcome).toBe("succeeded");
    expect(JSON.stringify(pg(project).mounts)).toBe(before);

    const dataVolume = (pg(project).mounts as unknown as Row[]).find((m) => m.volumeName === `${d.appName}-data`)!;
    const colliding = tree(project, [`{ type: volume, mountPath: ${String(dataVolume.mountPath)}, volumeName: other }`], 'dokploy-gitops/adopt-children: "true"');
    const conflict = await pass(colliding);
    expect(conflict.reason).toBe("ConflictsFound");
    expect(conflict.plan!.steps.find((s) => s.kind === "Mount" && s.action === "conflict")?.reasons.join(" ")).toMatch(/made by Dokploy with the service/);
    expect(JSON.stringify(pg(project).mounts)).toBe(before);
  });

  it("a colliding hand-made mount is a conflict until adopted", async () => {
    const project = "pg-adopt";
    expect((await pass(tree(project, []))).outcome).toBe("succeeded");
    await callApi(sim, "POST", "mounts.create", { serviceId: pg(project).postgresId, serviceType: "postgres", type: "volume", mountPath: "/srv/uploads", volumeName: "pg-uploads" });
    const conflict = await pass(tree(project, [VOLUME]));
    expect(conflict.reason).toBe("ConflictsFound");
    const adopting = tree(project, [VOLUME], 'dokploy-gitops/adopt-children: "true"');
    const adopted = await pass(adopting);
    expect(adopted.outcome, adopted.message).toBe("succeeded");
    expect(adopted.plan!.steps.find((s) => s.kind === "Mount")?.action).toBe("adopt");
    expect(mountsOf(project)).toHaveLength(1);
    await expectQuiet(adopting);
  });

  it("the quiet plan reads a database's mounts with its one: no extra call", async () => {
    const project = "pg-cost";
    const root = tree(project, [VOLUME]);
    expect((await pass(root)).outcome).toBe("succeeded");
    sim.control.resetCalls();
    await expectQuiet(root);
    const calls = sim.control.calls();
    expect(writeCalls(calls)).toEqual([]);
    expect(Object.keys(callCounts(calls)).filter((e) => e.startsWith("mounts.") || e.startsWith("volumeBackups."))).toEqual([]);
  });
});

const BACKED_UP = (schedule: string, destination = "s3-backups"): string =>
  `{ type: volume, mountPath: /srv/uploads, volumeName: pg-uploads, backup: { schedule: "${schedule}", destination: ${destination}, keepLatestCount: 3 } }`;

/** The Postgres's volume backups, oldest first, without the service relations `list` nests (read over the API, which the call log then shows). */
async function volumeBackupsOf(project: string): Promise<Row[]> {
  const r = await callApi(sim, "GET", "volumeBackups.list", { id: pg(project).postgresId, volumeBackupType: "postgres" });
  return (r.body as Row[]).reverse().map(({ volumeBackupId, name, volumeName, prefix, serviceType, cronExpression, keepLatestCount, enabled, destinationId, postgresId }) =>
    ({ volumeBackupId, name, volumeName, prefix, serviceType, cronExpression, keepLatestCount, enabled, destinationId, postgresId }));
}

describe("a volume backup under a database's volume mount", () => {
  it("adds, reschedules and removes it with no deploy; every second plan is empty; ownership is recorded in the marker", async () => {
    const project = "pg-vb";
    const root = tree(project, [VOLUME]);
    expect((await pass(root)).outcome).toBe("succeeded");

    const withBackup = tree(project, [BACKED_UP("0 3 * * *")]);
    sim.control.resetCalls();
    const added = await pass(withBackup);
    expect(added.outcome, added.message).toBe("succeeded");
    expect(sim.control.calls().filter((c) => c.endpoint === "postgres.deploy")).toEqual([]);
    expect(added.plan!.steps.find((s) => s.kind === "VolumeBackup")).toMatchObject({ action: "create", key: "VolumeBackup/pg-vb/production/postgres:db/pg-uploads" });
    const [row] = (await volumeBackupsOf(project));
    expect((await volumeBackupsOf(project))).toHaveLength(1);
    expect(row).toMatchObject({ volumeName: "pg-uploads", cronExpression: "0 3 * * *", prefix: "/", keepLatestCount: 3, enabled: true, serviceType: "postgres" });
    expect(parseDescription(pg(project).description).marker!.volumeBackups).toEqual({ "pg-uploads": { id: row!.volumeBackupId } });
    await expectQuiet(withBackup);

    const rescheduled = tree(project, [BACKED_UP("0 4 * * *", "s3-archive")]);
    sim.control.resetCalls();
    const changed = await pass(rescheduled);
    expect(changed.outcome, changed.message).toBe("succeeded");
    const step = changed.plan!.steps.find((s) => s.kind === "VolumeBackup")!;
    expect(step.changes.map((c) => [c.path, c.before, c.after]).sort()).toEqual([["/spec/destination", "s3-backups", "s3-archive"], ["/spec/schedule", "0 3 * * *", "0 4 * * *"]]);
    expect(sim.control.calls().filter((c) => c.endpoint === "postgres.deploy")).toEqual([]);
    expect((await volumeBackupsOf(project))).toMatchObject([{ volumeBackupId: row!.volumeBackupId, cronExpression: "0 4 * * *" }]);
    await expectQuiet(rescheduled);

    sim.control.resetCalls();
    const removed = await pass(root);
    expect(removed.outcome, removed.message).toBe("succeeded");
    expect((await volumeBackupsOf(project))).toEqual([]);
    // Disabled before its delete: Dokploy's delete would leave its cron job firing (and failing) until a restart.
    expect(sim.control.state().cronJobs.filter((j) => j.id === row!.volumeBackupId)).toEqual([]);
    expect(mountsOf(project)).toHaveLength(1);
    expect(parseDescription(pg(project).description).marker!.volumeBackups).toBeUndefined();
    await expectQuiet(root);
  });

  it("deleting the database disables its volume backups first: no cron job outlives them", async () => {
    const project = "pg-vb-gone";
    expect((await pass(tree(project, [BACKED_UP("0 3 * * *")], "dokploy-gitops/deletion-policy: delete"))).outcome).toBe("succeeded");
    const [row] = await volumeBackupsOf(project);
    expect(sim.control.state().cronJobs.filter((j) => j.id === row!.volumeBackupId)).toEqual([{ kind: "volumeBackup", id: row!.volumeBackupId, stray: false }]);
    const projectOnly = mkdtempSync(join(dir, `${project}-gone-`));
    writeFileSync(join(projectOnly, "data.yaml"), `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}\n`);
    // Other projects of this shared simulator are pruned too (and refused): only this one's database matters here.
    await pass(projectOnly, { prune: true });
    expect(sim.control.state().projects.find((p) => p.name === project)!.environments[0]!.postgres).toEqual([]);
    expect(sim.control.state().cronJobs.filter((j) => j.id === row!.volumeBackupId)).toEqual([]);
  });

  it("leaves a hand-made volume backup alone and reports it; one with the same volume is a conflict; an unknown destination is refused before any write", async () => {
    const project = "pg-vb-hand";
    const root = tree(project, [BACKED_UP("0 3 * * *")]);
    expect((await pass(root)).outcome).toBe("succeeded");
    const d = pg(project);
    const destinationId = String((await volumeBackupsOf(project))[0]!.destinationId);
    await callApi(sim, "POST", "volumeBackups.create", { name: "by hand", volumeName: "other-volume", prefix: "/x", cronExpression: "0 1 * * *", destinationId, serviceType: "postgres", postgresId: d.postgresId });
    const before = JSON.stringify((await volumeBackupsOf(project)).filter((b) => b.volumeName === "other-volume"));
    const r = await expectQuiet(root);
    expect(r.plan!.steps.filter((s) => s.unmanaged).map((s) => s.key)).toEqual(["VolumeBackup/pg-vb-hand/production/postgres:db/other-volume"]);
    // Removing the backup from the mount deletes ours only.
    expect((await pass(tree(project, [VOLUME]))).outcome).toBe("succeeded");
    expect(JSON.stringify((await volumeBackupsOf(project)))).toBe(before);

    const colliding = tree(project, [VOLUME, "{ type: volume, mountPath: /srv/other, volumeName: other-volume, backup: { schedule: \"0 5 * * *\", destination: s3-backups } }"]);
    const conflict = await pass(colliding);
    expect(conflict.reason).toBe("ConflictsFound");
    expect(conflict.plan!.steps.filter((s) => s.kind === "VolumeBackup" && !s.unmanaged).map((s) => `${s.action} ${s.identity.name}`)).toEqual(["conflict other-volume"]);
    expect(JSON.stringify((await volumeBackupsOf(project)))).toBe(before);

    expect((await pass(tree(project, [VOLUME]))).outcome).toBe("succeeded");
    sim.control.resetCalls();
    const unknown = await pass(tree(project, [BACKED_UP("0 3 * * *", "nowhere")]));
    expect(unknown.reason).toBe("ConflictsFound");
    expect(unknown.plan!.steps.find((s) => s.kind === "VolumeBackup" && s.action === "conflict")?.reasons.join(" ")).toMatch(/destination "nowhere" does not exist in Dokploy \(known: s3-archive, s3-backups\)/);
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });

  it("creates a new database with its mount and volume backup in one pass, deploying once after the mount", async () => {
    const project = "pg-vb-new";
    const root = tree(project, [BACKED_UP("0 3 * * *")]);
    sim.control.resetCalls();
    const r = await pass(root);
    expect(r.outcome, r.message).toBe("succeeded");
    const endpoints = sim.control.calls().map((c) => c.endpoint);
    expect(endpoints.filter((e) => e === "postgres.deploy")).toHaveLength(1);
    expect(endpoints.indexOf("postgres.create")).toBeLessThan(endpoints.indexOf("mounts.create"));
    expect(endpoints.indexOf("mounts.create")).toBeLessThan(endpoints.indexOf("postgres.deploy"));
    expect(mountsOf(project)).toHaveLength(1);
    expect(await volumeBackupsOf(project)).toHaveLength(1);
    const marker = parseDescription(pg(project).description).marker!;
    expect([Object.keys(marker.mounts ?? {}), Object.keys(marker.volumeBackups ?? {})]).toEqual([["/srv/uploads"], ["pg-uploads"]]);
    await expectQuiet(root);
  });

  it("converges with no duplicate when the create's answer is lost after Dokploy made the volume backup", async () => {
    const project = "pg-vb-lost";
    expect((await pass(tree(project, [VOLUME]))).outcome).toBe("succeeded");
    sim.control.setFaults([{ route: "volumeBackups.create", lostResponseRate: 1, count: 1 }]);
    const root = tree(project, [BACKED_UP("0 3 * * *")]);
    const lost = await pass(root);
    sim.control.clearFaults();
    expect(lost.outcome, lost.message).toBe("succeeded");
    const rows = await volumeBackupsOf(project);
    expect(rows).toHaveLength(1);
    expect(parseDescription(pg(project).description).marker!.volumeBackups).toEqual({ "pg-uploads": { id: rows[0]!.volumeBackupId } });
    await expectQuiet(root);
  });

  it("deleting a LibSQL removes its enabled backups first: its remove, unlike the other kinds', cancels no backup job", async () => {
    const project = "lite-gone";
    const root = mkdtempSync(join(dir, `${project}-`));
    writeFileSync(join(root, "data.yaml"), [
      `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}`,
      `apiVersion: dokploy-gitops/v1\nkind: LibSQL\nmetadata: { name: lite, project: ${project}, environment: production, annotations: { dokploy-gitops/deletion-policy: delete } }\nspec:\n  databaseUser: app\n  databasePassword: { fromEnv: PG_PASSWORD }\n  backups:\n    - { name: nightly, schedule: "0 3 * * *", destination: s3-backups, database: app, enabled: true }\n`,
    ].join("\n---\n"));
    const created = await pass(root);
    expect(created.outcome, created.message).toBe("succeeded");
    const env = sim.control.state().projects.find((p) => p.name === project)!.environments[0]!;
    const backupId = String((env.libsql[0]!.backups as unknown as Row[])[0]!.backupId);
    expect(sim.control.state().cronJobs.filter((j) => j.id === backupId)).toEqual([{ kind: "backup", id: backupId, stray: false }]);
    const projectOnly = mkdtempSync(join(dir, `${project}-gone-`));
    writeFileSync(join(projectOnly, "data.yaml"), `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}\n`);
    // Other projects of this shared simulator are pruned too (and refused): only this one's database matters here.
    await pass(projectOnly, { prune: true });
    expect(sim.control.state().projects.find((p) => p.name === project)!.environments[0]!.libsql).toEqual([]);
    expect(sim.control.state().cronJobs.filter((j) => j.id === backupId)).toEqual([]);
  });

  it("refuses to delete a database holding a hand-made volume backup (Dokploy would delete it with the database)", async () => {
    const project = "pg-vb-prune";
    const root = tree(project, [VOLUME], "dokploy-gitops/deletion-policy: delete");
    expect((await pass(root)).outcome).toBe("succeeded");
    const destinationId = String(sim.control.state().destinations.find((d) => d.name === "s3-backups")!.destinationId);
    await callApi(sim, "POST", "volumeBackups.create", { name: "by hand", volumeName: "pg-uploads", prefix: "/", cronExpression: "0 1 * * *", destinationId, serviceType: "postgres", postgresId: pg(project).postgresId });
    const projectOnly = mkdtempSync(join(dir, `${project}-gone-`));
    writeFileSync(join(projectOnly, "data.yaml"), `apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: ${project} }\nspec: {}\n`);
    const pruned = await pass(projectOnly, { prune: true });
    expect(pruned.outcome).not.toBe("succeeded");
    expect(JSON.stringify(pruned.apply?.outcomes)).toMatch(/refused: it holds 1 volume backup\(s\) not managed by dokploy-gitops \(pg-uploads\)/);
    expect(pg(project)).toBeDefined();
    expect(await volumeBackupsOf(project)).toHaveLength(1);
  });

  it("reads volume backups only for a service that declares or records one: one volumeBackups.list and one destination.all", async () => {
    // A Dokploy of its own: only this test's objects are ours (another test's records would be read too).
    await sim.close();
    sim = await startTestSimulator();
    sim.control.seed({ destinations: [{ name: "s3-backups", bucket: "backups" }] });
    api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, retry: { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10 } });
    const project = "pg-vb-cost";
    const plain = tree(project, [VOLUME]);
    expect((await pass(plain)).outcome).toBe("succeeded");
    sim.control.resetCalls();
    await expectQuiet(plain);
    expect(Object.keys(callCounts(sim.control.calls())).filter((e) => e.startsWith("volumeBackups.") || e.startsWith("destination."))).toEqual([]);

    const backed = tree(project, [BACKED_UP("0 3 * * *")]);
    expect((await pass(backed)).outcome).toBe("succeeded");
    sim.control.resetCalls();
    await expectQuiet(backed);
    const counts = callCounts(sim.control.calls());
    expect(counts["volumeBackups.list"]).toBe(1);
    expect(counts["destination.all"]).toBe(1);
    expect(writeCalls(sim.control.calls())).toEqual([]);
  });
});
