/**
 * `libsql.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/libsql.ts,
 * packages/server/src/db/schema/libsql.ts, packages/server/src/services/libsql.ts).
 * It differs from the classic database routers: `create` takes every key
 * (null where nullable), returns `true` instead of the row (find the new id in
 * `project.one` or `environment.one` by name), there is no `changePassword`
 * (a changed password cannot be applied), and three external ports are saved
 * together by `saveExternalPorts`. Deploys are synchronous as for the others.
 */
import { mutation, query } from "../endpoint.ts";
import { DATABASE_DEPLOY_TIMEOUT_MS, type DatabaseDetail, type DatabaseIdInput, type DatabaseUpdateInput, type DatabaseWire } from "./database.ts";

type Id = DatabaseIdInput<"libsql">;
type Detail = DatabaseDetail<"libsql">;

/** `apiSaveExternalPortsLibsql`: at least one of the three non-null; no gRPC port on a replica. */
export interface LibsqlExternalPortsInput extends Id {
  externalPort?: number | null;
  externalGRPCPort?: number | null;
  externalAdminPort?: number | null;
}

const slow = { timeoutMs: DATABASE_DEPLOY_TIMEOUT_MS };

/** The `libsql.*` procedures the reconciler and `export` use. */
export const libsqlRouter = {
  /** `true`, not the row. The auto volume mounts at `/var/lib/sqld`. */
  create: mutation<DatabaseWire["libsql"]["create"], true>("libsql.create", "once"),
  one: query<Id, Detail>("libsql.one"),
  /** `true`; 400 "Error updating Libsql" for an unknown id. */
  update: mutation<DatabaseUpdateInput<"libsql">, true>("libsql.update", "idempotent"),
  remove: mutation<Id, Detail>("libsql.remove", "delete"),
  /** Synchronous; answers the database as read before the deploy, or 500 `Error on deploy libsql...`. */
  deploy: mutation<Id, Detail>("libsql.deploy", "once", slow),
  start: mutation<Id, Detail>("libsql.start", "idempotent"),
  stop: mutation<Id, Detail>("libsql.stop", "idempotent"),
  saveEnvironment: mutation<Id & { env: string | null }, true>("libsql.saveEnvironment", "idempotent"),
  /** Writes the three ports (409 when one is taken), then redeploys synchronously. */
  saveExternalPorts: mutation<LibsqlExternalPortsInput, Detail>("libsql.saveExternalPorts", "idempotent", slow),
} as const;
