/**
 * `postgres.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/postgres.ts,
 * packages/server/src/db/schema/postgres.ts, packages/server/src/services/postgres.ts):
 * the classic database router shape, built by the shared factory.
 * The auto volume mounts at `/var/lib/postgresql/<major>/docker` for images
 * `postgres:18` and later, `/var/lib/postgresql/data` before (`getMountPath`).
 */
import { classicDatabaseRouter } from "./database.ts";

/** The `postgres.*` procedures the reconciler and `export` use (see `database.ts` for their quirks). */
export const postgresRouter = classicDatabaseRouter("postgres");
