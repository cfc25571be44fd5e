/**
 * The Dokploy procedures the simulator serves, with their HTTP method (tRPC
 * queries are GET, mutations POST): the port's list and the endpoints the
 * router modules declare (`src/dokploy/routers/`), nothing else. An endpoint
 * the tool does not use is not simulated, so a stray call shows up as a 404
 * in tests instead of silently succeeding.
 */
import { ENDPOINTS } from "../dokploy/port.ts";
import { ROUTER_ENDPOINTS } from "../dokploy/routers/index.ts";

/** `router.procedure` -> method, for every endpoint the simulator answers. */
export const SERVED_ENDPOINTS: Readonly<Record<string, "GET" | "POST">> = {
  ...ENDPOINTS,
  ...Object.fromEntries(ROUTER_ENDPOINTS.map((e) => [e.name, e.method])),
};
