/**
 * The router modules' endpoint declarations: the retry safety of each
 * procedure follows one rule (creates and deploys are sent once, deletes may
 * be retried as deletes, reads are GETs, every other write is idempotent),
 * the slow synchronous database calls carry their own deadline, `rebuild`
 * (which deletes data volumes) is never declared, and every endpoint is in
 * the committed OpenAPI subset the simulator validates against.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DATABASE_DEPLOY_TIMEOUT_MS } from "../../../src/dokploy/routers/database.ts";
import { publicDestination } from "../../../src/dokploy/routers/destination.ts";
import { ROUTER_ENDPOINTS } from "../../../src/dokploy/routers/index.ts";

const subset = JSON.parse(readFileSync(new URL("../../../src/simulator/spec/openapi-subset.json", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, unknown>>;
};

/** The safety one procedure name implies. */
function expectedSafety(name: string, method: string): string {
  const procedure = name.split(".")[1]!;
  if (method === "GET") return "read";
  if (["create", "deploy", "redeploy"].includes(procedure)) return "once";
  if (["delete", "remove"].includes(procedure)) return "delete";
  return "idempotent";
}

describe("router endpoints", () => {
  it.each(ROUTER_ENDPOINTS.map((e) => [e.name, e] as const))("%s has the safety its procedure implies", (_name, e) => {
    expect(e.safety).toBe(expectedSafety(e.name, e.method));
    expect(subset.paths[`/${e.name}`], "missing from openapi-subset.json: run scripts/extract-openapi.ts").toHaveProperty(e.method.toLowerCase());
  });

  it("declares each endpoint once and never `rebuild`", () => {
    const names = ROUTER_ENDPOINTS.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.endsWith(".rebuild"))).toEqual([]);
  });

  it("gives the synchronous database calls a deadline of minutes, and no other endpoint one", () => {
    const slow = ROUTER_ENDPOINTS.filter((e) => e.timeoutMs !== undefined).map((e) => e.name).sort();
    expect(slow).toEqual([
      "libsql.deploy", "libsql.saveExternalPorts", "mariadb.deploy", "mariadb.saveExternalPort", "mongo.deploy", "mongo.saveExternalPort",
      "mysql.deploy", "mysql.saveExternalPort", "postgres.deploy", "postgres.saveExternalPort", "redis.deploy", "redis.saveExternalPort",
    ]);
    expect(DATABASE_DEPLOY_TIMEOUT_MS).toBeGreaterThanOrEqual(10 * 60_000);
  });
});

describe("publicDestination", () => {
  it("keeps the typed columns and drops the two keys", () => {
    const row = {
      destinationId: "d", name: "s3", provider: "AWS", accessKey: "AKIA", secretAccessKey: "shh", bucket: "b", region: "r",
      endpoint: "e", additionalFlags: [], organizationId: "o", createdAt: "2026-01-01T00:00:00.000Z",
    };
    const { accessKey: _a, secretAccessKey: _s, ...rest } = row;
    expect(publicDestination(row)).toEqual(rest);
  });
});
