/**
 * `backup.*` and `destination.all` over real HTTP, and seeding the world they
 * need: destinations are seeded (the tool never creates one), `backup.create`
 * answers nothing and the id is read back from the database, errors are 400s
 * carrying their cause, `update` is a full replace, and backups go with their
 * database. Persistence keeps the new tables across a restart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SeedResult, SimulatorHandle } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
let sim: SimulatorHandle | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project with a postgres and a compose, and two destinations, seeded as a person would have made them. */
async function world(options = {}): Promise<{ s: SimulatorHandle; seed: SeedResult }> {
  const s = (sim = await startTestSimulator(options));
  const seed = s.control.seed({
    destinations: [{ name: "s3-backups", accessKey: "AKIA-canary", secretAccessKey: "secret-canary" }, { name: "offsite" }],
    projects: [{
      name: "support",
      environments: [{
        name: "production",
        databases: [{ kind: "postgres", name: "support-db", databasePassword: "pw" }, { kind: "redis", name: "cache" }],
        compose: [{ name: "chatwoot", sourceType: "raw", composeFile: "services: {}\n", domains: [{ host: "help.example.com", serviceName: "web" }] }],
      }],
    }],
  });
  return { s, seed };
}

describe("destination.all", () => {
  it("lists the seeded destinations newest first, keys included (Dokploy answers them in plain text)", async () => {
    const { s, seed } = await world();
    const all = await api<Row[]>(s, "GET", "destination.all");
    expect(all.map((d) => d.name)).toEqual(["offsite", "s3-backups"]);
    expect(all[1]).toMatchObject({
      destinationId: seed.ids["destination/s3-backups"], accessKey: "AKIA-canary", secretAccessKey: "secret-canary",
      organizationId: expect.any(String), additionalFlags: [],
    });
  });
});

