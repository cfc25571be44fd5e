/**
 * `security.*` (apps/dokploy/server/api/routers/security.ts, packages/server/src/services/security.ts):
 * basic-auth users of an application. Quirks kept: `create` answers `true`
 * with no id; `update` answers 200 with an empty body; `(username,
 * applicationId)` is UNIQUE, and a clash is 400 with drizzle's `Failed query`
 * text, which echoes the password (as Dokploy's does: clients must redact);
 * an unknown application is 400 `Application not found`.
 */
import { SimError } from "../errors.ts";
import { securityRow } from "../rows.ts";
import type { Store } from "../store.ts";
import { failedInsert, failedUpdate, type Handler } from "./context.ts";
import { findChild } from "./child-context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** Whether another user of the application already has `username`. */
function taken(store: Store, applicationId: string, username: string, except?: string): boolean {
  return store.children.security.byParent("applicationId", applicationId).some((s) => s.username === username && s.securityId !== except);
}

/** Handlers by endpoint. */
export const securityRoutes: Record<string, Handler> = {
  "security.create": (input, { store }) => {
    const applicationId = String(input.applicationId);
    if (!store.applications.has(applicationId)) throw new SimError("BAD_REQUEST", "Application not found");
    const row = securityRow({
      securityId: store.random.id(),
      username: String(input.username),
      password: String(input.password),
      createdAt: store.now(),
      applicationId,
    });
    if (taken(store, applicationId, row.username)) throw new SimError("BAD_REQUEST", failedInsert("security", row));
    store.children.security.insert(row);
    return true;
  },

  "security.one": (input, { store }) => copy(findChild(store.children.security, input.securityId, "Security not found")),

  "security.update": (input, { store }) => {
    const security = findChild(store.children.security, input.securityId, "Security not found");
    const patch = { securityId: security.securityId, username: String(input.username), password: String(input.password) };
    if (taken(store, security.applicationId, patch.username, security.securityId)) {
      throw new SimError("BAD_REQUEST", failedUpdate("security", "securityId", security.securityId, patch));
    }
    store.children.security.patch(security.securityId, patch);
    return undefined;
  },

  "security.delete": (input, { store }) => {
    const security = findChild(store.children.security, input.securityId, "Security not found");
    return copy(store.children.security.remove(security.securityId));
  },
};
