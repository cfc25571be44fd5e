/**
 * The service children as a whole: `application.one` carries mounts, ports,
 * redirects and security (not schedules or volume backups); deleting an
 * application, environment or project takes every child with it, as Dokploy's
 * `onDelete: cascade` foreign keys do; seeds, UI-style edits, the state view
 * and `--state` persistence cover the children and destinations.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SeedData, SimulatorHandle } from "../../../src/simulator/index.ts";
import { api, callApi, startTestSimulator } from "../../helpers/simulator.ts";

type Row = Record<string, unknown>;

/** An application with one child of each kind, plus a sibling with its own, plus a destination. */
const SEED: SeedData = {
  destinations: [{ name: "s3" }],
  projects: [{
    name: "shop",
    environments: [{
      name: "production",
      applications: [
        {
          name: "web",
          mounts: [{ type: "volume", mountPath: "/data", volumeName: "web-data" }, { type: "file", mountPath: "/app/c.json", filePath: "c.json", content: "{}" }],
          ports: [{ publishedPort: 8443, targetPort: 443 }],
          redirects: [{ regex: "^www", replacement: "/", permanent: true }],
          security: [{ username: "preview", password: "pw" }],
          schedules: [{ name: "nightly", cronExpression: "0 2 * * *", command: "true" }],
        },
        { name: "api", mounts: [{ type: "bind", mountPath: "/etc/x", hostPath: "/srv/x" }], security: [{ username: "preview", password: "pw2" }] },
      ],
    }],
  }],
};

let sim: SimulatorHandle;
let ids: Record<string, string>;
let volumeBackupId: string;
beforeEach(async () => {
  sim = await startTestSimulator();
  const seeded = sim.control.seed(SEED);
  ids = seeded.ids;
  [volumeBackupId] = sim.control.seed({
    volumeBackups: [{ serviceId: ids["shop/production/web"]!, name: "data", volumeName: "web-data", cronExpression: "0 4 * * *", destinationId: ids["destination/s3"]! }],
  }).volumeBackupIds as [string];
});
afterEach(async () => {
  await sim.close();
});

const web = (): string => ids["shop/production/web"]!;
const appOf = (name: string): Row & Record<string, Row[]> =>
  sim.control.state().projects[0]!.environments[0]!.applications.find((a) => a.name === name) as unknown as Row & Record<string, Row[]>;

describe("service children in reads", () => {
  it("application.one carries mounts, redirects, security and ports, not schedules or volume backups", async () => {
    const one = await api<Record<string, unknown>>(sim, "GET", "application.one", { applicationId: web() });
    expect((one.mounts as Row[]).map((m) => m.mountPath)).toEqual(["/data", "/app/c.json"]);
    expect(one.ports).toEqual([{ portId: ids["shop/production/web/port:8443/tcp"], publishedPort: 8443, publishMode: "ingress", targetPort: 443, protocol: "tcp", applicationId: web() }]);
    expect(one.redirects).toEqual([expect.objectContaining({ regex: "^www", replacement: "/", permanent: true, uniqueConfigKey: 1 })]);
    expect(one.security).toEqual([expect.objectContaining({ username: "preview", password: "pw", securityId: ids["shop/production/web/security:preview"] })]);
    expect(one).not.toHaveProperty("schedules");
    expect(one).not.toHaveProperty("volumeBackups");
  });

  it("control.state nests every child under its application, and the destinations at the top", () => {
    const app = appOf("web");
    expect(app.mounts).toHaveLength(2);
    expect(app.schedules).toEqual([expect.objectContaining({ name: "nightly", enabled: true, applicationId: web() })]);
    expect(app.volumeBackups).toEqual([expect.objectContaining({ name: "data", destinationId: ids["destination/s3"], enabled: null })]);
    expect(sim.control.state().destinations).toEqual([expect.objectContaining({ name: "s3", destinationId: ids["destination/s3"] })]);
  });
});

describe("cascades", () => {
  it("application.delete deletes its mounts, ports, redirects, security, schedules and volume backups, and only its own", async () => {
    const reads = [
      ["mounts.one", "mountId", "mount:/data"], ["mounts.one", "mountId", "mount:/app/c.json"], ["redirects.one", "redirectId", "redirect:^www"],
      ["security.one", "securityId", "security:preview"], ["schedule.one", "scheduleId", "schedule:nightly"],
    ] as const;
    for (const [endpoint, key, child] of reads) expect((await callApi(sim, "GET", endpoint, { [key]: ids[`shop/production/web/${child}`] })).status).toBe(200);
    await api(sim, "POST", "application.delete", { applicationId: web() });
    for (const [endpoint, key, child] of reads) {
      expect((await callApi(sim, "GET", endpoint, { [key]: ids[`shop/production/web/${child}`] })).status, child).toBe(404);
    }
    expect((await callApi(sim, "GET", "port.one", { portId: ids["shop/production/web/port:8443/tcp"] })).status).toBe(400);
    await expect(api(sim, "GET", "volumeBackups.list", { id: web(), volumeBackupType: "application" })).resolves.toEqual([]);
    expect((await callApi(sim, "GET", "volumeBackups.one", { volumeBackupId })).status).toBe(404);
    await expect(api(sim, "GET", "schedule.list", { id: web(), scheduleType: "application" })).resolves.toEqual([]);
    const api2 = appOf("api");
    expect(api2.mounts).toHaveLength(1);
    expect(api2.security).toHaveLength(1);
    expect(sim.control.state().destinations).toHaveLength(1);
  });

  it("project.remove takes every child of every application with it", async () => {
    await api(sim, "POST", "project.remove", { projectId: ids.shop });
    const mountIds = [ids["shop/production/web/mount:/data"], ids["shop/production/api/mount:/etc/x"]];
    for (const mountId of mountIds) expect((await callApi(sim, "GET", "mounts.one", { mountId })).status).toBe(404);
    const persisted = JSON.stringify(sim.control.state());
    expect(persisted).not.toContain("preview");
    expect(persisted).not.toContain("nightly");
  });
});

