/**
 * The six database routers of Dokploy v0.30.2 from one factory
 * (apps/dokploy/server/api/routers/{postgres,mysql,mariadb,mongo,redis,libsql}.ts,
 * packages/server/src/services/<kind>.ts): `create` with its appName, generated
 * passwords and the `<appName>-data` volume mount; `one` with passwords in
 * plain text; `update` returning `true` (500 "No values to set" when nothing is
 * set); a synchronous `deploy` that holds the request for the pull-and-start
 * time, then answers the row read before or a 500 with the status left at
 * `error`; start, stop, `changePassword` and `saveExternalPort(s)` that need
 * a running service as they do on a real server. LibSQL's differences (create
 * returns `true`, cross-field checks, three ports, no `changePassword`) are
 * switched on its kind.
 */
import { isValidSwarmServiceName, matchesFailRule } from "../deploy-queue.ts";
import { notFound, SimError, type ZodIssue } from "../errors.ts";
import { DATABASE_KINDS, databaseId, databaseRow } from "../service-rows.ts";
import { databaseDetail } from "../service-views.ts";
import type { DatabaseKind, DatabaseRecord, Row } from "../types.ts";
import { cleanAppName } from "./application.ts";
import { failedUpdate, type Handler, type Input, type RouteContext } from "./context.ts";

const copy = <T>(row: T): T => structuredClone(row);

/** `generatePassword()` (packages/server/src/templates/index.ts): 16 characters, lowercased. */
function generatePassword(ctx: RouteContext): string {
  return ctx.store.random.string("abcdefghijklmnopqrstuvwxyz0123456789", 16);
}

function find(ctx: RouteContext, kind: DatabaseKind, input: Input): DatabaseRecord {
  const row = ctx.store.services.databases[kind].get(String(input[DATABASE_KINDS[kind].idKey]));
  if (!row) throw new SimError("NOT_FOUND", DATABASE_KINDS[kind].notFound);
  return row;
}

/** A custom zod issue raised by a schema's `superRefine`, as a 400 of the validation layer. */
function refinementFailed(path: string[], message: string): SimError {
  const issue: ZodIssue = { code: "custom", path, message };
  return new SimError("BAD_REQUEST", "Input validation failed", [issue]);
}

/** The published ports of a database row. */
function portsOf(row: Row): number[] {
  return ["externalPort", "externalGRPCPort", "externalAdminPort"].flatMap((k) => (typeof row[k] === "number" ? [row[k]] : []));
}

/** `checkPortInUse`: a running database container already publishes `port` (the service itself included). */
function portUser(ctx: RouteContext, port: number): string | undefined {
  const { services } = ctx.store;
  for (const kind of Object.keys(DATABASE_KINDS) as DatabaseKind[]) {
    for (const row of services.databases[kind].values()) {
      const running = services.deployed.has(databaseId(kind, row)) && row.applicationStatus === "done";
      if (running && portsOf(row).includes(port)) return row.appName;
    }
  }
  return undefined;
}

/**
 * `deploy<Kind>`: status `running`, the image pull and service start (held
 * for the configured time), then `done`, or `error` and a 500 when the image
 * matches the fail rule or Swarm refuses the service name.
 */
async function deploySynchronously(ctx: RouteContext, kind: DatabaseKind, id: string): Promise<void> {
  const { store } = ctx;
  store.patch(kind, id, { applicationStatus: "running" });
  await ctx.runtime.sleep(ctx.runtime.databaseDeployMs());
  const row = store.services.databases[kind].get(id);
  if (!row) return; // removed while deploying: Dokploy's update finds no row and carries on
  const image = String(row.dockerImage);
  const refused = !isValidSwarmServiceName(row.appName);
  if (refused || matchesFailRule(ctx.runtime.failRule(), [image], row)) {
    store.patch(kind, id, { applicationStatus: "error" });
    const cause = refused
      ? `Error: (HTTP code 400) unexpected - rpc error: code = InvalidArgument desc = name must be valid as a DNS name component`
      : `Error: (HTTP code 404) unexpected - manifest for ${image} not found: manifest unknown`;
    throw new SimError("INTERNAL_SERVER_ERROR", `Error on deploy ${kind}${cause}`);
  }
  store.services.deployed.add(id);
  store.patch(kind, id, { applicationStatus: "done" });
}

