/**
 * The six database routers over real HTTP, as Dokploy v0.30.2 has them: the
 * volume mount `create` adds, passwords in plain text and their pattern,
 * `update` returning `true`, the synchronous deploy (held, then 200 or 500),
 * start/stop/changePassword that need a running service, external ports, the
 * database arrays of `project.one`/`project.all`, and the cascades.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { DatabaseKind, SimulatorHandle } from "../../../src/simulator/index.ts";
import { eventually } from "../../helpers/eventually.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;
let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PASSWORD_MESSAGE =
  "Password contains invalid characters. Please avoid: $ ! ' \" \\ / and space characters for database compatibility";

/** A valid create input per kind (LibSQL wants every key present). */
const CREATE: Record<DatabaseKind, Row> = {
  postgres: { databaseName: "app", databaseUser: "app", databasePassword: "s3cret" },
  mysql: { databaseName: "app", databaseUser: "app", databasePassword: "s3cret" },
  mariadb: { databaseName: "app", databaseUser: "app", databasePassword: "s3cret" },
  mongo: { databaseUser: "app", databasePassword: "s3cret" },
  redis: { databasePassword: "s3cret" },
  libsql: { appName: "lib", description: null, databaseUser: "app", databasePassword: "s3cret", sqldNode: "primary", sqldPrimaryUrl: null, serverId: null },
};
const DEFAULTS: Record<DatabaseKind, { image: string; dataPath: string; notFound: string; updateError: string }> = {
  postgres: { image: "postgres:18", dataPath: "/var/lib/postgresql/18/docker", notFound: "Postgres not found", updateError: "Error updating Postgres" },
  mysql: { image: "mysql:8", dataPath: "/var/lib/mysql", notFound: "MySql not found", updateError: "Update: Error updating MySQL" },
  mariadb: { image: "mariadb:6", dataPath: "/var/lib/mysql", notFound: "Mariadb not found", updateError: "Update: Error updating Mariadb" },
  mongo: { image: "mongo:15", dataPath: "/data/db", notFound: "Mongo not found", updateError: "Update: Error updating Mongo" },
  redis: { image: "redis:8", dataPath: "/data", notFound: "Redis not found", updateError: "Error updating Redis" },
  libsql: { image: "ghcr.io/tursodatabase/libsql-server:v0.24.32", dataPath: "/var/lib/sqld", notFound: "Libsql not found", updateError: "Error updating Libsql" },
};
const KINDS = Object.keys(CREATE) as DatabaseKind[];

async function setup(): Promise<{ s: SimulatorHandle; projectId: string; environmentId: string }> {
  const s = (sim = await startTestSimulator());
  const { project, environment } = await api<{ project: Row; environment: Row }>(s, "POST", "project.create", { name: "support" });
  return { s, projectId: String(project.projectId), environmentId: String(environment.environmentId) };
}

/** Creates a database and returns its id (LibSQL answers `true`: the id is read from project.one). */
async function createDb(s: SimulatorHandle, kind: DatabaseKind, environmentId: string, extra: Row = {}): Promise<string> {
  const name = (extra.name as string | undefined) ?? `${kind}-db`;
  const answer = await api<Row | true>(s, "POST", `${kind}.create`, { name, environmentId, ...CREATE[kind], ...extra });
  if (answer !== true) return String(answer[`${kind}Id`]);
  const env = await api<Row>(s, "GET", "environment.one", { environmentId });
  return String((env[kind] as Row[]).find((d) => d.name === name)![`${kind}Id`]);
}

const one = (s: SimulatorHandle, kind: DatabaseKind, id: string): Promise<Row> => api<Row>(s, "GET", `${kind}.one`, { [`${kind}Id`]: id });

