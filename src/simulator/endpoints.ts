/**
 * The Dokploy procedures the simulator serves, with their HTTP method (tRPC
 * queries are GET, mutations POST). It is the port's list plus nothing else:
 * an endpoint the reconciler does not use is not simulated, so a stray call
 * shows up as a 404 in tests instead of silently succeeding.
 */
import { ENDPOINTS } from "../dokploy/port.ts";

/**
 * `router.procedure` -> method, for every endpoint the simulator answers: the
 * port's, and `user.getPermissions`, which `dokploy-gitops doctor` reads with
 * plain HTTP (it is no part of a reconcile).
 */
export const SERVED_ENDPOINTS: Readonly<Record<string, "GET" | "POST">> = { ...ENDPOINTS, "user.getPermissions": "GET" };
