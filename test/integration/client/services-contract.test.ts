/**
 * Contract tests of the router modules (`src/dokploy/routers/`): every
 * endpoint they declare, sent by the real client's generic `call` to the
 * simulator over HTTP, answers what its wire type says, and the client keeps
 * its promises for them: a database deploy may hold the request past the
 * client's default deadline, a failed deploy is not re-sent, and the S3 keys
 * of `destination.all` never reach the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDokployClient, type DokployClient } from "../../../src/dokploy/client.ts";
import { mutation } from "../../../src/dokploy/endpoint.ts";
import type { DokployError } from "../../../src/dokploy/errors.ts";
import { backupRouter } from "../../../src/dokploy/routers/backup.ts";
import { composeRouter } from "../../../src/dokploy/routers/compose.ts";
import { deploymentRouter } from "../../../src/dokploy/routers/deployment.ts";
import { destinationRouter } from "../../../src/dokploy/routers/destination.ts";
import { domainRouter } from "../../../src/dokploy/routers/domain.ts";
import { libsqlRouter } from "../../../src/dokploy/routers/libsql.ts";
import { mariadbRouter } from "../../../src/dokploy/routers/mariadb.ts";
import { mongoRouter } from "../../../src/dokploy/routers/mongo.ts";
import { mysqlRouter } from "../../../src/dokploy/routers/mysql.ts";
import { postgresRouter } from "../../../src/dokploy/routers/postgres.ts";
import { redisRouter } from "../../../src/dokploy/routers/redis.ts";
import { startSimulator, type SimulatorHandle } from "../../../src/simulator/index.ts";
import { FAST_BUILDS } from "../../helpers/simulator.ts";
import { dokployRejection, expectNoKeyIn } from "./leak-check.ts";

let sim: SimulatorHandle;
let api: DokployClient;
let environmentId: string;
let destinationId: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, deployDurationMs: 30, queueDelayMs: 0, ...FAST_BUILDS, databaseDeployDurationMs: 600 });
  // A short default deadline: the database deploy must pass only because its endpoint declares a longer one.
  api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, requestTimeoutMs: 400, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  const seed = sim.control.seed({
    destinations: [{ name: "s3-backups", accessKey: "AKIA-canary", secretAccessKey: "secret-canary" }],
    projects: [{ name: "support" }],
  });
  environmentId = seed.ids["support/production"]!;
  destinationId = seed.ids["destination/s3-backups"]!;
});

afterAll(async () => {
  await api?.close();
  await sim?.close();
});

/** Expects a DokployError and checks it for the key. */
const fails = (promise: Promise<unknown>): Promise<DokployError> => dokployRejection(promise, sim.apiKey);

describe("compose router", () => {
  it("create, one, update, saveEnvironment, domains, deploy, queue, start/stop, loadServices, delete", async () => {
    const compose = await api.call(composeRouter.create, {
      name: "chatwoot", environmentId, sourceType: "raw", composeFile: "services:\n  web:\n    image: nginx:1\n",
    });
    expect(compose).toMatchObject({ name: "chatwoot", sourceType: "raw", composeStatus: "idle", composePath: "./docker-compose.yml" });
    const { composeId } = compose;
    expect(await api.call(composeRouter.update, { composeId, description: "Help desk", isolatedDeployment: true })).toMatchObject({ description: "Help desk" });
    expect(await api.call(composeRouter.update, { composeId: "nope", description: "x" })).toBeUndefined();
    expect(await api.call(composeRouter.saveEnvironment, { composeId, env: "A=1" })).toBe(true);
    const domain = await api.domainCreate({ host: "help.example.com", composeId, serviceName: "web", domainType: "compose", port: 3000 });
    expect(await api.call(domainRouter.byComposeId, { composeId })).toEqual([{ ...domain, compose: { composeId, appName: compose.appName, name: "chatwoot" } }]);

    expect(await api.call(composeRouter.deploy, { composeId })).toEqual({ success: true, message: "Deployment queued", composeId });
    await sim.control.idle();
    expect(await api.call(deploymentRouter.queueList, {})).toEqual([]);
    const [deployment] = await api.call(deploymentRouter.allByCompose, { composeId });
    expect(deployment).toMatchObject({ composeId, status: "done" });
    expect(await api.call(composeRouter.loadServices, { composeId })).toEqual(["web"]);
    expect(await api.call(composeRouter.stop, { composeId })).toBe(true);
    expect(await api.call(composeRouter.start, { composeId })).toBe(true);
    const one = await api.call(composeRouter.one, { composeId });
    expect(one).toMatchObject({ env: "A=1", composeStatus: "done", domains: [{ domainId: domain.domainId }], hasGitProviderAccess: true });
    expect(await api.call(composeRouter.redeploy, { composeId })).toMatchObject({ message: "Redeployment queued" });

    const deleted = await api.call(composeRouter.delete, { composeId, deleteVolumes: false });
    expect(deleted).toMatchObject({ composeId, domains: [{ domainId: domain.domainId }] });
    expect((await fails(api.call(composeRouter.one, { composeId })))).toMatchObject({ status: 404, isNotFound: true });
  });
});

