/**
 * `mounts.*` and `port.*` behave like Dokploy v0.30.2's (apps/dokploy/server/api/routers/{mount,port}.ts,
 * checked against a real server): shapes, defaults, validation, re-wraps and quirks.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;

let sim: SimulatorHandle;
let appId: string;
let appName: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  const seeded = sim.control.seed({ projects: [{ name: "shop", environments: [{ name: "production", applications: [{ name: "web", appName: "web-abc123" }] }] }] });
  appId = seeded.ids["shop/production/web"]!;
  appName = "web-abc123";
});
afterEach(async () => {
  await sim.close();
});

const NO_SERVICE = { composeId: null, libsqlId: null, mariadbId: null, mongoId: null, mysqlId: null, postgresId: null, redisId: null };
const createMount = (input: Row): Promise<Row & { mountId: string }> =>
  api(sim, "POST", "mounts.create", { serviceId: appId, serviceType: "application", ...input });

describe("mounts", () => {
  it("create returns every column for volume, bind and file mounts, host paths and names unchecked against the type", async () => {
    const volume = await createMount({ type: "volume", mountPath: "/data", volumeName: "web-data" });
    expect(volume).toEqual({
      mountId: expect.any(String), type: "volume", hostPath: null, volumeName: "web-data", filePath: null, content: null,
      serviceType: "application", mountPath: "/data", applicationId: appId, ...NO_SERVICE,
    });
    const bind = await createMount({ type: "bind", mountPath: "/etc/ssl" });
    expect(bind).toMatchObject({ type: "bind", hostPath: null, volumeName: null });
    const file = await createMount({ type: "file", mountPath: "/app/config.json", filePath: "config.json", content: "{}" });
    expect(file).toMatchObject({ type: "file", filePath: "config.json", content: "{}" });
  });

  it("create without serviceType stores an orphan: serviceType application but no service column, in no listing", async () => {
    const orphan = await api<Row & { mountId: string }>(sim, "POST", "mounts.create", { type: "volume", mountPath: "/o", serviceId: appId });
    expect(orphan).toMatchObject({ serviceType: "application", applicationId: null, ...NO_SERVICE });
    const one = await api<Row>(sim, "GET", "application.one", { applicationId: appId });
    expect(one.mounts).toEqual([]);
    await expect(api(sim, "GET", "mounts.listByServiceId", { serviceId: appId, serviceType: "application" })).resolves.toEqual([]);
    await expect(api(sim, "GET", "mounts.one", { mountId: orphan.mountId })).resolves.toMatchObject({ application: null });
  });

  it("create for a missing service, or an id of another kind, is 400 `Error Failed query`", async () => {
    for (const serviceType of ["application", "postgres"]) {
      const res = await callApi(sim, "POST", "mounts.create", {
        type: "volume", mountPath: "/data", serviceId: serviceType === "postgres" ? appId : "nope", serviceType,
      });
      expect(res.status).toBe(400);
      expect((res.body as Row).message).toMatch(/^Error Failed query: insert into "mount" /);
    }
  });

  it("validates type, mountPath and serviceType like zod", async () => {
    const res = await callApi(sim, "POST", "mounts.create", { type: "tmpfs", mountPath: "", serviceId: appId, serviceType: "app" });
    expect(res.status).toBe(400);
    expect((res.body as { issues: Row[] }).issues).toEqual([
      { code: "invalid_value", values: ["bind", "volume", "file"], path: ["type"], message: 'Invalid option: expected one of "bind"|"volume"|"file"' },
      { origin: "string", code: "too_small", minimum: 1, inclusive: true, path: ["mountPath"], message: "Too small: expected string to have >=1 characters" },
      {
        code: "invalid_value", values: ["application", "postgres", "mysql", "mariadb", "mongo", "redis", "compose", "libsql"], path: ["serviceType"],
        message: 'Invalid option: expected one of "application"|"postgres"|"mysql"|"mariadb"|"mongo"|"redis"|"compose"|"libsql"',
      },
    ]);
    const noId = await callApi(sim, "POST", "mounts.remove", {});
    expect((noId.body as { issues: Row[] }).issues).toEqual([
      { expected: "nonoptional", code: "invalid_type", path: ["mountId"], message: "Invalid input: expected nonoptional, received undefined" },
    ]);
  });

  it("one nests the eight services; an unknown id is 404 Mount not found", async () => {
    const m = await createMount({ type: "volume", mountPath: "/data", volumeName: "v" });
    const one = await api<Row>(sim, "GET", "mounts.one", { mountId: m.mountId });
    expect(one).toEqual({
      ...m,
      application: { serverId: null, appName, environment: { project: { organizationId: expect.any(String) } } },
      compose: null, libsql: null, mariadb: null, mongo: null, mysql: null, postgres: null, redis: null,
    });
    const res = await callApi(sim, "GET", "mounts.one", { mountId: "nope" });
    expect(res).toMatchObject({ status: 404, body: { message: "Mount not found", code: "NOT_FOUND" } });
  });

  it("update answers with the row as it was BEFORE the update; one shows the change; a changed type keeps the old volumeName", async () => {
    const m = await createMount({ type: "volume", mountPath: "/data", volumeName: "v" });
    const answer = await api<Row>(sim, "POST", "mounts.update", { mountId: m.mountId, type: "bind", hostPath: "/srv", mountPath: "/data-new" });
    expect(answer).toMatchObject({ type: "volume", mountPath: "/data", hostPath: null, application: expect.any(Object) });
    const after = await api<Row>(sim, "GET", "mounts.one", { mountId: m.mountId });
    expect(after).toMatchObject({ type: "bind", hostPath: "/srv", mountPath: "/data-new", volumeName: "v" });
    const next = await api<Row>(sim, "POST", "mounts.update", { mountId: m.mountId, content: "x" });
    expect(next).toMatchObject({ mountPath: "/data-new", content: null });
  });

  it("update of an unknown id is 404; pointing it at a missing service is drizzle's bare 500", async () => {
    expect(await callApi(sim, "POST", "mounts.update", { mountId: "nope", mountPath: "/x" })).toMatchObject({ status: 404, body: { message: "Mount not found" } });
    const m = await createMount({ type: "volume", mountPath: "/data" });
    const res = await callApi(sim, "POST", "mounts.update", { mountId: m.mountId, composeId: "gone" });
    expect(res.status).toBe(500);
    expect((res.body as Row).message).toMatch(/^Failed query: update "mount" set /);
  });

  it("remove returns the deleted row without relations; again is 404", async () => {
    const m = await createMount({ type: "bind", mountPath: "/x", hostPath: "/srv/x" });
    await expect(api(sim, "POST", "mounts.remove", { mountId: m.mountId })).resolves.toEqual(m);
    expect(await callApi(sim, "POST", "mounts.remove", { mountId: m.mountId })).toMatchObject({ status: 404, body: { message: "Mount not found" } });
  });

  it("listByServiceId lists a service's rows; a missing service is 404 <Kind> not found, an unknown type 401", async () => {
    const a = await createMount({ type: "volume", mountPath: "/a" });
    const b = await createMount({ type: "bind", mountPath: "/b" });
    await expect(api(sim, "GET", "mounts.listByServiceId", { serviceId: appId, serviceType: "application" })).resolves.toEqual([a, b]);
    for (const [serviceType, message] of [["application", "Application not found"], ["postgres", "Postgres not found"], ["mysql", "MySql not found"]]) {
      const res = await callApi(sim, "GET", "mounts.listByServiceId", { serviceId: serviceType === "application" ? "nope" : appId, serviceType });
      expect(res).toMatchObject({ status: 404, body: { message } });
    }
    const unknownType = await callApi(sim, "GET", "mounts.listByServiceId", { serviceId: appId, serviceType: "nomad" });
    expect(unknownType).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    const noType = await callApi(sim, "GET", "mounts.listByServiceId", { serviceId: appId });
    expect(noType.status).toBe(400);
  });
});

describe("port", () => {
  const createPort = (input: Row = {}): Promise<Row & { portId: string }> =>
    api(sim, "POST", "port.create", { applicationId: appId, publishedPort: 8080, targetPort: 80, ...input });

  it("create defaults publishMode to ingress and protocol to tcp, with no range or uniqueness check", async () => {
    const p = await createPort();
    expect(p).toEqual({ portId: expect.any(String), publishedPort: 8080, publishMode: "ingress", targetPort: 80, protocol: "tcp", applicationId: appId });
    await expect(createPort({ publishMode: "host", protocol: "udp" })).resolves.toMatchObject({ publishedPort: 8080, publishMode: "host", protocol: "udp" });
    await expect(createPort({ publishedPort: 70000 })).resolves.toMatchObject({ publishedPort: 70000 });
  });

  it("create refuses string numbers (no coercion under .required()) and wraps every failure as 400 `Error input: Inserting port`", async () => {
    const res = await callApi(sim, "POST", "port.create", { applicationId: appId, publishedPort: "9090", targetPort: 80 });
    expect((res.body as { issues: Row[] }).issues).toEqual([
      { expected: "number", code: "invalid_type", path: ["publishedPort"], message: "Invalid input: expected number, received string" },
    ]);
    for (const input of [{ applicationId: "nope", publishedPort: 1, targetPort: 1 }, { applicationId: appId, publishedPort: 1.5, targetPort: 1 }]) {
      const refused = await callApi(sim, "POST", "port.create", input);
      expect(refused).toMatchObject({ status: 400, body: { message: "Error input: Inserting port", code: "BAD_REQUEST" } });
    }
  });

  it("one nests application{applicationId}; every failure, not-found included, is 400 Port not found", async () => {
    const p = await createPort();
    await expect(api(sim, "GET", "port.one", { portId: p.portId })).resolves.toEqual({ ...p, application: { applicationId: appId } });
    expect(await callApi(sim, "GET", "port.one", { portId: "nope" })).toMatchObject({ status: 400, body: { message: "Port not found", code: "BAD_REQUEST" } });
  });

  it("update needs both ports and resets an omitted publishMode/protocol to ingress/tcp", async () => {
    const p = await createPort({ publishMode: "host", protocol: "udp" });
    const partial = await callApi(sim, "POST", "port.update", { portId: p.portId, publishedPort: 9000 });
    expect((partial.body as { issues: Row[] }).issues).toEqual([
      { expected: "number", code: "invalid_type", path: ["targetPort"], message: "Invalid input: expected number, received undefined" },
    ]);
    const updated = await api(sim, "POST", "port.update", { portId: p.portId, publishedPort: 9000, targetPort: 90 });
    expect(updated).toEqual({ ...p, publishedPort: 9000, targetPort: 90, publishMode: "ingress", protocol: "tcp" });
    const tooBig = await callApi(sim, "POST", "port.update", { portId: p.portId, publishedPort: 2 ** 31, targetPort: 90 });
    expect(tooBig.status).toBe(400);
    expect((tooBig.body as Row).message).toMatch(/^Failed query: update "port" set "portId" = \$1, "publishedPort" = \$2/);
    const noId = await callApi(sim, "POST", "port.update", { publishedPort: 1, targetPort: 1 });
    expect((noId.body as { issues: Row[] }).issues[0]).toMatchObject({ expected: "nonoptional", path: ["portId"] });
  });

  it("update and delete of an unknown id are 404 Port not found; delete returns the row", async () => {
    const p = await createPort();
    expect(await callApi(sim, "POST", "port.update", { portId: "nope", publishedPort: 1, targetPort: 1 })).toMatchObject({ status: 404, body: { message: "Port not found" } });
    await expect(api(sim, "POST", "port.delete", { portId: p.portId })).resolves.toEqual(p);
    expect(await callApi(sim, "POST", "port.delete", { portId: p.portId })).toMatchObject({ status: 404, body: { message: "Port not found" } });
  });
});
