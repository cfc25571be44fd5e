/**
 * `mongo.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/mongo.ts,
 * packages/server/src/db/schema/mongo.ts, packages/server/src/services/mongo.ts):
 * the classic database router shape, built by the shared factory.
 * Mongo has no `databaseName`; `replicaSets` (default false) is the one
 * column of its own.
 */
import { classicDatabaseRouter } from "./database.ts";

/** The `mongo.*` procedures the reconciler and `export` use (see `database.ts` for their quirks). */
export const mongoRouter = classicDatabaseRouter("mongo");