describe("database routers", () => {
  const routers = [
    ["postgres", postgresRouter, { databaseName: "app", databaseUser: "app", databasePassword: "s3cret" }],
    ["mysql", mysqlRouter, { databaseName: "app", databaseUser: "app", databasePassword: "s3cret" }],
    ["mariadb", mariadbRouter, { databaseName: "app", databaseUser: "app", databasePassword: "s3cret" }],
    ["mongo", mongoRouter, { databaseUser: "app", databasePassword: "s3cret" }],
    ["redis", redisRouter, { databasePassword: "s3cret" }],
  ] as const;

  it.each(routers)("%s: create, one, update, env, deploy past the default deadline, password, port, stop/start, remove", async (kind, router, create) => {
    const row = await api.call(router.create as typeof postgresRouter.create, { name: `${kind}-db`, environmentId, ...create } as never);
    const id = { [`${kind}Id`]: (row as unknown as Record<string, string>)[`${kind}Id`] } as never;
    expect(row).toMatchObject({ applicationStatus: "idle", databasePassword: "s3cret" });
    const r = router as unknown as typeof postgresRouter;
    expect(await api.call(r.update, { ...(id as object), description: "main" } as never)).toBe(true);
    expect(await api.call(r.saveEnvironment, { ...(id as object), env: "TZ=UTC" } as never)).toBe(true);
    // 600 ms of image pull against a 400 ms default deadline: the endpoint's own deadline applies.
    expect(await api.call(r.deploy, id)).toMatchObject({ applicationStatus: "idle" });
    expect(await api.call(r.changePassword, { ...(id as object), password: "n3w" } as never)).toBe(true);
    expect(await api.call(r.saveExternalPort, { ...(id as object), externalPort: null } as never)).toMatchObject({ applicationStatus: "done" });
    expect(await api.call(r.stop, id)).toMatchObject({ applicationStatus: "done" });
    expect(await api.call(r.start, id)).toMatchObject({ applicationStatus: "idle" });
    const one = await api.call(r.one, id);
    expect(one).toMatchObject({ description: "main", env: "TZ=UTC", databasePassword: "n3w", applicationStatus: "done", mounts: [{ type: "volume" }] });
    expect(await api.call(r.remove, id)).toMatchObject({ description: "main" });
    expect(await fails(api.call(r.one, id))).toMatchObject({ status: 404, kind: "rejected" });
  });

  it("libsql: create answers true, the id comes from project.one; three ports; no changePassword", async () => {
    expect(await api.call(libsqlRouter.create, {
      name: "edge", environmentId, appName: "edge", description: null, serverId: null, databaseUser: "u", databasePassword: "p",
      sqldNode: "primary", sqldPrimaryUrl: null,
    })).toBe(true);
    const project = (await api.projectAll())[0]!;
    const env = (await api.projectOne({ projectId: project.projectId })).environments[0]!;
    const libsqlId = (env.libsql as Array<{ libsqlId: string; name: string }>).find((d) => d.name === "edge")!.libsqlId;
    expect(await api.call(libsqlRouter.update, { libsqlId, enableNamespaces: true })).toBe(true);
    expect(await api.call(libsqlRouter.saveExternalPorts, { libsqlId, externalPort: 8080 })).toMatchObject({ externalPort: null });
    expect(await api.call(libsqlRouter.one, { libsqlId })).toMatchObject({ externalPort: 8080, enableNamespaces: true, backups: [] });
    expect(libsqlRouter).not.toHaveProperty("changePassword");
    await api.call(libsqlRouter.remove, { libsqlId });
  });

  it("a failed deploy is a 500 that may have applied and is never re-sent; a bad password is a clear 400", async () => {
    const pg = await api.call(postgresRouter.create, { name: "broken", environmentId, databaseName: "d", databaseUser: "u", databasePassword: "p", dockerImage: "postgres:broken" });
    sim.control.setFailDeploys({ imagePattern: "*:broken" });
    sim.control.resetCalls();
    const err = await fails(api.call(postgresRouter.deploy, { postgresId: pg.postgresId }));
    sim.control.setFailDeploys(undefined);
    expect(err).toMatchObject({ status: 500, kind: "server", mayHaveApplied: true });
    expect(err.dokployMessage).toMatch(/^Error on deploy postgresError: /);
    expect(sim.control.calls().filter((c) => c.endpoint === "postgres.deploy")).toHaveLength(1);
    const bad = await fails(api.call(postgresRouter.create, { name: "x", environmentId, databaseName: "d", databaseUser: "u", databasePassword: "pa$$" }));
    expect(bad).toMatchObject({ status: 400, kind: "rejected" });
    expect(bad.message).toContain("/databasePassword Password contains invalid characters");
  });

  it("without the endpoint's own deadline, the same deploy times out at the client's default", async () => {
    const pg = await api.call(postgresRouter.create, { name: "slow", environmentId, databaseName: "d", databaseUser: "u", databasePassword: "p" });
    const hurried = mutation<{ postgresId: string }, unknown>("postgres.deploy", "once");
    expect(await fails(api.call(hurried, { postgresId: pg.postgresId }))).toMatchObject({ kind: "timeout", mayHaveApplied: true });
  });
});