describe.each(KINDS)("%s", (kind) => {
  const idKey = `${kind}Id`;

  it("create stores the defaults and adds the <appName>-data volume; one returns the password in plain text", async () => {
    const { s, environmentId, projectId } = await setup();
    const id = await createDb(s, kind, environmentId);
    const row = await one(s, kind, id);
    expect(row).toMatchObject({
      [idKey]: id, dockerImage: DEFAULTS[kind].image, databasePassword: "s3cret", applicationStatus: "idle", externalPort: null,
      replicas: 1, networkIds: [], detachDokployNetwork: false, env: null, command: null, serverId: null, environmentId,
      environment: { environmentId, project: { projectId } }, server: null,
      mounts: [{ type: "volume", volumeName: `${String(row.appName)}-data`, mountPath: DEFAULTS[kind].dataPath, serviceType: kind, [idKey]: id }],
    });
    expect(row.appName).toMatch(kind === "libsql" ? /^lib-[a-z0-9]{6}$/ : new RegExp(`^${kind}-[a-z-]+-[a-z1-9]{6}$`));
    if (kind === "redis") expect(row).not.toHaveProperty("backups");
    else expect(row.backups).toEqual([]);
    if (kind === "mysql" || kind === "mariadb") expect(row.databaseRootPassword).toMatch(/^[a-z0-9]{16}$/);
    expect(await callApi(s, "GET", `${kind}.one`, { [idKey]: "nope" })).toMatchObject({ status: 404, body: { message: DEFAULTS[kind].notFound } });
  });

  it("checks the password pattern (Redis does not) and generates a password for an empty one", async () => {
    const { s, environmentId } = await setup();
    const bad = await callApi(s, "POST", `${kind}.create`, { name: "x", environmentId, ...CREATE[kind], databasePassword: "pa$$word" });
    if (kind === "redis") {
      expect(bad.status).toBe(200);
    } else {
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ issues: [{ code: "invalid_format", path: ["databasePassword"], message: PASSWORD_MESSAGE }] });
    }
    const id = await createDb(s, kind, environmentId, { name: "generated", databasePassword: "", ...(kind === "libsql" ? { appName: "gen" } : {}) });
    expect((await one(s, kind, id)).databasePassword).toMatch(/^[a-z0-9]{16}$/);
  });

  it("update returns true, drops appName, refuses an empty update with a 500 and an unknown id with its 400", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, kind, environmentId);
    const before = await one(s, kind, id);
    expect(await api(s, "POST", `${kind}.update`, { [idKey]: id, description: "main", appName: "renamed", memoryLimit: "1073741824" })).toBe(true);
    expect(await one(s, kind, id)).toMatchObject({ description: "main", appName: before.appName, memoryLimit: "1073741824", dockerImage: before.dockerImage });
    expect(await callApi(s, "POST", `${kind}.update`, { [idKey]: id, appName: "x" })).toMatchObject({ status: 500, body: { message: "No values to set" } });
    expect(await callApi(s, "POST", `${kind}.update`, { [idKey]: "nope", description: "x" })).toMatchObject({
      status: 400, body: { message: DEFAULTS[kind].updateError },
    });
  });

  it("deploy holds the request while the image is pulled, then answers the row read before; the status is running meanwhile", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, kind, environmentId);
    s.control.setBuilds({ databaseDeployDurationMs: 800 });
    let answered = false;
    const deploy = callApi(s, "POST", `${kind}.deploy`, { [idKey]: id }).finally(() => (answered = true));
    await eventually(async () => expect((await one(s, kind, id)).applicationStatus).toBe("running"));
    expect(answered).toBe(false);
    const res = await deploy;
    expect(res).toMatchObject({ status: 200, body: { [idKey]: id, applicationStatus: "idle" } });
    expect((await one(s, kind, id)).applicationStatus).toBe("done");
  });

  it("start needs a deployed service, stop always works, and a failing deploy is a 500 with the status at error", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, kind, environmentId);
    const start = await callApi(s, "POST", `${kind}.start`, { [idKey]: id });
    expect(start).toMatchObject({ status: 500, body: { message: expect.stringContaining("No such service") } });
    expect(await api(s, "POST", `${kind}.stop`, { [idKey]: id })).toMatchObject({ [idKey]: id });
    await api(s, "POST", `${kind}.deploy`, { [idKey]: id });
    expect(await api(s, "POST", `${kind}.stop`, { [idKey]: id })).toMatchObject({ applicationStatus: "done" });
    expect((await one(s, kind, id)).applicationStatus).toBe("idle");
    expect(await api(s, "POST", `${kind}.start`, { [idKey]: id })).toMatchObject({ applicationStatus: "idle" });
    expect((await one(s, kind, id)).applicationStatus).toBe("done");

    s.control.setFailDeploys({ imagePattern: `${DEFAULTS[kind].image.split(":")[0]}:*` });
    const failed = await callApi(s, "POST", `${kind}.deploy`, { [idKey]: id });
    expect(failed).toMatchObject({ status: 500, body: { code: "INTERNAL_SERVER_ERROR", message: expect.stringMatching(new RegExp(`^Error on deploy ${kind}Error: `)) } });
    expect((await one(s, kind, id)).applicationStatus).toBe("error");
  });

  it("saveEnvironment needs env present and 400s an unknown id", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, kind, environmentId);
    expect(await api(s, "POST", `${kind}.saveEnvironment`, { [idKey]: id, env: "TZ=UTC" })).toBe(true);
    expect((await one(s, kind, id)).env).toBe("TZ=UTC");
    expect(await callApi(s, "POST", `${kind}.saveEnvironment`, { [idKey]: id })).toMatchObject({
      status: 400, body: { issues: [{ expected: "nonoptional", path: ["env"] }] },
    });
    expect(await callApi(s, "POST", `${kind}.saveEnvironment`, { [idKey]: "nope", env: "" })).toMatchObject({
      status: 400, body: { message: "Error adding environment variables" },
    });
  });

  it("remove answers the database as read before and takes its mounts with it", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, kind, environmentId);
    const removed = await api<Row>(s, "POST", `${kind}.remove`, { [idKey]: id });
    expect(removed).toMatchObject({ [idKey]: id, mounts: [{ type: "volume" }], environment: { environmentId } });
    expect(await callApi(s, "POST", `${kind}.remove`, { [idKey]: id })).toMatchObject({ status: 404, body: { message: DEFAULTS[kind].notFound } });
    const env = s.control.state().projects[0]!.environments[0]!;
    expect(env[kind]).toEqual([]);
  });
});

