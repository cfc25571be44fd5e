/**
 * LibSQL (`libsql.*`, Dokploy v0.30.2 apps/dokploy/server/api/routers/libsql.ts,
 * packages/server/src/db/schema/libsql.ts): the shared database factory with
 * LibSQL's differences. `create` requires every key present (null where
 * nullable) and answers `true`, not the row, so the new id is found by the
 * pending marker; there is no `changePassword` (a changed password is a
 * manual step, reported by the plan); no `args`; a node is a primary or a
 * replica of a primary URL, fixed at creation; it publishes up to three ports.
 * Its three ports are written with `update` like every other column (not
 * `saveExternalPorts`, which redeploys synchronously) and take effect on the
 * one deploy that follows. Its `remove` cancels no backup job, so its
 * enabled backups are removed before it.
 */
import { libsqlRouter } from "../dokploy/routers/libsql.ts";
import { databaseKind, type DatabaseRouterCalls } from "./database.ts";

export const libsql = databaseKind({
  kind: "LibSQL", noun: "libsql", schemaFile: "libsql.schema.json",
  summary: "A LibSQL (sqld) database service, with its scheduled backups.",
  defaultImage: "ghcr.io/tursodatabase/libsql-server:v0.24.32", identity: ["databaseUser"], rootPassword: false, args: false,
  backups: "libsql",
  extras: [
    { name: "sqldNode", default: "primary", inPlace: false, deploy: true },
    { name: "sqldPrimaryUrl", default: null, inPlace: false, deploy: true },
    { name: "enableNamespaces", default: false, inPlace: true, deploy: true },
    { name: "externalGRPCPort", default: null, inPlace: true, deploy: true },
    { name: "externalAdminPort", default: null, inPlace: true, deploy: true },
  ],
  internalPort: 8080,
  router: libsqlRouter as unknown as DatabaseRouterCalls,
  createdId: () => undefined,
  removeKeepsBackupJobs: true,
});