/** The create input keys that become columns, per kind (the id, appName and passwords are set apart). */
function createColumns(kind: DatabaseKind, input: Input): Row {
  const skip = new Set(["appName", "databasePassword", "databaseRootPassword"]);
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && !skip.has(k) && k !== DATABASE_KINDS[kind].idKey));
}

function create(kind: DatabaseKind): Handler {
  const info = DATABASE_KINDS[kind];
  return (input, ctx) => {
    const { store } = ctx;
    if (!store.environments.has(String(input.environmentId))) throw notFound("Environment");
    if (kind === "libsql") {
      if (input.sqldNode === "replica" && !input.sqldPrimaryUrl) {
        throw refinementFailed(["sqldPrimaryUrl"], "sqldPrimaryUrl is required when sqldNode is 'replica'.");
      }
      if (input.sqldNode !== "replica" && input.sqldPrimaryUrl) {
        throw refinementFailed(["sqldPrimaryUrl"], "sqldPrimaryUrl should not be provided when sqldNode is not 'replica'.");
      }
    }
    if (input.serverId) throw new SimError("UNAUTHORIZED", "You are not authorized to access this server");
    const given = input.appName as string | undefined;
    const appName = given ? `${cleanAppName(given)}-${store.random.appNameSuffix()}` : store.random.defaultAppName(kind);
    // LibSQL checks the name as given, before its suffix (`createLibsql`).
    if (store.appIdByAppName(kind === "libsql" ? String(given) : appName) !== undefined) {
      throw new SimError("CONFLICT", "Service with this 'AppName' already exists");
    }
    const id = store.random.id();
    const passwords: Row = { databasePassword: (input.databasePassword as string | undefined) || generatePassword(ctx) };
    if (kind === "mysql" || kind === "mariadb") {
      passwords.databaseRootPassword = (input.databaseRootPassword as string | undefined) || generatePassword(ctx);
    }
    const row = store.services.insertDatabase(
      kind,
      databaseRow(kind, {
        ...createColumns(kind, input), [info.idKey]: id, appName, ...passwords, dockerImage: input.dockerImage ?? info.defaultImage,
        createdAt: store.now(),
      }),
    );
    store.addMount(kind, id, { type: "volume", volumeName: `${appName}-data`, mountPath: info.dataPath(String(row.dockerImage)) });
    return kind === "libsql" ? true : copy(row);
  };
}

function update(kind: DatabaseKind): Handler {
  const info = DATABASE_KINDS[kind];
  return (input, ctx) => {
    const { [info.idKey]: rawId, appName: _dropped, ...rest } = input;
    const id = String(rawId);
    const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    // drizzle's `.set({})` throws before any query runs, unknown id or not.
    if (Object.keys(patch).length === 0) throw new SimError("INTERNAL_SERVER_ERROR", "No values to set");
    if (!ctx.store.services.databases[kind].has(id)) throw new SimError("BAD_REQUEST", info.updateError);
    if (patch.environmentId !== undefined && !ctx.store.environments.has(String(patch.environmentId))) {
      throw new SimError("INTERNAL_SERVER_ERROR", failedUpdate(kind, info.idKey, id, patch));
    }
    ctx.store.patch(kind, id, patch);
    return true;
  };
}

/** `saveExternalPort` (five kinds) and `saveExternalPorts` (LibSQL): check, write, redeploy, answer the row read before. */
function saveExternalPorts(kind: DatabaseKind): Handler {
  return async (input, ctx) => {
    const row = find(ctx, kind, input);
    const id = databaseId(kind, row);
    const before = databaseDetail(ctx.store, kind, row);
    const keys = kind === "libsql" ? ["externalPort", "externalGRPCPort", "externalAdminPort"] : ["externalPort"];
    if (kind === "libsql") {
      if (keys.every((k) => input[k] === null)) {
        throw refinementFailed(keys, "Either externalPort, externalGRPCPort or externalAdminPort must be provided.");
      }
      if (row.sqldNode === "replica" && input.externalGRPCPort !== null) {
        throw new SimError("BAD_REQUEST", "externalGRPCPort cannot be set when sqldNode is 'replica'");
      }
    }
    for (const k of keys) {
      const port = input[k];
      // LibSQL skips a port it already has; the others check even their own.
      if (typeof port !== "number" || port === 0 || (kind === "libsql" && port === row[k])) continue;
      const user = portUser(ctx, port);
      if (user !== undefined) {
        const what = kind === "libsql" ? `${port} (${k})` : String(port);
        throw new SimError("CONFLICT", `Port ${what} is already in use by ${user}`);
      }
    }
    ctx.store.patch(kind, id, Object.fromEntries(keys.flatMap((k) => (input[k] === undefined ? [] : [[k, input[k]]]))));
    await deploySynchronously(ctx, kind, id);
    return before;
  };
}

