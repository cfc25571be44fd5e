/**
 * `mysql.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/mysql.ts,
 * packages/server/src/db/schema/mysql.ts, packages/server/src/services/mysql.ts):
 * the classic database router shape, built by the shared factory.
 * `databaseRootPassword` is generated when not given; `changePassword` takes
 * `type: "root"` to change it.
 */
import { classicDatabaseRouter } from "./database.ts";

/** The `mysql.*` procedures the reconciler and `export` use (see `database.ts` for their quirks). */
export const mysqlRouter = classicDatabaseRouter("mysql");
