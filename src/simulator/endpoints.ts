/**
 * The Dokploy procedures the simulator serves, with their HTTP method (tRPC
 * queries are GET, mutations POST). It is the port's list plus the routers
 * kind modules declare (`src/dokploy/routers/*`), and nothing else: an
 * endpoint the reconciler does not use is not simulated, so a stray call
 * shows up as a 404 in tests instead of silently succeeding.
 */
import type { EndpointDef } from "../dokploy/endpoint.ts";
import { ENDPOINTS } from "../dokploy/port.ts";
import { mountsRouter } from "../dokploy/routers/mounts.ts";
import { portRouter } from "../dokploy/routers/port.ts";
import { redirectsRouter } from "../dokploy/routers/redirects.ts";
import { scheduleRouter } from "../dokploy/routers/schedule.ts";
import { securityRouter } from "../dokploy/routers/security.ts";
import { volumeBackupsRouter } from "../dokploy/routers/volume-backups.ts";

/** `name -> method` of every endpoint of the given routers. */
function methodsOf(...routers: Array<Record<string, EndpointDef>>): Record<string, "GET" | "POST"> {
  return Object.fromEntries(routers.flatMap((r) => Object.values(r).map((e) => [e.name, e.method])));
}

/** `router.procedure` -> method, for every endpoint the simulator answers. */
export const SERVED_ENDPOINTS: Readonly<Record<string, "GET" | "POST">> = {
  ...ENDPOINTS,
  // ---- service children (issue 15) ----
  ...methodsOf(mountsRouter, portRouter, redirectsRouter, securityRouter, scheduleRouter, volumeBackupsRouter),
};