describe("seeds and UI-style edits", () => {
  it("refuses a seed child whose service, destination or uniqueness is wrong, with a specific message", () => {
    const app = web();
    expect(() => sim.control.seed({ ports: [{ applicationId: "nope", publishedPort: 1, targetPort: 1 }] })).toThrow(/ports\[\]: application nope does not exist/);
    expect(() => sim.control.seed({ security: [{ applicationId: app, username: "preview", password: "x" }] })).toThrow(/username preview already exists/);
    expect(() => sim.control.seed({ volumeBackups: [{ serviceId: app, name: "v", volumeName: "v", cronExpression: "*", destinationId: "nope" }] }))
      .toThrow(/destination nope does not exist/);
    expect(() => sim.control.seed({ mounts: [{ serviceId: app, serviceType: "postgres", type: "volume", mountPath: "/x" }] })).toThrow(/postgres .* does not exist/);
  });

  it("control.update patches a child as a person in the UI would (also over HTTP)", async () => {
    const portId = ids["shop/production/web/port:8443/tcp"]!;
    sim.control.update("port", portId, { publishedPort: 9443 });
    await expect(api(sim, "GET", "port.one", { portId })).resolves.toMatchObject({ publishedPort: 9443 });
    const res = await fetch(`${sim.url}/__simulator/update`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "redirect", id: ids["shop/production/web/redirect:^www"], patch: { permanent: false } }),
    });
    expect(res.status).toBe(200);
    await expect(api(sim, "GET", "redirects.one", { redirectId: ids["shop/production/web/redirect:^www"] })).resolves.toMatchObject({ permanent: false });
    expect(() => sim.control.update("mount", "nope", { mountPath: "/x" })).toThrow(/no mount with id nope/);
  });
});

describe("persistence", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sim-children-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every child table and destinations across a restart, and the redirect serial continues", async () => {
    const statePath = join(dir, "state.json");
    const first = await startTestSimulator({ statePath });
    const seeded = first.control.seed(SEED);
    const before = first.control.state();
    await first.close();
    const file = JSON.parse(readFileSync(statePath, "utf8")) as Row;
    for (const table of ["mounts", "ports", "redirects", "security", "schedules", "volumeBackups"]) {
      expect(Array.isArray(file[table]), table).toBe(true);
    }
    expect((file.services as Row).destinations).toEqual([expect.objectContaining({ name: "s3" })]);
    const second = await startTestSimulator({ statePath });
    try {
      expect(second.control.state()).toEqual(before);
      await api(second, "POST", "redirects.create", { applicationId: seeded.ids["shop/production/web"], regex: "b", replacement: "c", permanent: false });
      const one = await api<{ redirects: Array<{ uniqueConfigKey: number }> }>(second, "GET", "application.one", { applicationId: seeded.ids["shop/production/web"] });
      expect(one.redirects.map((r) => r.uniqueConfigKey)).toEqual([1, 2]);
    } finally {
      await second.close();
    }
  });

  it("a restart registers the enabled schedules and volume backups only: a stray job is gone", async () => {
    const statePath = join(dir, "state.json");
    const first = await startTestSimulator({ statePath });
    const { ids } = first.control.seed(SEED);
    const scheduleId = ids["shop/production/web/schedule:nightly"]!;
    const v = await api<{ volumeBackupId: string }>(first, "POST", "volumeBackups.create", {
      name: "v", volumeName: "web-data", prefix: "/", cronExpression: "0 4 * * *", destinationId: ids["destination/s3"], applicationId: ids["shop/production/web"], enabled: true,
    });
    await api(first, "POST", "volumeBackups.delete", { volumeBackupId: v.volumeBackupId });
    expect(first.control.state().cronJobs).toEqual([
      { kind: "schedule", id: scheduleId, stray: false }, { kind: "volumeBackup", id: v.volumeBackupId, stray: true },
    ]);
    await first.close();
    const second = await startTestSimulator({ statePath });
    try {
      expect(second.control.state().cronJobs).toEqual([{ kind: "schedule", id: scheduleId, stray: false }]);
    } finally {
      await second.close();
    }
  });

  it("loads a state file written before the child tables existed, and refuses a malformed child table", async () => {
    const statePath = join(dir, "old.json");
    writeFileSync(statePath, JSON.stringify({ version: 1, projects: [], environments: [], applications: [], domains: [], deployments: [], uniqueConfigKey: 0 }));
    const old = await startTestSimulator({ statePath });
    expect(old.control.state()).toEqual({ projects: [], destinations: [], cronJobs: [] });
    await old.close();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ version: 1, projects: [], environments: [], applications: [], domains: [], deployments: [], uniqueConfigKey: 0, mounts: {} }));
    await expect(startTestSimulator({ statePath: bad })).rejects.toThrow(/"mounts" must be an array of rows/);
  });
});