/** The handlers of one database router. */
function databaseRoutes(kind: DatabaseKind): Record<string, Handler> {
  const info = DATABASE_KINDS[kind];
  const routes: Record<string, Handler> = {
    [`${kind}.create`]: create(kind),
    [`${kind}.one`]: (input, ctx) => databaseDetail(ctx.store, kind, find(ctx, kind, input)),
    [`${kind}.update`]: update(kind),
    [`${kind}.remove`]: (input, ctx) => {
      const row = find(ctx, kind, input);
      const before = databaseDetail(ctx.store, kind, row);
      const id = databaseId(kind, row);
      // `cancelJobs(backups)` runs in every database's remove but LibSQL's (apps/dokploy/server/api/routers/libsql.ts).
      if (kind !== "libsql") for (const b of ctx.store.services.backupsOf(id)) ctx.store.cron.cancel(b.backupId);
      ctx.store.services.removeDatabase(kind, id);
      return before;
    },
    [`${kind}.deploy`]: async (input, ctx) => {
      const row = find(ctx, kind, input);
      const before = databaseDetail(ctx.store, kind, row);
      await deploySynchronously(ctx, kind, databaseId(kind, row));
      return before;
    },
    /** `docker service scale <appName>=1`: fails (status unchanged) while no Swarm service exists. */
    [`${kind}.start`]: (input, ctx) => {
      const row = find(ctx, kind, input);
      const id = databaseId(kind, row);
      if (!ctx.store.services.deployed.has(id)) {
        throw new SimError(
          "INTERNAL_SERVER_ERROR",
          `Command execution failed: Command failed: docker service scale ${row.appName}=1 \nError: No such service: ${row.appName}\n`,
        );
      }
      const before = databaseDetail(ctx.store, kind, row);
      ctx.store.patch(kind, id, { applicationStatus: "done" });
      return before;
    },
    /** `stopService` swallows a missing service: always `idle`. */
    [`${kind}.stop`]: (input, ctx) => {
      const row = find(ctx, kind, input);
      const before = databaseDetail(ctx.store, kind, row);
      ctx.store.patch(kind, databaseId(kind, row), { applicationStatus: "idle" });
      return before;
    },
    [`${kind}.saveEnvironment`]: (input, ctx) => {
      const id = String(input[info.idKey]);
      if (!ctx.store.services.databases[kind].has(id)) throw new SimError("BAD_REQUEST", "Error adding environment variables");
      ctx.store.patch(kind, id, { env: input.env });
      return true;
    },
    [kind === "libsql" ? "libsql.saveExternalPorts" : `${kind}.saveExternalPort`]: saveExternalPorts(kind),
  };
  if (info.hasChangePassword) {
    /**
     * `ALTER USER` through `docker exec` in the running container, inside the
     * transaction that stores the password: no running container, a 500 and
     * the stored password unchanged.
     */
    routes[`${kind}.changePassword`] = (input, ctx) => {
      const row = find(ctx, kind, input);
      const id = databaseId(kind, row);
      if (!ctx.store.services.deployed.has(id) || row.applicationStatus !== "done") {
        throw new SimError(
          "INTERNAL_SERVER_ERROR",
          `Command execution failed: Command failed: /bin/bash -c CONTAINER_ID=$(docker ps -q -f name=${row.appName}) ...\nNo running container found for ${row.appName}\n`,
        );
      }
      const column = input.type === "root" ? "databaseRootPassword" : "databasePassword";
      ctx.store.patch(kind, id, { [column]: input.password });
      return true;
    };
  }
  return routes;
}

/** Handlers of the six database routers, by endpoint. */
export const databaseRoutesByEndpoint: Record<string, Handler> = Object.assign(
  {},
  ...(Object.keys(DATABASE_KINDS) as DatabaseKind[]).map(databaseRoutes),
) as Record<string, Handler>;
