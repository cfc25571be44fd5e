/**
 * The five classic database kinds (Postgres, MySQL, MariaDB, Mongo, Redis):
 * what differs between them, handed to the shared factory (`database.ts`).
 * Their routers share one shape (src/dokploy/routers/database.ts); defaults
 * are Dokploy v0.30.2's (packages/server/src/db/schema/<kind>.ts and the
 * routers' create inputs).
 */
import { mariadbRouter } from "../dokploy/routers/mariadb.ts";
import { mongoRouter } from "../dokploy/routers/mongo.ts";
import { mysqlRouter } from "../dokploy/routers/mysql.ts";
import { postgresRouter } from "../dokploy/routers/postgres.ts";
import { redisRouter } from "../dokploy/routers/redis.ts";
import { databaseKind, type DatabaseRouterCalls } from "./database.ts";

/** A classic router as the factory calls it. */
const calls = (router: object): DatabaseRouterCalls => router as DatabaseRouterCalls;

/** The classic kinds' `create` answers the row: its id column is the id. */
const rowId = (idKey: string) => (answer: unknown): string | undefined => {
  const id = (answer as Record<string, unknown> | null)?.[idKey];
  return typeof id === "string" ? id : undefined;
};

export const postgres = databaseKind({
  kind: "Postgres", noun: "postgres", schemaFile: "postgres.schema.json",
  summary: "A PostgreSQL database service, with its scheduled backups.",
  defaultImage: "postgres:18", identity: ["databaseName", "databaseUser"], rootPassword: false, args: true,
  backups: "postgres", extras: [], internalPort: 5432, router: calls(postgresRouter), createdId: rowId("postgresId"),
});

export const mysql = databaseKind({
  kind: "MySQL", noun: "mysql", schemaFile: "mysql.schema.json",
  summary: "A MySQL database service, with its scheduled backups.",
  defaultImage: "mysql:8", identity: ["databaseName", "databaseUser"], rootPassword: true, args: true,
  backups: "mysql", extras: [], internalPort: 3306, router: calls(mysqlRouter), createdId: rowId("mysqlId"),
});

export const mariadb = databaseKind({
  kind: "MariaDB", noun: "mariadb", schemaFile: "mariadb.schema.json",
  summary: "A MariaDB database service, with its scheduled backups.",
  defaultImage: "mariadb:6", identity: ["databaseName", "databaseUser"], rootPassword: true, args: true,
  backups: "mariadb", extras: [], internalPort: 3306, router: calls(mariadbRouter), createdId: rowId("mariadbId"),
});

export const mongo = databaseKind({
  kind: "Mongo", noun: "mongo", schemaFile: "mongo.schema.json",
  summary: "A MongoDB database service, with its scheduled backups.",
  defaultImage: "mongo:15", identity: ["databaseUser"], rootPassword: false, args: true,
  backups: "mongo",
  // A replica set is initialised in the data volume: switching it on or off is not an in-place change.
  extras: [{ name: "replicaSets", default: false, inPlace: false, deploy: true }],
  internalPort: 27017, router: calls(mongoRouter), createdId: rowId("mongoId"),
});

export const redis = databaseKind({
  kind: "Redis", noun: "redis", schemaFile: "redis.schema.json",
  summary: "A Redis service (Dokploy has no backups for Redis).",
  defaultImage: "redis:8", identity: [], rootPassword: false, args: true,
  backups: undefined, extras: [], internalPort: 6379, router: calls(redisRouter), createdId: rowId("redisId"),
});
