/**
 * The child lists in the manifest and the planner (issue 15), without a
 * server: where each list is allowed, duplicates and missing content files
 * as errors with file:line, secret contents and passwords never in a plan,
 * an omitted list leaving entries and records alone, adopting entries as
 * they are without a deploy, records of deleted entries dropped only along
 * with a write, compose entries, and Dokploy's echoed password redacted from errors.
 */
import { describe, expect, it } from "vitest";
import { DokployError } from "../../../src/dokploy/errors.ts";
import { redactedError } from "../../../src/kinds/child-list.ts";
import { loadManifestTexts } from "../../../src/manifest/index.ts";
import { parseDescription, renderDescription } from "../../../src/model/marker.ts";
import { planReconcile } from "../../../src/plan/planner.ts";
import { SecretValues } from "../../../src/plan/secrets.ts";
import type { Plan } from "../../../src/plan/types.ts";
import { parsePlanJson, renderPlanJson } from "../../../src/plan/render-json.ts";
import { parseResourceKey } from "../../../src/kinds/registry.ts";
import { resourceKey } from "../../../src/model/resource.ts";
import { renderPlanText } from "../../../src/plan/render-text.ts";
import { appDetail, desiredFrom, liveApp, liveEnvironment, liveProject, marked } from "../../helpers/live-builders.ts";

const HEAD = "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: shop }\nspec: {}\n---\n";
const app = (spec: string, annotations = ""): string =>
  `${HEAD}apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata: { name: web, project: shop, environment: production${annotations} }\nspec:\n  source: { type: docker, image: "nginx:1" }\n${spec}`;
const compose = (spec: string): string =>
  `${HEAD}apiVersion: dokploy-gitops/v1\nkind: Compose\nmetadata: { name: stack, project: shop, environment: production }\nspec:\n  source: { type: raw, content: "services: {}" }\n${spec}`;

const postgres = (spec: string): string =>
  `${HEAD}apiVersion: dokploy-gitops/v1\nkind: Postgres\nmetadata: { name: db, project: shop, environment: production }\nspec:\n  databaseName: app\n  databaseUser: app\n  databasePassword: { fromEnv: PG_PASSWORD }\n${spec}`;