describe("backup.*", () => {
  it("create answers an empty 200; the backup shows in postgres.one with its destination (no keys)", async () => {
    const { s, seed } = await world();
    const postgresId = seed.ids["support/production/support-db"]!;
    const destinationId = seed.ids["destination/s3-backups"]!;
    const res = await callApi(s, "POST", "backup.create", {
      schedule: "0 3 * * *", prefix: "support-db/", destinationId, database: "support-db", databaseType: "postgres", postgresId,
    });
    expect(res).toMatchObject({ status: 200, text: "" });
    const [backup] = (await api<{ backups: Row[] }>(s, "GET", "postgres.one", { postgresId })).backups;
    expect(backup).toMatchObject({
      postgresId, destinationId, schedule: "0 3 * * *", enabled: null, keepLatestCount: null, backupType: "database",
      includeEncryptionKey: true, serviceName: null, metadata: null, userId: null, deployments: [],
      destination: { destinationId, name: "s3-backups" },
    });
    expect(backup!.appName).toMatch(/^backup-[a-z-]+-[a-z1-9]{6}$/);
    expect(backup!.destination).not.toHaveProperty("secretAccessKey");
    expect(backup!.destination).not.toHaveProperty("accessKey");
    const one = await api<Row>(s, "GET", "backup.one", { backupId: backup!.backupId });
    expect(one).toMatchObject({ backupId: backup!.backupId, postgres: { postgresId }, mysql: null, compose: null, destination: { name: "s3-backups" } });
  });

  it("refuses an unknown destination with a 400 carrying drizzle's failed insert, and a missing databaseType in zod's shape", async () => {
    const { s, seed } = await world();
    const postgresId = seed.ids["support/production/support-db"]!;
    const unknown = await callApi(s, "POST", "backup.create", {
      schedule: "0 3 * * *", prefix: "p", destinationId: "nope", database: "db", databaseType: "postgres", postgresId,
    });
    expect(unknown).toMatchObject({ status: 400, body: { code: "BAD_REQUEST", message: expect.stringMatching(/^Failed query: insert into "backup"/) } });
    const invalid = await callApi(s, "POST", "backup.create", { schedule: "x", prefix: "p", destinationId: "d", database: "db", postgresId });
    expect(invalid).toMatchObject({ status: 400, body: { message: "Input validation failed", issues: [{ path: ["databaseType"] }] } });
    expect((await api<{ backups: Row[] }>(s, "GET", "postgres.one", { postgresId })).backups).toEqual([]);
  });

  it("update is a full replace (enabled, keepLatestCount, serviceName, metadata must be present) answering an empty 200", async () => {
    const { s, seed } = await world();
    const postgresId = seed.ids["support/production/support-db"]!;
    const destinationId = seed.ids["destination/s3-backups"]!;
    await api(s, "POST", "backup.create", { schedule: "0 3 * * *", prefix: "p/", destinationId, database: "db", databaseType: "postgres", postgresId, enabled: true });
    const [b] = (await api<{ backups: Row[] }>(s, "GET", "postgres.one", { postgresId })).backups;
    const partial = await callApi(s, "POST", "backup.update", { backupId: b!.backupId, schedule: "0 4 * * *", prefix: "p/", destinationId, database: "db", databaseType: "postgres" });
    expect(partial.status).toBe(400);
    expect((partial.body as { issues: Row[] }).issues.map((i) => [i.path, i.expected])).toEqual([
      [["enabled"], "nonoptional"], [["keepLatestCount"], "nonoptional"], [["serviceName"], "nonoptional"], [["metadata"], "nonoptional"],
    ]);
    const full = {
      backupId: b!.backupId, schedule: "0 4 * * *", prefix: "p/", destinationId: seed.ids["destination/offsite"], database: "db",
      databaseType: "postgres", enabled: false, keepLatestCount: 14, serviceName: null, metadata: null,
    };
    expect(await callApi(s, "POST", "backup.update", full)).toMatchObject({ status: 200, text: "" });
    expect(await api(s, "GET", "backup.one", { backupId: b!.backupId })).toMatchObject({ schedule: "0 4 * * *", enabled: false, keepLatestCount: 14, destination: { name: "offsite" } });
    expect(await callApi(s, "POST", "backup.update", { ...full, backupId: "nope" })).toMatchObject({ status: 400, body: { message: "Backup not found" } });
  });

  it("remove answers the row; an unknown id is a 400; removing the database removes its backups", async () => {
    const { s, seed } = await world();
    const postgresId = seed.ids["support/production/support-db"]!;
    const destinationId = seed.ids["destination/s3-backups"]!;
    for (const prefix of ["a/", "b/"]) {
      await api(s, "POST", "backup.create", { schedule: "0 3 * * *", prefix, destinationId, database: "db", databaseType: "postgres", postgresId });
    }
    const [a, b] = (await api<{ backups: Row[] }>(s, "GET", "postgres.one", { postgresId })).backups;
    expect(await api(s, "POST", "backup.remove", { backupId: a!.backupId })).toMatchObject({ backupId: a!.backupId, prefix: "a/" });
    expect(await callApi(s, "POST", "backup.remove", { backupId: a!.backupId })).toMatchObject({ status: 400, body: { message: "Backup not found" } });
    await api(s, "POST", "postgres.remove", { postgresId });
    expect(await callApi(s, "GET", "backup.one", { backupId: b!.backupId })).toMatchObject({ status: 404, body: { message: "Backup not found" } });
  });
});