describe("changePassword", () => {
  it.each(KINDS.filter((k) => k !== "libsql"))("%s: needs a running container, then stores the password", async (kind) => {
    const { s, environmentId } = await setup();
    const idKey = `${kind}Id`;
    const id = await createDb(s, kind, environmentId);
    const notRunning = await callApi(s, "POST", `${kind}.changePassword`, { [idKey]: id, password: "n3w" });
    expect(notRunning).toMatchObject({ status: 500, body: { message: expect.stringMatching(/^Command execution failed: /) } });
    expect((await one(s, kind, id)).databasePassword).toBe("s3cret");
    await api(s, "POST", `${kind}.deploy`, { [idKey]: id });
    expect(await api(s, "POST", `${kind}.changePassword`, { [idKey]: id, password: "n3w" })).toBe(true);
    expect((await one(s, kind, id)).databasePassword).toBe("n3w");
    const bad = await callApi(s, "POST", `${kind}.changePassword`, { [idKey]: id, password: "bad'pw" });
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ code: "invalid_format", path: ["password"], message: PASSWORD_MESSAGE }] } });
  });

  it("takes type root for MySQL and MariaDB; LibSQL has none", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, "mysql", environmentId);
    await api(s, "POST", "mysql.deploy", { mysqlId: id });
    expect(await api(s, "POST", "mysql.changePassword", { mysqlId: id, password: "r00t", type: "root" })).toBe(true);
    expect(await one(s, "mysql", id)).toMatchObject({ databaseRootPassword: "r00t", databasePassword: "s3cret" });
    expect(await callApi(s, "POST", "libsql.changePassword", { libsqlId: "x", password: "y" })).toMatchObject({ status: 404, body: { message: "Not found" } });
  });
});

