/**
 * Contract tests for the service children's routers (`src/dokploy/routers/*`):
 * every endpoint through the real client (`api.call`) against the simulator
 * over HTTP, with the answers the wire types promise (`true` with no id, empty
 * bodies, rows), the errors a kind module will meet, the retry safety each
 * endpoint declares, and `applicationOne` keeping the children it projects.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDokployClient } from "../../../src/dokploy/client.ts";
import type { DokployClient } from "../../../src/dokploy/client.ts";
import { DokployError } from "../../../src/dokploy/errors.ts";
import { mountsRouter } from "../../../src/dokploy/routers/mounts.ts";
import { portRouter } from "../../../src/dokploy/routers/port.ts";
import { redirectsRouter } from "../../../src/dokploy/routers/redirects.ts";
import { scheduleRouter } from "../../../src/dokploy/routers/schedule.ts";
import { securityRouter } from "../../../src/dokploy/routers/security.ts";
import { volumeBackupsRouter } from "../../../src/dokploy/routers/volume-backups.ts";
import { startSimulator } from "../../../src/simulator/index.ts";
import { rejection } from "./leak-check.ts";

type Sim = Awaited<ReturnType<typeof startSimulator>>;

let sim: Sim;
let api: DokployClient;
let appId: string;
let destinationId: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, deployDurationMs: 20 });
  api = createDokployClient({ url: sim.url, apiKey: sim.apiKey, requestTimeoutMs: 2_000, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
});

afterAll(async () => {
  await api?.close();
  await sim?.close();
});

let run = 0;
beforeEach(() => {
  sim.control.clearFaults();
  run++;
  const seeded = sim.control.seed({
    destinations: [{ name: `s3-${run}` }],
    projects: [{ name: `shop-${run}`, environments: [{ name: "production", applications: [{ name: "web" }] }] }],
  });
  appId = seeded.applicationIds[0]!;
  destinationId = seeded.destinationIds[0]!;
});

async function fails(promise: Promise<unknown>): Promise<DokployError> {
  const err = await rejection(promise, sim.apiKey);
  expect(err).toBeInstanceOf(DokployError);
  return err as unknown as DokployError;
}

describe("children through the client", () => {
  it("mounts: create, one, update (old values back), listByServiceId, remove; not found is typed", async () => {
    const m = await api.call(mountsRouter.create, { type: "volume", mountPath: "/data", volumeName: "web-data", serviceId: appId, serviceType: "application" });
    expect(m).toMatchObject({ type: "volume", mountPath: "/data", applicationId: appId });
    const one = await api.call(mountsRouter.one, { mountId: m.mountId });
    expect(one.application?.appName).toEqual(expect.any(String));
    const old = await api.call(mountsRouter.update, { mountId: m.mountId, mountPath: "/srv" });
    expect(old.mountPath).toBe("/data");
    await expect(api.call(mountsRouter.listByServiceId, { serviceId: appId, serviceType: "application" })).resolves.toEqual([{ ...m, mountPath: "/srv" }]);
    await expect(api.call(mountsRouter.remove, { mountId: m.mountId })).resolves.toMatchObject({ mountId: m.mountId, mountPath: "/srv" });
    const err = await fails(api.call(mountsRouter.one, { mountId: m.mountId }));
    expect(err).toMatchObject({ status: 404, kind: "rejected", code: "NOT_FOUND", dokployMessage: "Mount not found" });
    expect(err.isNotFound).toBe(true);
  });

  it("port: create, one, update, delete; port.one's 400 for a missing port still reads as not found", async () => {
    const p = await api.call(portRouter.create, { applicationId: appId, publishedPort: 8443, targetPort: 443 });
    expect(p).toMatchObject({ publishMode: "ingress", protocol: "tcp" });
    await expect(api.call(portRouter.one, { portId: p.portId })).resolves.toEqual({ ...p, application: { applicationId: appId } });
    const updated = await api.call(portRouter.update, { portId: p.portId, publishedPort: 8443, targetPort: 8443, publishMode: "host", protocol: "tcp" });
    expect(updated).toMatchObject({ targetPort: 8443, publishMode: "host" });
    await expect(api.call(portRouter.delete, { portId: p.portId })).resolves.toEqual(updated);
    const err = await fails(api.call(portRouter.one, { portId: p.portId }));
    expect(err).toMatchObject({ status: 400, code: "BAD_REQUEST", dokployMessage: "Port not found", retriable: false });
    expect(err.isNotFound).toBe(true);
  });

  it("redirects: create resolves true with no id; the row is found in applicationOne by its values", async () => {
    const input = { applicationId: appId, regex: "^https?://www\\.(.*)", replacement: "https://${1}", permanent: true };
    await expect(api.call(redirectsRouter.create, input)).resolves.toBe(true);
    const [row] = (await api.applicationOne({ applicationId: appId })).redirects;
    expect(row).toMatchObject({ regex: input.regex, replacement: input.replacement, permanent: true });
    const updated = await api.call(redirectsRouter.update, { redirectId: row!.redirectId, regex: "^a", replacement: "/b", permanent: false });
    expect(updated).toEqual({ ...row, regex: "^a", replacement: "/b", permanent: false });
    await expect(api.call(redirectsRouter.one, { redirectId: row!.redirectId })).resolves.toEqual(updated);
    await expect(api.call(redirectsRouter.delete, { redirectId: row!.redirectId })).resolves.toEqual(updated);
    expect((await fails(api.call(redirectsRouter.delete, { redirectId: row!.redirectId }))).isNotFound).toBe(true);
  });

  it("security: create resolves true, update resolves undefined (empty body), a duplicate is a terminal 400", async () => {
    await expect(api.call(securityRouter.create, { applicationId: appId, username: "preview", password: "pw" })).resolves.toBe(true);
    const [row] = (await api.applicationOne({ applicationId: appId })).security;
    expect(row).toMatchObject({ username: "preview", password: "pw" });
    await expect(api.call(securityRouter.update, { securityId: row!.securityId, username: "preview", password: "pw2" })).resolves.toBeUndefined();
    await expect(api.call(securityRouter.one, { securityId: row!.securityId })).resolves.toMatchObject({ password: "pw2" });
    const dup = await fails(api.call(securityRouter.create, { applicationId: appId, username: "preview", password: "x" }));
    expect(dup).toMatchObject({ status: 400, kind: "rejected", retriable: false, mayHaveApplied: false });
    expect(dup.isNotFound).toBe(false);
    await expect(api.call(securityRouter.delete, { securityId: row!.securityId })).resolves.toMatchObject({ username: "preview" });
  });

  it("schedule: create, list, one, update, delete (true)", async () => {
    const s = await api.call(scheduleRouter.create, { applicationId: appId, scheduleType: "application", name: "nightly", cronExpression: "0 2 * * *", command: "true", enabled: false });
    expect(s).toMatchObject({ enabled: false, appName: expect.stringMatching(/^schedule-/) });
    const list = await api.call(scheduleRouter.list, { id: appId, scheduleType: "application" });
    expect(list.map((x) => [x.scheduleId, x.application?.applicationId])).toEqual([[s.scheduleId, appId]]);
    await expect(api.call(scheduleRouter.one, { scheduleId: s.scheduleId })).resolves.toMatchObject({ name: "nightly", compose: null });
    const updated = await api.call(scheduleRouter.update, { scheduleId: s.scheduleId, name: "nightly", cronExpression: "0 3 * * *", command: "true" });
    expect(updated).toEqual({ ...s, cronExpression: "0 3 * * *" });
    await expect(api.call(scheduleRouter.delete, { scheduleId: s.scheduleId })).resolves.toBe(true);
    expect((await fails(api.call(scheduleRouter.one, { scheduleId: s.scheduleId }))).isNotFound).toBe(true);
  });

  it("volumeBackups: create, list, one, update, delete (undefined); a missing destination is a 500 that is not retried forever", async () => {
    const input = { applicationId: appId, serviceType: "application" as const, name: "data", volumeName: "web-data", prefix: "web/", cronExpression: "0 4 * * *", destinationId };
    const v = await api.call(volumeBackupsRouter.create, input);
    expect(v).toMatchObject({ enabled: null, destinationId });
    const list = await api.call(volumeBackupsRouter.list, { id: appId, volumeBackupType: "application" });
    expect(list.map((x) => x.volumeBackupId)).toEqual([v.volumeBackupId]);
    const one = await api.call(volumeBackupsRouter.one, { volumeBackupId: v.volumeBackupId });
    expect(one.destination).not.toHaveProperty("secretAccessKey");
    await expect(api.call(volumeBackupsRouter.update, { ...input, volumeBackupId: v.volumeBackupId, enabled: true })).resolves.toMatchObject({ enabled: true });
    await expect(api.call(volumeBackupsRouter.delete, { volumeBackupId: v.volumeBackupId })).resolves.toBeUndefined();
    sim.control.resetCalls();
    const err = await fails(api.call(volumeBackupsRouter.create, { ...input, destinationId: "nope" }));
    expect(err).toMatchObject({ status: 500, kind: "server", mayHaveApplied: true });
    expect(sim.control.calls().filter((c) => c.endpoint === "volumeBackups.create")).toHaveLength(1);
  });

  it("a zod-4 validation error reaches the caller as a terminal 400 with Dokploy's message", async () => {
    const err = await fails(api.call(redirectsRouter.create, { applicationId: appId, regex: "", replacement: "x", permanent: true }));
    expect(err).toMatchObject({ status: 400, kind: "rejected", code: "BAD_REQUEST", dokployMessage: "Input validation failed", retriable: false });
  });
});

describe("retry safety as declared", () => {
  it("a create whose answer is lost is not re-sent: one row, and the error says it may have applied", async () => {
    sim.control.setFaults([{ route: "port.create", lostResponseRate: 1, count: 1 }]);
    const err = await fails(api.call(portRouter.create, { applicationId: appId, publishedPort: 1, targetPort: 1 }));
    expect(err.mayHaveApplied).toBe(true);
    expect((await api.applicationOne({ applicationId: appId })).ports).toHaveLength(1);
  });

  it("an update hit by a transient 500 is retried; a delete whose first answer was lost reads as already done", async () => {
    const p = await api.call(portRouter.create, { applicationId: appId, publishedPort: 2, targetPort: 2 });
    sim.control.setFaults([{ route: "port.update", errorRate: 1, count: 1 }]);
    await expect(api.call(portRouter.update, { portId: p.portId, publishedPort: 3, targetPort: 3, publishMode: "ingress", protocol: "tcp" }))
      .resolves.toMatchObject({ publishedPort: 3 });
    sim.control.setFaults([{ route: "mounts.remove", lostResponseRate: 1, count: 1 }]);
    const m = await api.call(mountsRouter.create, { type: "bind", mountPath: "/x", hostPath: "/srv/x", serviceId: appId, serviceType: "application" });
    const err = await fails(api.call(mountsRouter.remove, { mountId: m.mountId }));
    expect(err).toMatchObject({ isNotFound: true, mayHaveApplied: true });
    expect(err.message).toMatch(/probably removed it/);
  });
});

describe("applicationOne keeps the children it projects", () => {
  it("mounts, ports, redirects and security come with the typed columns only", async () => {
    sim.control.seed({
      mounts: [{ serviceId: appId, type: "file", mountPath: "/app/c.json", filePath: "c.json", content: "{\"a\":1}" }],
      ports: [{ applicationId: appId, publishedPort: 8443, targetPort: 443, protocol: "udp" }],
      redirects: [{ applicationId: appId, regex: "^a", replacement: "/b" }],
      security: [{ applicationId: appId, username: "u", password: "p" }],
    });
    const detail = await api.applicationOne({ applicationId: appId });
    expect(detail.mounts).toEqual([expect.objectContaining({ type: "file", content: "{\"a\":1}", serviceType: "application", applicationId: appId })]);
    expect(Object.keys(detail.mounts[0]!)).toHaveLength(16);
    expect(detail.ports).toEqual([{ portId: expect.any(String), publishedPort: 8443, publishMode: "ingress", targetPort: 443, protocol: "udp", applicationId: appId }]);
    expect(detail.redirects).toEqual([expect.objectContaining({ regex: "^a", replacement: "/b", permanent: false })]);
    expect(detail.security).toEqual([expect.objectContaining({ username: "u", password: "p" })]);
    expect(detail).not.toHaveProperty("previewDeployments");
  });
});