describe("backup cron jobs", () => {
  it("an enabled backup has a job; update reschedules or cancels it, remove cancels it, postgres.remove cancels them, libsql.remove does not", async () => {
    const { s, seed } = await world();
    const postgresId = seed.ids["support/production/support-db"]!;
    const destinationId = seed.ids["destination/s3-backups"]!;
    const jobs = (): string[] => s.control.state().cronJobs.map((j) => `${j.kind} ${j.stray ? "stray" : "live"}`);
    const create = async (owner: Row, databaseType: string): Promise<string> => {
      await api(s, "POST", "backup.create", { schedule: "0 3 * * *", prefix: "p/", destinationId, database: "db", databaseType, enabled: true, ...owner });
      const kind = Object.keys(owner)[0]!.replace(/Id$/, "");
      return String((await api<{ backups: Row[] }>(s, "GET", `${kind}.one`, owner)).backups.at(-1)!.backupId);
    };
    const id = await create({ postgresId }, "postgres");
    expect(jobs()).toEqual(["backup live"]);
    const full = { backupId: id, schedule: "0 4 * * *", prefix: "p/", destinationId, database: "db", databaseType: "postgres", keepLatestCount: null, serviceName: null, metadata: null };
    await api(s, "POST", "backup.update", { ...full, enabled: false });
    expect(jobs()).toEqual([]);
    await api(s, "POST", "backup.update", { ...full, enabled: true });
    expect(jobs()).toEqual(["backup live"]);
    await api(s, "POST", "backup.remove", { backupId: id });
    expect(jobs()).toEqual([]);
    await create({ postgresId }, "postgres");
    await api(s, "POST", "postgres.remove", { postgresId });
    expect(jobs()).toEqual([]);

    await api(s, "POST", "libsql.create", {
      name: "lite", appName: "lite", environmentId: seed.ids["support/production"], databaseUser: "u", databasePassword: "pw", description: null,
      sqldNode: "primary", sqldPrimaryUrl: null, serverId: null,
    });
    const libsqlId = String(s.control.state().projects[0]!.environments[0]!.libsql[0]!.libsqlId);
    await create({ libsqlId }, "libsql");
    await api(s, "POST", "libsql.remove", { libsqlId });
    expect(jobs()).toEqual(["backup stray"]);
  });
});

describe("seeding and persistence", () => {
  it("seeds compose stacks with domains, databases with their volume and backups, and keeps them across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-services-"));
    dirs.push(dir);
    const statePath = join(dir, "state.json");
    const { s, seed } = await world({ statePath, persistDebounceMs: 0 });
    const destinationId = seed.ids["destination/s3-backups"]!;
    s.control.seed({
      databases: [{ kind: "mysql", name: "legacy", environmentId: seed.ids["support/production"]!, backups: [{ destinationId, prefix: "legacy/" }] }],
    });
    const env = s.control.state().projects[0]!.environments[0]!;
    expect(env.postgres[0]).toMatchObject({ name: "support-db", databaseName: "support-db", databasePassword: "pw", mounts: [{ volumeName: `${env.postgres[0]!.appName}-data` }] });
    expect(env.compose[0]).toMatchObject({ name: "chatwoot", sourceType: "raw", domains: [{ host: "help.example.com", serviceName: "web", domainType: "compose" }] });
    expect(env.mysql[0]).toMatchObject({ name: "legacy", backups: [{ prefix: "legacy/", databaseType: "mysql", destinationId }] });
    expect(() => s.control.seed({ databases: [{ kind: "redis", name: "x", environmentId: seed.ids["support/production"]!, backups: [{ destinationId }] }] })).toThrow(/Redis has no backups/);
    expect(() => s.control.seed({ databases: [{ kind: "oracle" as never, name: "x", environmentId: seed.ids["support/production"]! }] })).toThrow(/needs a "kind"/);

    await s.close();
    sim = await startTestSimulator({ statePath });
    const again = sim.control.state();
    expect(again.destinations.map((d) => d.name).sort()).toEqual(["offsite", "s3-backups"]);
    expect(again.projects[0]!.environments[0]).toMatchObject({
      postgres: [{ name: "support-db", mounts: [{ type: "volume" }] }], mysql: [{ backups: [{ prefix: "legacy/" }] }],
      compose: [{ name: "chatwoot", domains: [{ host: "help.example.com" }] }], redis: [{ name: "cache" }],
    });
    expect(await api(sim, "GET", "compose.one", { composeId: seed.ids["support/production/chatwoot"] })).toMatchObject({ domains: [{ serviceName: "web" }] });
  });

  it("cancels a compose build that was running when the simulator stopped and sets the compose idle, like Dokploy at startup", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-services-"));
    dirs.push(dir);
    const statePath = join(dir, "state.json");
    const { s, seed } = await world({ statePath, persistDebounceMs: 0, buildsConcurrency: 1, deployDurationMs: 60_000, queueDelayMs: 0 });
    const composeId = seed.ids["support/production/chatwoot"]!;
    await api(s, "POST", "compose.deploy", { composeId });
    await eventually(async () => expect(await api(s, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "running" }));
    await s.close();
    sim = await startTestSimulator({ statePath });
    expect(await api(sim, "GET", "compose.one", { composeId })).toMatchObject({ composeStatus: "idle", deployments: [{ status: "cancelled" }] });
  });
});
