/**
 * `mariadb.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/mariadb.ts,
 * packages/server/src/db/schema/mariadb.ts, packages/server/src/services/mariadb.ts):
 * the classic database router shape, built by the shared factory.
 * `databaseRootPassword` is generated when not given; `changePassword` takes
 * `type: "root"` to change it. The default image is `mariadb:6`.
 */
import { classicDatabaseRouter } from "./database.ts";

/** The `mariadb.*` procedures the reconciler and `export` use (see `database.ts` for their quirks). */
export const mariadbRouter = classicDatabaseRouter("mariadb");
