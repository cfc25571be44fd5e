/**
 * `schedule.*` and `volumeBackups.*` behave like Dokploy v0.30.2's
 * (apps/dokploy/server/api/routers/{schedule,volume-backups}.ts, checked
 * against a real server): defaults (`enabled` true vs null), bare 500s for
 * missing foreign rows, list orders and relations, empty-body delete.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;

let sim: SimulatorHandle;
let appId: string;
let destinationId: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  const seeded = sim.control.seed({
    destinations: [{ name: "s3-backups", accessKey: "AKIA-canary", secretAccessKey: "secret-canary" }],
    projects: [{ name: "shop", environments: [{ name: "production", applications: [{ name: "web", appName: "web-abc123" }] }] }],
  });
  appId = seeded.ids["shop/production/web"]!;
  destinationId = seeded.ids["destination/s3-backups"]!;
});
afterEach(async () => {
  await sim.close();
});

describe("schedule", () => {
  const nightly = { name: "nightly-cleanup", cronExpression: "0 2 * * *", command: "node scripts/cleanup.js" };
  const createSchedule = (input: Row = {}): Promise<Row & { scheduleId: string; createdAt: string }> =>
    api(sim, "POST", "schedule.create", { ...nightly, applicationId: appId, scheduleType: "application", ...input });

  it("create returns the row: enabled true, bash, a generated schedule- appName, the cron unchecked", async () => {
    const s = await createSchedule();
    expect(s).toEqual({
      scheduleId: expect.any(String), ...nightly, description: null, appName: expect.stringMatching(/^schedule-[a-z-]+-[a-z1-9]{6}$/),
      serviceName: null, shellType: "bash", scheduleType: "application", script: null, applicationId: appId, composeId: null,
      serverId: null, organizationId: null, enabled: true, timezone: null, createdAt: expect.any(String),
    });
    await expect(createSchedule({ name: "x", cronExpression: "not a cron", enabled: false })).resolves.toMatchObject({ enabled: false });
    await expect(api(sim, "POST", "schedule.create", { ...nightly, applicationId: appId })).resolves.toMatchObject({ scheduleType: "application" });
  });

  it("needs name, cronExpression and command; a missing application or compose is a bare 500 Failed query", async () => {
    const res = await callApi(sim, "POST", "schedule.create", { name: "n", cronExpression: "* * * * *" });
    expect((res.body as { issues: Row[] }).issues).toEqual([
      { expected: "string", code: "invalid_type", path: ["command"], message: "Invalid input: expected string, received undefined" },
    ]);
    for (const input of [{ applicationId: "nope" }, { composeId: "nope", scheduleType: "compose", serviceName: "web" }]) {
      const missing = await callApi(sim, "POST", "schedule.create", { ...nightly, ...input });
      expect(missing.status).toBe(500);
      expect((missing.body as Row).message).toMatch(/^Failed query: insert into "schedule" /);
    }
  });

  it("list: createdAt ascending, with application/compose summaries, server and deployments; an unknown id is []", async () => {
    const a = await createSchedule({ name: "a" });
    const b = await createSchedule({ name: "b" });
    const list = await api<Row[]>(sim, "GET", "schedule.list", { id: appId, scheduleType: "application" });
    expect(list.map((s) => s.scheduleId)).toEqual([a.scheduleId, b.scheduleId]);
    expect(list[0]).toEqual({
      ...a, application: { applicationId: appId, name: "web", appName: "web-abc123", serverId: null }, server: null, compose: null, deployments: [],
    });
    await expect(api(sim, "GET", "schedule.list", { id: "nope", scheduleType: "application" })).resolves.toEqual([]);
    await expect(api(sim, "GET", "schedule.list", { id: appId, scheduleType: "compose" })).resolves.toEqual([]);
    const badType = await callApi(sim, "GET", "schedule.list", { id: appId, scheduleType: "cron" });
    expect(badType.status).toBe(400);
  });

  it("one nests the application with its environment and project; unknown is 404 Schedule not found", async () => {
    const s = await createSchedule();
    const one = await api<Row & { application: Row & { environment: Row & { project: Row } } }>(sim, "GET", "schedule.one", { scheduleId: s.scheduleId });
    expect(one).toMatchObject({ ...s, compose: null, server: null });
    expect(one.application).toMatchObject({ applicationId: appId, appName: "web-abc123", serverId: null });
    expect(one.application.environment).toMatchObject({ name: "production", project: { name: "shop" } });
    expect(await callApi(sim, "GET", "schedule.one", { scheduleId: "nope" })).toMatchObject({ status: 404, body: { message: "Schedule not found" } });
  });

  it("update needs name, cronExpression and command, keeps omitted columns, returns the row; delete returns true", async () => {
    const s = await createSchedule({ enabled: false, timezone: "Europe/Paris" });
    const partial = await callApi(sim, "POST", "schedule.update", { scheduleId: s.scheduleId, cronExpression: "0 3 * * *" });
    expect((partial.body as { issues: Row[] }).issues.map((i) => i.path)).toEqual([["name"], ["command"]]);
    const updated = await api(sim, "POST", "schedule.update", { scheduleId: s.scheduleId, ...nightly, cronExpression: "0 3 * * *" });
    expect(updated).toEqual({ ...s, cronExpression: "0 3 * * *" });
    expect(await callApi(sim, "POST", "schedule.update", { scheduleId: "nope", ...nightly })).toMatchObject({ status: 404, body: { message: "Schedule not found" } });
    const del = await callApi(sim, "POST", "schedule.delete", { scheduleId: s.scheduleId });
    expect(del).toMatchObject({ status: 200, text: "true" });
    expect(await callApi(sim, "POST", "schedule.delete", { scheduleId: s.scheduleId })).toMatchObject({ status: 404, body: { message: "Schedule not found" } });
  });
});

describe("volumeBackups", () => {
  const backup = { name: "data-nightly", volumeName: "web-data", prefix: "web/", cronExpression: "0 4 * * *" };
  const createBackup = (input: Row = {}): Promise<Row & { volumeBackupId: string }> =>
    api(sim, "POST", "volumeBackups.create", { ...backup, destinationId, applicationId: appId, serviceType: "application", ...input });

  it("create returns the row: enabled null (not scheduled), turnOff false, a generated volumeBackup- appName", async () => {
    const v = await createBackup();
    expect(v).toEqual({
      volumeBackupId: expect.any(String), ...backup, serviceType: "application", appName: expect.stringMatching(/^volumeBackup-[a-z-]+-[a-z1-9]{6}$/),
      serviceName: null, turnOff: false, keepLatestCount: null, enabled: null, applicationId: appId, postgresId: null, mariadbId: null,
      mongoId: null, mysqlId: null, redisId: null, libsqlId: null, composeId: null, createdAt: expect.any(String), destinationId,
    });
    await expect(createBackup({ enabled: true, keepLatestCount: 7 })).resolves.toMatchObject({ enabled: true, keepLatestCount: 7 });
  });

  it("checks volumeName's pattern with Dokploy's message; a missing destination or service is a bare 500", async () => {
    const bad = await callApi(sim, "POST", "volumeBackups.create", { ...backup, volumeName: "bad name", destinationId, applicationId: appId });
    expect((bad.body as { issues: Row[] }).issues).toEqual([{
      origin: "string", code: "invalid_format", format: "regex", pattern: "/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/", path: ["volumeName"],
      message: "Volume name must start with a letter or number and contain only letters, numbers, dots, underscores and hyphens",
    }]);
    for (const input of [{ destinationId: "nope" }, { applicationId: "nope" }, { keepLatestCount: 1.5 }]) {
      const res = await callApi(sim, "POST", "volumeBackups.create", { ...backup, destinationId, applicationId: appId, ...input });
      expect(res.status).toBe(500);
      expect((res.body as Row).message).toMatch(/^Failed query: insert into "volume_backup" /);
    }
  });

  it("list: newest first with the eight service summaries; an unknown id is []", async () => {
    const a = await createBackup({ name: "a" });
    const b = await createBackup({ name: "b" });
    const list = await api<Row[]>(sim, "GET", "volumeBackups.list", { id: appId, volumeBackupType: "application" });
    expect(list.map((v) => v.volumeBackupId)).toEqual([b.volumeBackupId, a.volumeBackupId]);
    expect(list[1]).toEqual({
      ...a, application: { applicationId: appId, appName: "web-abc123", serverId: null },
      postgres: null, mysql: null, mariadb: null, mongo: null, redis: null, compose: null, libsql: null,
    });
    await expect(api(sim, "GET", "volumeBackups.list", { id: "nope", volumeBackupType: "application" })).resolves.toEqual([]);
  });

  it("one nests the service with its environment and the destination WITHOUT its keys; unknown is 404", async () => {
    const v = await createBackup();
    const one = await api<Row & { destination: Row; application: Row }>(sim, "GET", "volumeBackups.one", { volumeBackupId: v.volumeBackupId });
    expect(one).toMatchObject({ ...v, postgres: null, compose: null, application: { applicationId: appId, appName: "web-abc123" } });
    expect(one.destination).toMatchObject({ destinationId, name: "s3-backups", bucket: expect.any(String) });
    expect(JSON.stringify(one)).not.toMatch(/canary/);
    expect(await callApi(sim, "GET", "volumeBackups.one", { volumeBackupId: "nope" })).toMatchObject({ status: 404, body: { message: "Volume backup not found" } });
  });

  it("update needs the create's keys and returns the row; delete answers an EMPTY body; unknown ids are 404", async () => {
    const v = await createBackup();
    const partial = await callApi(sim, "POST", "volumeBackups.update", { volumeBackupId: v.volumeBackupId, enabled: true });
    expect((partial.body as { issues: Row[] }).issues.map((i) => i.path)).toEqual([["name"], ["volumeName"], ["prefix"], ["cronExpression"], ["destinationId"]]);
    const updated = await api(sim, "POST", "volumeBackups.update", { volumeBackupId: v.volumeBackupId, ...backup, destinationId, enabled: true, keepLatestCount: 3 });
    expect(updated).toEqual({ ...v, enabled: true, keepLatestCount: 3 });
    const del = await callApi(sim, "POST", "volumeBackups.delete", { volumeBackupId: v.volumeBackupId });
    expect(del).toMatchObject({ status: 200, text: "" });
    for (const [endpoint, input] of [
      ["volumeBackups.delete", { volumeBackupId: v.volumeBackupId }],
      ["volumeBackups.update", { volumeBackupId: v.volumeBackupId, ...backup, destinationId }],
    ] as const) {
      expect(await callApi(sim, "POST", endpoint, input), endpoint).toMatchObject({ status: 404, body: { message: "Volume backup not found" } });
    }
  });
});

describe("Dokploy's in-process cron jobs", () => {
  const jobs = (): Array<{ kind: string; id: string; stray: boolean }> => sim.control.state().cronJobs;
  const backup = { name: "data-nightly", volumeName: "web-data", prefix: "web/", cronExpression: "0 4 * * *" };

  it("schedule: an enabled one has a job, update re-registers or cancels it, delete cancels it", async () => {
    const s = await api<Row & { scheduleId: string }>(sim, "POST", "schedule.create", {
      name: "n", cronExpression: "0 2 * * *", command: "true", applicationId: appId, scheduleType: "application",
    });
    expect(jobs()).toEqual([{ kind: "schedule", id: s.scheduleId, stray: false }]);
    const body = { scheduleId: s.scheduleId, name: "n", cronExpression: "0 2 * * *", command: "true" };
    await api(sim, "POST", "schedule.update", { ...body, enabled: false });
    expect(jobs()).toEqual([]);
    await api(sim, "POST", "schedule.update", { ...body, enabled: true });
    expect(jobs()).toEqual([{ kind: "schedule", id: s.scheduleId, stray: false }]);
    await api(sim, "POST", "schedule.delete", { scheduleId: s.scheduleId });
    expect(jobs()).toEqual([]);
  });

  it("volumeBackups.delete leaves an enabled backup's job registered (stray); disabling first cancels it", async () => {
    const create = (): Promise<Row & { volumeBackupId: string }> =>
      api(sim, "POST", "volumeBackups.create", { ...backup, destinationId, applicationId: appId, serviceType: "application", enabled: true });
    const stray = await create();
    expect(jobs()).toEqual([{ kind: "volumeBackup", id: stray.volumeBackupId, stray: false }]);
    await api(sim, "POST", "volumeBackups.delete", { volumeBackupId: stray.volumeBackupId });
    expect(jobs()).toEqual([{ kind: "volumeBackup", id: stray.volumeBackupId, stray: true }]);

    const clean = await create();
    await api(sim, "POST", "volumeBackups.update", { volumeBackupId: clean.volumeBackupId, ...backup, destinationId, enabled: false });
    await api(sim, "POST", "volumeBackups.delete", { volumeBackupId: clean.volumeBackupId });
    expect(jobs().map((j) => j.id)).toEqual([stray.volumeBackupId]);
  });

  it("a service's delete cascades its schedules and volume backups but not their jobs", async () => {
    const s = await api<Row & { scheduleId: string }>(sim, "POST", "schedule.create", { name: "n", cronExpression: "0 2 * * *", command: "true", applicationId: appId });
    const v = await api<Row & { volumeBackupId: string }>(sim, "POST", "volumeBackups.create", { ...backup, destinationId, applicationId: appId, enabled: true });
    await api(sim, "POST", "application.delete", { applicationId: appId });
    expect(jobs()).toEqual([
      { kind: "schedule", id: s.scheduleId, stray: true },
      { kind: "volumeBackup", id: v.volumeBackupId, stray: true },
    ]);
  });
});
