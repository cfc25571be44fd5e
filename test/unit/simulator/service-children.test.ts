/**
 * How compose and database tables plug into the children (the interface the
 * compose/database simulator work builds on): a registered service table gets
 * mounts (`addMount` for a database's data volume, `mountsOf` for its `one`
 * answer), compose schedules with `serviceName`, volume backups, and loses
 * them all with `removeServiceChildren`, with no change to the child code.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../../src/simulator/random.ts";
import type { RouteContext } from "../../../src/simulator/routes/context.ts";
import { mountRoutes } from "../../../src/simulator/routes/mounts.ts";
import { scheduleRoutes } from "../../../src/simulator/routes/schedule.ts";
import { volumeBackupRoutes } from "../../../src/simulator/routes/volume-backups.ts";
import { seedStore } from "../../../src/simulator/seed.ts";
import { Store, type ServiceRecord } from "../../../src/simulator/store.ts";

/** A store with one project, an application and a registered compose and postgres table. */
function storeWithServices(): { ctx: RouteContext; composeId: string; postgresId: string; appId: string } {
  const store = new Store(new Random(1));
  const ctx = { store, queue: undefined as never } satisfies RouteContext;
  const seeded = seedStore(ctx, { projects: [{ name: "p", environments: [{ name: "production", applications: [{ name: "web" }] }] }] });
  const environmentId = seeded.ids["p/production"]!;
  const compose = new Map<string, ServiceRecord>([["c1", { composeId: "c1", name: "stack", appName: "compose-stack-abc123", environmentId, serverId: null }]]);
  const postgres = new Map<string, ServiceRecord>([["pg1", { postgresId: "pg1", name: "db", appName: "db-abc123", environmentId, serverId: null }]]);
  store.registerServiceTable("compose", compose);
  store.registerServiceTable("postgres", postgres);
  return { ctx, composeId: "c1", postgresId: "pg1", appId: seeded.applicationIds[0]! };
}

describe("a registered service table", () => {
  it("addMount stores a database's data volume; mountsOf lists it for the service's one answer", () => {
    const { ctx, postgresId } = storeWithServices();
    const m = ctx.store.addMount("postgres", postgresId, { type: "volume", volumeName: "db-abc123-data", mountPath: "/var/lib/postgresql/18/docker" });
    expect(m).toMatchObject({ serviceType: "postgres", postgresId, applicationId: null, volumeName: "db-abc123-data" });
    expect(ctx.store.mountsOf("postgres", postgresId)).toEqual([m]);
    expect(ctx.store.mountsOf("application", postgresId)).toEqual([]);
  });

  it("mounts.create and listByServiceId work for it; the relations name it", () => {
    const { ctx, composeId } = storeWithServices();
    const m = mountRoutes["mounts.create"]!({ type: "file", mountPath: "/etc/c", content: "x", serviceId: composeId, serviceType: "compose" }, ctx) as { mountId: string };
    expect(mountRoutes["mounts.listByServiceId"]!({ serviceId: composeId, serviceType: "compose" }, ctx)).toEqual([expect.objectContaining({ mountId: m.mountId, composeId })]);
    expect(mountRoutes["mounts.one"]!({ mountId: m.mountId }, ctx)).toMatchObject({ application: null, compose: { appName: "compose-stack-abc123" } });
  });

  it("compose schedules carry serviceName and list under scheduleType compose", () => {
    const { ctx, composeId } = storeWithServices();
    const s = scheduleRoutes["schedule.create"]!({ name: "n", cronExpression: "*", command: "ls", scheduleType: "compose", composeId, serviceName: "web" }, ctx);
    expect(s).toMatchObject({ composeId, serviceName: "web", scheduleType: "compose" });
    expect(scheduleRoutes["schedule.list"]!({ id: composeId, scheduleType: "compose" }, ctx)).toEqual([
      expect.objectContaining({ composeId, compose: { composeId, name: "stack", appName: "compose-stack-abc123", serverId: null }, application: null }),
    ]);
  });

  it("removeServiceChildren deletes its mounts, schedules and volume backups, and nothing of other services", () => {
    const { ctx, composeId, appId } = storeWithServices();
    const { store } = ctx;
    const destinationId = seedStore(ctx, { destinations: [{ name: "s3" }] }).destinationIds[0]!;
    store.addMount("compose", composeId, { type: "volume", mountPath: "/d", volumeName: "v" });
    store.addMount("application", appId, { type: "volume", mountPath: "/d", volumeName: "v" });
    scheduleRoutes["schedule.create"]!({ name: "n", cronExpression: "*", command: "ls", scheduleType: "compose", composeId }, ctx);
    volumeBackupRoutes["volumeBackups.create"]!({ name: "b", volumeName: "v", prefix: "", cronExpression: "*", destinationId, serviceType: "compose", composeId }, ctx);
    store.removeServiceChildren("compose", composeId);
    expect(store.mountsOf("compose", composeId)).toEqual([]);
    expect(store.children.schedules.all()).toEqual([]);
    expect(store.children.volumeBackups.all()).toEqual([]);
    expect(store.mountsOf("application", appId)).toHaveLength(1);
  });

  it("an unregistered service kind is missing: Dokploy's not-found message for its kind", () => {
    const { ctx } = storeWithServices();
    expect(() => mountRoutes["mounts.listByServiceId"]!({ serviceId: "x", serviceType: "redis" }, ctx)).toThrow("Redis not found");
  });
});
