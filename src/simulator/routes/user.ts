/**
 * `user.getPermissions`, which `dokploy-gitops doctor` reads to tell a
 * read-only key from one that may write. The simulator has one user, the
 * owner of its organisation, so every action is allowed; the answer has
 * Dokploy's shape, `{resource: {action: boolean}}`
 * (packages/server/src/services/permission.ts `resolvePermissions`, the
 * resource and action names of packages/server/src/lib/access-control.ts).
 */
import type { Handler } from "./context.ts";

/** The resources and actions the answer lists (the ones that matter to this tool). */
const OWNER_ACTIONS: Record<string, readonly string[]> = {
  project: ["create", "delete"],
  service: ["create", "read", "delete"],
  environment: ["create", "read", "delete"],
  domain: ["read", "create", "delete"],
  deployment: ["read", "create", "cancel"],
  envVars: ["read", "write"],
  projectEnvVars: ["read", "write"],
  environmentEnvVars: ["read", "write"],
};

export const userRoutes: Record<string, Handler> = {
  "user.getPermissions": () =>
    Object.fromEntries(Object.entries(OWNER_ACTIONS).map(([resource, actions]) => [resource, Object.fromEntries(actions.map((a) => [a, true]))])),
};
