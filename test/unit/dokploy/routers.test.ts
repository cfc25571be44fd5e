/**
 * The service-children routers declare each endpoint with the method and the
 * retry safety its procedure needs: a create is never re-sent (a second row),
 * an update may be, a delete may be and counts "not found" after a lost answer.
 */
import { describe, expect, it } from "vitest";
import type { EndpointDef } from "../../../src/dokploy/endpoint.ts";
import { mountsRouter } from "../../../src/dokploy/routers/mounts.ts";
import { portRouter } from "../../../src/dokploy/routers/port.ts";
import { redirectsRouter } from "../../../src/dokploy/routers/redirects.ts";
import { scheduleRouter } from "../../../src/dokploy/routers/schedule.ts";
import { securityRouter } from "../../../src/dokploy/routers/security.ts";
import { volumeBackupsRouter } from "../../../src/dokploy/routers/volume-backups.ts";

const ROUTERS: Record<string, Record<string, EndpointDef>> = {
  mounts: mountsRouter, port: portRouter, redirects: redirectsRouter, security: securityRouter, schedule: scheduleRouter, volumeBackups: volumeBackupsRouter,
};

const EXPECTED_SAFETY: Record<string, EndpointDef["safety"]> = {
  create: "once", update: "idempotent", delete: "delete", remove: "delete", one: "read", list: "read", listByServiceId: "read",
};

describe.each(Object.entries(ROUTERS))("the %s router", (router, endpoints) => {
  it.each(Object.entries(endpoints))("%s is `router.procedure` with the right method and safety", (procedure, def) => {
    expect(def.name).toBe(`${router}.${procedure}`);
    expect(def.safety).toBe(EXPECTED_SAFETY[procedure]);
    expect(def.method).toBe(def.safety === "read" ? "GET" : "POST");
  });

  it("has a create, a one, an update and a delete", () => {
    expect(Object.keys(endpoints)).toEqual(expect.arrayContaining(["create", "one", "update"]));
    expect(Object.keys(endpoints).some((k) => k === "delete" || k === "remove")).toBe(true);
  });
});