describe("backup and destination routers", () => {
  it("destination.all keeps only the typed columns: the S3 keys never reach the caller", async () => {
    const all = await api.call(destinationRouter.all, {});
    expect(all).toEqual([expect.objectContaining({ destinationId, name: "s3-backups" })]);
    expect(JSON.stringify(all)).not.toMatch(/canary/);
    expect(all[0]).not.toHaveProperty("secretAccessKey");
  });

  it("create answers nothing, the id is read back; one, update (full replace), remove", async () => {
    const pg = await api.call(postgresRouter.create, { name: "backed", environmentId, databaseName: "d", databaseUser: "u", databasePassword: "p" });
    expect(await api.call(backupRouter.create, {
      schedule: "0 3 * * *", prefix: "backed/", destinationId, database: "d", databaseType: "postgres", postgresId: pg.postgresId, enabled: true,
    })).toBeUndefined();
    const [backup] = (await api.call(postgresRouter.one, { postgresId: pg.postgresId })).backups;
    expect(backup).toMatchObject({ enabled: true, destination: { name: "s3-backups" } });
    expect(await api.call(backupRouter.update, {
      backupId: backup!.backupId, schedule: "0 4 * * *", enabled: true, prefix: "backed/", destinationId, database: "d",
      keepLatestCount: 14, serviceName: null, metadata: null, databaseType: "postgres",
    })).toBeUndefined();
    expect(await api.call(backupRouter.one, { backupId: backup!.backupId })).toMatchObject({ schedule: "0 4 * * *", keepLatestCount: 14 });
    expect(await api.call(backupRouter.remove, { backupId: backup!.backupId })).toMatchObject({ backupId: backup!.backupId });
    const gone = await fails(api.call(backupRouter.remove, { backupId: backup!.backupId }));
    expect(gone).toMatchObject({ status: 400, dokployMessage: "Backup not found" });
    expectNoKeyIn(gone, "secret-canary");
  });
});