describe("external ports", () => {
  it("saveExternalPort stores the port and redeploys; a port a running service holds is a 409", async () => {
    const { s, environmentId } = await setup();
    const pg = await createDb(s, "postgres", environmentId);
    const before = await api<Row>(s, "POST", "postgres.saveExternalPort", { postgresId: pg, externalPort: 5432 });
    expect(before).toMatchObject({ externalPort: null, applicationStatus: "idle" });
    expect(await one(s, "postgres", pg)).toMatchObject({ externalPort: 5432, applicationStatus: "done" });
    const redis = await createDb(s, "redis", environmentId);
    expect(await callApi(s, "POST", "redis.saveExternalPort", { redisId: redis, externalPort: 5432 })).toMatchObject({
      status: 409, body: { message: expect.stringMatching(/^Port 5432 is already in use by postgres-/) },
    });
    expect(await callApi(s, "POST", "redis.saveExternalPort", { redisId: redis })).toMatchObject({
      status: 400, body: { issues: [{ expected: "nonoptional", path: ["externalPort"] }] },
    });
    s.control.setFailDeploys({ imagePattern: "postgres:*" });
    expect(await callApi(s, "POST", "postgres.saveExternalPort", { postgresId: pg, externalPort: null })).toMatchObject({ status: 500 });
    expect(await one(s, "postgres", pg)).toMatchObject({ externalPort: null, applicationStatus: "error" });
  });

  it("libsql.saveExternalPorts wants one port and no gRPC port on a replica", async () => {
    const { s, environmentId } = await setup();
    const id = await createDb(s, "libsql", environmentId);
    const none = await callApi(s, "POST", "libsql.saveExternalPorts", { libsqlId: id, externalPort: null, externalGRPCPort: null, externalAdminPort: null });
    expect(none).toMatchObject({ status: 400, body: { issues: [{ code: "custom", message: "Either externalPort, externalGRPCPort or externalAdminPort must be provided." }] } });
    expect(await api(s, "POST", "libsql.saveExternalPorts", { libsqlId: id, externalPort: 8080, externalGRPCPort: 5001 })).toMatchObject({ libsqlId: id });
    expect(await one(s, "libsql", id)).toMatchObject({ externalPort: 8080, externalGRPCPort: 5001, externalAdminPort: null });
    s.control.update("libsql", id, { sqldNode: "replica" });
    expect(await callApi(s, "POST", "libsql.saveExternalPorts", { libsqlId: id, externalPort: 8081 })).toMatchObject({
      status: 400, body: { message: "externalGRPCPort cannot be set when sqldNode is 'replica'" },
    });
  });
});

describe("LibSQL create", () => {
  it("wants every key present, checks sqldPrimaryUrl against sqldNode, and checks the appName before its suffix", async () => {
    const { s, environmentId } = await setup();
    const missing = await callApi(s, "POST", "libsql.create", { name: "x", environmentId, databaseUser: "u", databasePassword: "p" });
    expect(missing.status).toBe(400);
    expect((missing.body as { issues: Row[] }).issues.map((i) => [i.path, i.expected])).toEqual([
      [["appName"], "nonoptional"], [["description"], "nonoptional"], [["sqldNode"], "nonoptional"],
      [["sqldPrimaryUrl"], "nonoptional"], [["serverId"], "nonoptional"],
    ]);
    expect(await callApi(s, "POST", "libsql.create", { name: "x", environmentId, ...CREATE.libsql, sqldNode: "replica" })).toMatchObject({
      status: 400, body: { issues: [{ code: "custom", path: ["sqldPrimaryUrl"], message: "sqldPrimaryUrl is required when sqldNode is 'replica'." }] },
    });
    s.control.seed({ applications: [{ environmentId, name: "taken", appName: "lib" }] });
    expect(await callApi(s, "POST", "libsql.create", { name: "x", environmentId, ...CREATE.libsql })).toMatchObject({
      status: 409, body: { message: "Service with this 'AppName' already exists" },
    });
  });
});

describe("lists and cascades", () => {
  it("project.one lists each database with its summary columns; project.all gives the owner only ids", async () => {
    const { s, environmentId, projectId } = await setup();
    const ids = Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, await createDb(s, k, environmentId)] as const)));
    const env = (await api<{ environments: Row[] }>(s, "GET", "project.one", { projectId })).environments[0]!;
    for (const kind of KINDS) {
      expect(env[kind]).toEqual([{
        name: `${kind}-db`, description: null, appName: expect.any(String), createdAt: expect.any(String), serverId: null,
        applicationStatus: "idle", [`${kind}Id`]: ids[kind], server: null,
      }]);
    }
    const all = (await api<Array<{ environments: Row[] }>>(s, "GET", "project.all"))[0]!.environments[0]!;
    for (const kind of KINDS) expect(all[kind]).toEqual([{ [`${kind}Id`]: ids[kind] }]);
  });

  it("an environment with a database cannot be removed; removing the project removes its databases", async () => {
    const { s, projectId } = await setup();
    const { environmentId } = await api<Row>(s, "POST", "environment.create", { name: "staging", projectId });
    const id = await createDb(s, "postgres", String(environmentId));
    expect(await callApi(s, "POST", "environment.remove", { environmentId })).toMatchObject({
      status: 400, body: { message: "Cannot delete environment: it has active services. Delete all services first." },
    });
    await api(s, "POST", "project.remove", { projectId });
    expect(await callApi(s, "GET", "postgres.one", { postgresId: id })).toMatchObject({ status: 404 });
  });
});
