/**
 * The database kinds' pure parts (issue 14): health from Dokploy's
 * `applicationStatus`, the deploy decision (deploy, start, stop or wait), the
 * changes Dokploy cannot make in place, and the export hook.
 */
import { describe, expect, it } from "vitest";
import { libsql } from "../../../src/kinds/libsql.ts";
import { postgres, redis } from "../../../src/kinds/databases.ts";
import { decideDatabaseDeploy } from "../../../src/kinds/database-deploy.ts";
import type { DeployContext, ServiceDetail } from "../../../src/kinds/types.ts";
import type { Marker } from "../../../src/model/marker.ts";

const detail = (status: string, raw: Record<string, unknown> = {}): ServiceDetail => ({
  id: "db1", name: "pg", description: null, appName: "pg-abc123", status, deployments: [], domains: [], raw: { applicationStatus: status, ...raw },
});
const marker = (extra: Partial<Marker> = {}): Marker => ({ v: 1, instance: "default", key: "Postgres/p/production/pg", id: "db1", ...extra });
const ctx = (status: string, m: Marker | undefined, deployRelevant = false): DeployContext => ({
  manifest: {} as DeployContext["manifest"], detail: detail(status), liveMarker: m, owned: m !== undefined, deployRelevant, queued: undefined, now: Date.now(), label: "postgres/p/production/pg",
});

describe("database health", () => {
  it.each([
    ["done", false, "Healthy"],
    ["running", false, "Progressing"],
    ["error", false, "Degraded"],
    ["idle", true, "Suspended"],
  ])("status %s (stopped wanted: %s) is %s", (status, wantStopped, health) => {
    expect(postgres.health(detail(status), detail(status), wantStopped)).toBe(health);
  });
});

describe("database deploy decision", () => {
  const queued = marker({ queuedAt: "2026-01-01T00:00:00.000Z" });
  it.each([
    ["a deploy-relevant change deploys", ctx("done", queued, true), true, undefined],
    ["never deployed by this tool: deploy (start would fail)", ctx("idle", marker()), true, undefined],
    ["stopped after a deploy: start", ctx("idle", queued), false, "start"],
    ["a dirty marker deploys", ctx("done", marker({ dirty: true, queuedAt: queued.queuedAt! })), true, undefined],
    ["a deploy in progress: wait", ctx("running", queued), false, undefined],
    ["a failed deploy is not retried by itself", ctx("error", queued), false, undefined],
    ["running and in sync: nothing", ctx("done", queued), false, undefined],
  ])("%s", (_what, c, deploy, lifecycle) => {
    const d = decideDatabaseDeploy(c, true, []);
    expect(d.deploy).toBe(deploy);
    expect(d.lifecycle).toBe(lifecycle);
  });

  it("state stopped stops a running database and leaves an idle one", () => {
    expect(decideDatabaseDeploy(ctx("done", marker()), false, []).lifecycle).toBe("stop");
    expect(decideDatabaseDeploy(ctx("idle", marker()), false, []).lifecycle).toBeUndefined();
  });

  it("lists hand-made backups in the reasons", () => {
    expect(decideDatabaseDeploy(ctx("done", marker()), true, ["backup-x (@daily to s3)"]).reasons).toEqual(["postgres/p/production/pg: backups not managed by this tool, left alone: backup-x (@daily to s3)"]);
  });
});

describe("changes Dokploy cannot make in place", () => {
  it("a database name is a conflict; a LibSQL password a manual step; an omitted root password is not managed", () => {
    const pg = postgres.reviewChanges!([{ path: "/spec/databaseName", op: "replace", before: "a", after: "b" }, { path: "/spec/env/X", op: "add", after: "1" }], "pg");
    expect(pg.conflicts).toHaveLength(1);
    expect(pg.conflicts[0]).toContain("databaseName cannot be changed in place");
    const lite = libsql.reviewChanges!([{ path: "/spec/databasePassword", op: "replace", secret: "changed" }], "lite");
    expect(lite).toEqual({ changes: [], conflicts: [], manual: [expect.stringContaining("cannot change a LibSQL password in place")] });
    expect(postgres.reviewChanges!([{ path: "/spec/databaseRootPassword", op: "remove", secret: "changed" }], "pg").changes).toEqual([]);
    expect(redis.reviewChanges!([{ path: "/spec/databasePassword", op: "replace", secret: "changed" }], "r").changes).toHaveLength(1);
  });
});

describe("export hook", () => {
  it("writes the live database as a spec, with its recorded backups and state", () => {
    const raw = {
      name: "pg", appName: "pg-abc123", description: null, applicationStatus: "idle", databaseName: "app", databaseUser: "app", databasePassword: "pw",
      dockerImage: "postgres:17", env: "A=1", command: null, args: null, replicas: 1, externalPort: null, memoryLimit: null, memoryReservation: null,
      cpuLimit: null, cpuReservation: null, mounts: [],
      backups: [
        { backupId: "b1", appName: "backup-1", schedule: "0 3 * * *", prefix: "/", database: "app", destinationId: "d1", destination: { name: "s3" }, keepLatestCount: null, enabled: true },
        { backupId: "b2", appName: "backup-2", schedule: "@daily", prefix: "/", database: "app", destinationId: "d1", destination: { name: "s3" }, keepLatestCount: null, enabled: true },
      ],
    };
    const { spec } = postgres.exportSpec(detail("idle", raw), marker({ backups: { nightly: { id: "b1" } } }));
    expect(spec).toMatchObject({ databaseName: "app", databasePassword: "pw", dockerImage: "postgres:17", env: { A: "1" }, state: "stopped" });
    expect(spec.backups).toEqual([{ name: "nightly", schedule: "0 3 * * *", destination: "s3", prefix: "/", database: "app", keepLatestCount: null, enabled: true }]);
    expect(Object.keys(postgres.referenceable ?? {}).sort()).toEqual(["appName", "databaseName", "databasePassword", "databaseUser", "host", "internalPort", "name"]);
    expect(Object.keys(redis.referenceable ?? {}).sort()).toEqual(["appName", "databasePassword", "host", "internalPort", "name"]);
  });
});
