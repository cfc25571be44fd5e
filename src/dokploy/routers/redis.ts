/**
 * `redis.*` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/redis.ts,
 * packages/server/src/db/schema/redis.ts, packages/server/src/services/redis.ts):
 * the classic database router shape, built by the shared factory.
 * Redis has no database name or user and no backups (`redis.one` has no
 * `backups` key); its create and update accept any password, only
 * `changePassword` checks the pattern.
 */
import { classicDatabaseRouter } from "./database.ts";

/** The `redis.*` procedures the reconciler and `export` use (see `database.ts` for their quirks). */
export const redisRouter = classicDatabaseRouter("redis");