function errors(text: string, extra: Array<{ file: string; text: string }> = []): string[] {
  return loadManifestTexts([{ file: "shop.yaml", text }, ...extra]).diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`);
}

describe("child lists in manifests", () => {
  it.each([
    ["ports on a compose", compose("  ports: [{ publishedPort: 80, targetPort: 80 }]\n"), /\/spec\/ports: unknown field "ports"/],
    ["redirects on a compose", compose("  redirects: [{ regex: a, replacement: b }]\n"), /\/spec\/redirects: unknown field "redirects"/],
    ["a compose schedule without serviceName", compose("  schedules: [{ name: n, cronExpression: '* * * * *', command: c }]\n"), /serviceName/],
    ["an application schedule with serviceName", app("  schedules: [{ name: n, cronExpression: '* * * * *', command: c, serviceName: x }]\n"), /unknown field "serviceName"/],
    ["a relative mountPath", app("  mounts: [{ type: volume, mountPath: data, volumeName: v }]\n"), /an absolute path starting with \//],
    ["a bind mount without hostPath", app("  mounts: [{ type: bind, mountPath: /x }]\n"), /hostPath/],
    ["a backup on a bind mount", app("  mounts: [{ type: bind, mountPath: /x, hostPath: /y, backup: { schedule: '0 3 * * *', destination: s3 } }]\n"), /unknown field "backup"/],
    ["a volume backup without destination", app("  mounts: [{ type: volume, mountPath: /x, volumeName: v, backup: { schedule: '0 3 * * *' } }]\n"), /destination/],
    ["ports on a database", postgres("  ports: [{ publishedPort: 80, targetPort: 80 }]\n"), /\/spec\/ports: unknown field "ports"/],
  ])("refuses %s", (_what, text, message) => {
    expect(errors(text).join("\n")).toMatch(message);
  });

  it("accepts mounts, with a volume backup, on a database", () => {
    expect(errors(postgres("  mounts:\n    - { type: volume, mountPath: /srv, volumeName: v, backup: { schedule: '0 3 * * *', destination: s3 } }\n    - { type: bind, mountPath: /x, hostPath: /y }\n"))).toEqual([]);
  });

  it("reports two volume backups of one volume as an error at the second backup", () => {
    const text = app("  mounts:\n    - { type: volume, mountPath: /a, volumeName: v, backup: { schedule: '0 3 * * *', destination: s3 } }\n    - { type: volume, mountPath: /b, volumeName: v, backup: { schedule: '0 4 * * *', destination: s3 } }\n");
    expect(errors(text)).toEqual([expect.stringMatching(/^shop\.yaml:13 duplicate-entry \/spec\/mounts\/1\/backup: a second volume backup "v": the first is \/spec\/mounts\/0\/backup at shop\.yaml:12:\d+ \(an entry is identified by its volumeName\)$/)]);
  });

  it("reports two entries with one natural key as an error at the second, naming the first's line", () => {
    const text = app("  ports:\n    - { publishedPort: 80, targetPort: 80 }\n    - { publishedPort: 80, targetPort: 8080, protocol: tcp }\n    - { publishedPort: 80, targetPort: 80, protocol: udp }\n");
    expect(errors(text)).toEqual([`shop.yaml:13 duplicate-entry /spec/ports/1: a second port "80/tcp": the first is /spec/ports/0 at shop.yaml:12:7 (an entry is identified by its publishedPort and protocol)`]);
  });

  it("reads a file mount's content from a file beside the manifest; a missing file is an error at the field", () => {
    const text = app("  mounts:\n    - { type: file, mountPath: /app/config.json, content: { file: ./config.json } }\n");
    expect(errors(text)).toEqual([expect.stringMatching(/^shop\.yaml:12 input-file \/spec\/mounts\/0\/content\/file: file "\.\/config\.json" not found/)]);
    const report = loadManifestTexts([{ file: "shop.yaml", text }, { file: "config.json", text: '{"a":1}' }]);
    expect(report.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const plan = planOf(report.desired!);
    expect(plan.steps.find((s) => s.kind === "Mount")!.changes).toContainEqual({ path: "/spec/content", op: "add", after: '{"a":1}' });
  });
});

function planOf(desired: ReturnType<typeof desiredFrom>, projects = [liveProject("shop", { description: marked("Project/shop", "p-shop") })], secrets = new SecretValues()): Plan {
  return planReconcile({ desired, observed: { projects }, secrets, settings: { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 } });
}

/** shop/production/web, ours, with `marker` extras and live children. */
function liveWeb(extra: Record<string, unknown>, children: Parameters<typeof appDetail>[1]): ReturnType<typeof liveProject>[] {
  const detail = appDetail("web", { applicationId: "a1", description: marked("Application/shop/production/web", "a1", extra), ...children });
  return [liveProject("shop", {
    description: marked("Project/shop", "p-shop"),
    environments: [liveEnvironment("production", { isDefault: true, id: "e1", description: "Production environment", applications: [liveApp(detail)] })],
  })];
}

describe("planning child lists", () => {
  it("never shows a secret file content or a basic-auth password, and compares them", () => {
    const secrets = new SecretValues();
    secrets.set({ fromEnv: "PW" }, "hunter2-pw");
    const desired = desiredFrom(app("  mounts:\n    - { type: file, mountPath: /etc/app.key, content: \"key-material-X\", secret: true }\n  security:\n    - { username: u, password: { fromEnv: PW } }\n"));
    const created = planOf(desired, undefined, secrets);
    const text = renderPlanJson(created) + renderPlanText(created);
    expect(text).not.toContain("key-material-X");
    expect(text).not.toContain("hunter2-pw");
    expect(created.steps.find((s) => s.kind === "Mount")!.changes).toContainEqual({ path: "/spec/secretContent", op: "add", secret: "changed" });
    // Live and equal: nothing to do; live and different: "changed", still without values.
    const mount = { mountId: "m1", type: "file" as const, hostPath: null, volumeName: null, filePath: "app.key", content: "key-material-X", serviceType: "application" as const, mountPath: "/etc/app.key", applicationId: "a1", composeId: null, libsqlId: null, mariadbId: null, mongoId: null, mysqlId: null, postgresId: null, redisId: null };
    const user = { securityId: "s1", username: "u", password: "hunter2-pw", createdAt: "x", applicationId: "a1" };
    const same = planOf(desired, liveWeb({ mounts: { "/etc/app.key": { id: "m1" } }, security: { u: { id: "s1" } } }, { mounts: [mount], security: [user] }), secrets);
    expect(same.steps.filter((s) => s.kind === "Mount" || s.kind === "Security").map((s) => s.action)).toEqual(["noop", "noop"]);
    const other = planOf(desired, liveWeb({ mounts: { "/etc/app.key": { id: "m1" } }, security: { u: { id: "s1" } } }, { mounts: [{ ...mount, content: "old-key-Y" }], security: [{ ...user, password: "old-pw-Z" }] }), secrets);
    const changes = other.steps.filter((s) => s.kind === "Mount" || s.kind === "Security").map((s) => s.changes);
    expect(changes).toEqual([[{ path: "/spec/secretContent", op: "replace", secret: "changed" }], [{ path: "/spec/password", op: "replace", secret: "changed" }]]);
    expect(renderPlanJson(other) + renderPlanText(other)).not.toMatch(/old-key-Y|old-pw-Z|hunter2-pw|key-material-X/);
  });

  it("leaves every entry alone when the list is omitted, and keeps its records", () => {
    const port = { portId: "p1", publishedPort: 80, targetPort: 80, protocol: "tcp" as const, publishMode: "ingress" as const, applicationId: "a1" };
    const plan = planOf(desiredFrom(app("")), liveWeb({ ports: { "80/tcp": { id: "p1" } } }, { ports: [port, { ...port, portId: "p2", publishedPort: 81 }] }));
    expect(plan.steps.filter((s) => s.kind === "Port")).toEqual([]);
    const web = plan.steps.find((s) => s.kind === "Application")!;
    expect(web.action).toBe("noop");
    expect(web.marker!.ports).toEqual({ "80/tcp": { id: "p1" } });
  });

  it("deletes an owned entry removed from the list (not a prune: no --prune, no guard), and lists the others as unmanaged", () => {
    const port = { portId: "p1", publishedPort: 80, targetPort: 80, protocol: "tcp" as const, publishMode: "ingress" as const, applicationId: "a1" };
    const plan = planOf(desiredFrom(app("  ports: []\n")), liveWeb({ ports: { "80/tcp": { id: "p1" } } }, { ports: [port, { ...port, portId: "p2", publishedPort: 81 }] }));
    const ports = plan.steps.filter((s) => s.kind === "Port").map((s) => ({ key: s.key, action: s.action, unmanaged: s.unmanaged ?? false })).sort((a, b) => a.key.localeCompare(b.key));
    expect(ports).toEqual([
      { key: "Port/shop/production/web/80%2Ftcp", action: "delete", unmanaged: false },
      { key: "Port/shop/production/web/81%2Ftcp", action: "noop", unmanaged: true },
    ]);
    const web = plan.steps.find((s) => s.kind === "Application")!;
    expect(web.deploy).toBe(true);
    expect(plan.steps.find((s) => s.action === "delete")!.dependsOn).toContain(web.key);
  });

  it("adopts an entry made by hand, as it is, without deploying its service (nothing live changes)", () => {
    const port = { portId: "p1", publishedPort: 80, targetPort: 80, protocol: "tcp" as const, publishMode: "ingress" as const, applicationId: "a1" };
    const plan = planOf(desiredFrom(app("  ports: [{ publishedPort: 80, targetPort: 80 }]\n", ", annotations: { dokploy-gitops/adopt-children: \"true\" }")), liveWeb({}, { ports: [port] }));
    expect(plan.steps.filter((s) => s.kind === "Port").map((s) => [s.action, s.changes])).toEqual([["adopt", []]]);
    const web = plan.steps.find((s) => s.kind === "Application")!;
    expect({ deploy: web.deploy, changes: web.changes }).toEqual({ deploy: false, changes: [] });
    // Changed as well: the write takes effect on the next deploy.
    const changed = planOf(desiredFrom(app("  ports: [{ publishedPort: 80, targetPort: 8080 }]\n", ", annotations: { dokploy-gitops/adopt-children: \"true\" }")), liveWeb({}, { ports: [port] }));
    expect(changed.steps.find((s) => s.kind === "Application")!.deploy).toBe(true);
  });

  it("does not write a marker only to drop records of entries and domains deleted in the UI; a write drops them", () => {
    const port = { portId: "p1", publishedPort: 80, targetPort: 80, protocol: "tcp" as const, publishMode: "ingress" as const, applicationId: "a1" };
    const stale = { ports: { "80/tcp": { id: "p1" }, "81/tcp": { id: "gone" } }, domains: { old: { host: "old.example.com", path: "/", id: "gone-d" } } };
    const quiet = planOf(desiredFrom(app("  ports: [{ publishedPort: 80, targetPort: 80 }]\n")), liveWeb(stale, { ports: [port] }));
    expect(quiet.steps.filter((s) => s.action !== "noop")).toEqual([]);
    const written = planOf(desiredFrom(app("  replicas: 2\n  ports: [{ publishedPort: 80, targetPort: 80 }]\n")), liveWeb(stale, { ports: [port] }));
    const web = written.steps.find((s) => s.kind === "Application")!;
    expect(web.action).toBe("update");
    expect({ ports: web.marker!.ports, domains: web.marker!.domains }).toEqual({ ports: { "80/tcp": { id: "p1" } }, domains: undefined });
  });

  it("knows an owned entry whose key was changed in the UI by its id: the list naming its new key plans nothing, its old key changes it back", () => {
    const port = { portId: "p1", publishedPort: 8080, targetPort: 80, protocol: "tcp" as const, publishMode: "ingress" as const, applicationId: "a1" };
    const live = liveWeb({ ports: { "80/tcp": { id: "p1" } } }, { ports: [port] });
    expect(planOf(desiredFrom(app("  ports: [{ publishedPort: 8080, targetPort: 80 }]\n")), live).steps.filter((s) => s.action !== "noop")).toEqual([]);
    const back = planOf(desiredFrom(app("  ports: [{ publishedPort: 80, targetPort: 80 }]\n")), live).steps.filter((s) => s.kind === "Port");
    expect(back.map((s) => [s.action, s.dokployId, s.changes])).toEqual([["update", "p1", [{ path: "/spec/publishedPort", op: "replace", before: 8080, after: 80 }]]]);
  });

  it("plans a compose's mounts and schedules (with their compose service) under a new stack", () => {
    const plan = planOf(desiredFrom(compose("  mounts: [{ type: volume, mountPath: /var/lib/data, volumeName: stack-data }]\n  schedules: [{ name: backup, cronExpression: '0 4 * * *', command: ./backup.sh, serviceName: db }]\n")));
    const children = plan.steps.filter((s) => s.kind === "Mount" || s.kind === "Schedule");
    expect(children.map((s) => [s.key, s.action, s.dependsOn])).toEqual([
      ["Mount/shop/production/compose:stack/%2Fvar%2Flib%2Fdata", "create", ["Compose/shop/production/stack"]],
      ["Schedule/shop/production/compose:stack/backup", "create", ["Compose/shop/production/stack"]],
    ]);
    expect(children[1]!.changes).toContainEqual({ path: "/spec/serviceName", op: "add", after: "db" });
  });

  it("keeps markers written before the child lists readable, and round-trips the new fields", () => {
    const old = 'dokploy-gitops:managed {"v":1,"instance":"default","key":"Application/shop/production/web","id":"a1","domains":{"d":{"host":"h","path":"/","id":"d1"}}}';
    expect(parseDescription(old).marker).toEqual({ v: 1, instance: "default", key: "Application/shop/production/web", id: "a1", domains: { d: { host: "h", path: "/", id: "d1" } } });
    const marker = { ...parseDescription(old).marker!, schedules: { nightly: { id: "s1" } }, ports: { "80/tcp": {} } };
    expect(parseDescription(renderDescription("", marker)).marker).toEqual(marker);
  });
});

describe("keys of a database's entries", () => {
  it("name the database by kind and survive parsing, the JSON plan and a new database's plan", () => {
    const key = "Mount/shop/production/postgres:db/%2Fsrv";
    expect(parseResourceKey(key)).toEqual({ kind: "Mount", project: "shop", environment: "production", database: { kind: "Postgres", name: "db" }, name: "%2Fsrv" });
    expect(resourceKey(parseResourceKey("VolumeBackup/shop/production/libsql:lite/v")!)).toBe("VolumeBackup/shop/production/libsql:lite/v");
    expect(parseResourceKey("Port/shop/production/postgres:db/80%2Ftcp")).toBeUndefined();
    expect(parseResourceKey("Mount/shop/production/nosuch:db/%2Fsrv")).toBeUndefined();
    const yaml = `${HEAD}apiVersion: dokploy-gitops/v1\nkind: Postgres\nmetadata: { name: db, project: shop, environment: production }\nspec:\n  databaseName: app\n  databaseUser: app\n  databasePassword: { fromEnv: PG_PASSWORD }\n  mounts:\n    - { type: volume, mountPath: /srv, volumeName: v, backup: { schedule: "0 3 * * *", destination: s3 } }\n`;
    const plan = planReconcile({
      desired: desiredFrom(yaml), observed: { projects: [liveProject("shop", { description: marked("Project/shop", "p-shop") })], destinations: [{ destinationId: "d1", name: "s3" }] },
      secrets: new SecretValues(), settings: { instance: "default", prune: false, allowEmpty: false, maxDeletions: 10 },
    });
    const children = plan.steps.filter((s) => s.kind === "Mount" || s.kind === "VolumeBackup");
    expect(children.map((s) => [s.action, s.key, s.parentKey])).toEqual([
      ["create", "Mount/shop/production/postgres:db/%2Fsrv", "Postgres/shop/production/db"],
      ["create", "VolumeBackup/shop/production/postgres:db/v", "Postgres/shop/production/db"],
    ]);
    expect(parsePlanJson(renderPlanJson(plan)).steps.find((s) => s.kind === "Mount")!.identity).toEqual(children[0]!.identity);
  });
});

describe("basic-auth errors", () => {
  it("mask the password Dokploy echoes in a refused insert", () => {
    const err = new DokployError({ endpoint: "security.create", kind: "rejected", status: 400, message: 'Failed query: insert into "security" params: u,pw-Secret-9', dokployMessage: 'Failed query: insert into "security" params: u,pw-Secret-9' });
    const out = redactedError(err, "pw-Secret-9") as DokployError;
    expect(out.message).not.toContain("pw-Secret-9");
    expect(out.dokployMessage).not.toContain("pw-Secret-9");
    expect(out.message).toContain("(redacted)");
  });
});
