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
import { mountsRouter } from "./mounts.ts";
import { mysqlRouter } from "./mysql.ts";
import { portRouter } from "./port.ts";
import { postgresRouter } from "./postgres.ts";
import { redirectsRouter } from "./redirects.ts";
import { redisRouter } from "./redis.ts";
import { scheduleRouter } from "./schedule.ts";
import { securityRouter } from "./security.ts";
import { volumeBackupsRouter } from "./volume-backups.ts";

/** An endpoint whatever its input and output types. */
export type AnyEndpoint = Pick<EndpointDef, "name" | "method" | "safety" | "timeoutMs">;

const endpointsOf = (router: object): AnyEndpoint[] => Object.values(router) as AnyEndpoint[];

// ---- compose, databases, backups, queue (issues 12-14) ----
const SERVICE_ROUTERS = [
  composeRouter, domainRouter, deploymentRouter, postgresRouter, mysqlRouter, mariadbRouter, mongoRouter, redisRouter,
  libsqlRouter, backupRouter, destinationRouter,
];

// ---- service children (issue 15) ----
const CHILD_ROUTERS = [mountsRouter, portRouter, redirectsRouter, securityRouter, scheduleRouter, volumeBackupsRouter];

/** Every endpoint declared under `routers/`. */
export const ROUTER_ENDPOINTS: readonly AnyEndpoint[] = [...SERVICE_ROUTERS, ...CHILD_ROUTERS].flatMap(endpointsOf);
