/**
 * Every router module's endpoints in one list, for whoever must know them all
 * at once: the simulator serves exactly these plus the port's, and a test can
 * check that none is missing from the committed OpenAPI subset.
 */
import type { EndpointDef } from "../endpoint.ts";
import { backupRouter } from "./backup.ts";
import { composeRouter } from "./compose.ts";
import { deploymentRouter } from "./deployment.ts";
import { destinationRouter } from "./destination.ts";
import { domainRouter } from "./domain.ts";
import { libsqlRouter } from "./libsql.ts";
import { mariadbRouter } from "./mariadb.ts";
import { mongoRouter } from "./mongo.ts";
import { mysqlRouter } from "./mysql.ts";
import { postgresRouter } from "./postgres.ts";
import { redisRouter } from "./redis.ts";

/** An endpoint whatever its input and output types. */
export type AnyEndpoint = Pick<EndpointDef, "name" | "method" | "safety" | "timeoutMs">;

const endpointsOf = (router: object): AnyEndpoint[] => Object.values(router) as AnyEndpoint[];

// ---- compose, databases, backups, queue (issues 12-14) ----
const SERVICE_ROUTERS = [
  composeRouter, domainRouter, deploymentRouter, postgresRouter, mysqlRouter, mariadbRouter, mongoRouter, redisRouter,
  libsqlRouter, backupRouter, destinationRouter,
];

/** Every endpoint declared under `routers/`. */
export const ROUTER_ENDPOINTS: readonly AnyEndpoint[] = [...SERVICE_ROUTERS.flatMap(endpointsOf)];
