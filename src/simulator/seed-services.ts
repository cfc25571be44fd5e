/**
 * Seeding compose stacks, databases, their backups and S3 destinations, as a
 * person in Dokploy's UI would have made them: a hand-made world for tests and
 * for `export`. Seeded rows get the same defaults as API-created ones, and a
 * seeded database gets its `<appName>-data` volume like `<kind>.create`.
 */
import { cleanAppName } from "./routes/application.ts";
import type { RouteContext } from "./routes/context.ts";
import { backupRow, composeRow, DATABASE_KINDS, databaseRow, destinationRow } from "./service-rows.ts";
import { domainRow } from "./rows.ts";
import type { DatabaseKind, Row, SeedBackup, SeedCompose, SeedDatabase, SeedDestination, SeedResult } from "./types.ts";

/** The defined columns of a seed entry, less the keys that are not columns. */
export function columns<T extends Record<string, unknown>>(row: T, drop: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => !drop.includes(k) && v !== undefined));
}

/** Throws the seed's specific error when `cond` fails. */
export function need(cond: boolean, message: string): void {
  if (!cond) throw new Error(`simulator seed: ${message}`);
}

/** The seeding functions for one `seed()` call, adding their ids to `result`. */
export function serviceSeeder(ctx: RouteContext, result: SeedResult): {
  addDestination(d: SeedDestination): void;
  addCompose(environmentId: string, c: SeedCompose, path: string): void;
  addDatabase(environmentId: string, d: SeedDatabase, path: string): void;
} {
  const { store } = ctx;
  const { services } = store;

  const appNameFor = (name: string, given: string | undefined, path: string): string => {
    const appName = given ?? `${cleanAppName(name)}-${store.random.appNameSuffix()}`;
    need(store.appIdByAppName(appName) === undefined, `${path}: appName ${appName} already exists`);
    return appName;
  };

  const addBackup = (owner: Row, b: SeedBackup, path: string): void => {
    need(services.destinations.has(b.destinationId), `${path}: destination ${b.destinationId} does not exist (seed it first)`);
    const row = services.insertBackup(
      backupRow({
        schedule: "0 3 * * *", prefix: "backups", database: "db", ...columns(b, ["backupId"]), ...owner,
        backupId: (b.backupId as string | undefined) ?? store.random.id(),
        appName: (b.appName as string | undefined) ?? store.random.defaultAppName("backup"),
        destinationId: b.destinationId,
        databaseType: (b.databaseType as string | undefined) ?? String(owner.databaseType ?? "postgres"),
      }),
    );
    if (row.enabled) store.cron.register("backup", row.backupId);
    result.backupIds.push(row.backupId);
    result.ids[`${path}/backup/${String(row.prefix)}`] = row.backupId;
  };

  return {
    addDestination(d) {
      need(typeof d.name === "string" && d.name.length > 0, `destinations[]: a destination needs a "name"`);
      need(!d.destinationId || !services.destinations.has(d.destinationId), `destination ${d.name}: destinationId ${d.destinationId} already exists`);
      const row = services.insertDestination(
        destinationRow({
          provider: "AWS", bucket: "backups", region: "us-east-1", endpoint: "https://s3.amazonaws.com",
          ...columns(d, ["destinationId"]),
          destinationId: d.destinationId ?? store.random.id(),
          name: d.name,
          createdAt: store.now(),
        }),
      );
      result.destinationIds.push(row.destinationId);
      result.ids[`destination/${row.name}`] = row.destinationId;
    },

    addCompose(environmentId, c, path) {
      need(typeof c.name === "string" && c.name.length > 0, `${path}: a compose needs a "name"`);
      need(!c.composeId || !services.compose.has(c.composeId), `${path}: composeId ${c.composeId} already exists`);
      const row = services.insertCompose(
        composeRow({
          ...columns(c, ["composeId", "domains", "backups", "appName"]),
          composeId: c.composeId ?? store.random.id(),
          name: c.name,
          appName: c.appName ?? `${cleanAppName(c.name)}-${store.random.appNameSuffix()}`,
          environmentId,
          refreshToken: (c.refreshToken as string | undefined) ?? store.random.id(),
          createdAt: store.now(),
        }),
      );
      const composePath = `${path}/${row.name}`;
      result.composeIds.push(row.composeId);
      result.ids[composePath] = row.composeId;
      for (const d of c.domains ?? []) {
        need(typeof d.host === "string", `${composePath}: a domain needs a "host" string`);
        need(!d.domainId || !store.domains.has(d.domainId), `${composePath}: domainId ${d.domainId} already exists`);
        const domain = store.insertDomain(
          domainRow({
            domainType: "compose", ...columns(d, ["domainId"]),
            domainId: d.domainId ?? store.random.id(),
            host: d.host,
            composeId: row.composeId,
            uniqueConfigKey: store.nextUniqueConfigKey(),
            createdAt: store.now(),
          }),
        );
        result.domainIds.push(domain.domainId);
        result.ids[`${composePath}/${domain.host}`] = domain.domainId;
      }
      for (const b of c.backups ?? []) addBackup({ composeId: row.composeId, backupType: "compose" }, b, composePath);
    },

    addDatabase(environmentId, d, path) {
      const info = DATABASE_KINDS[d.kind as DatabaseKind] as (typeof DATABASE_KINDS)[DatabaseKind] | undefined;
      need(info !== undefined, `${path}: a database needs a "kind" (one of ${Object.keys(DATABASE_KINDS).join(", ")})`);
      need(typeof d.name === "string" && d.name.length > 0, `${path}: a database needs a "name"`);
      const kind = info!.kind;
      need(!d.id || services.kindOf(d.id) === undefined, `${path}: id ${d.id} already exists`);
      need(info!.hasBackups || (d.backups ?? []).length === 0, `${path}/${d.name}: Redis has no backups`);
      const id = d.id ?? store.random.id();
      const appName = appNameFor(d.name, d.appName, `${path}/${d.name}`);
      const password = (): string => store.random.string("abcdefghijklmnopqrstuvwxyz0123456789", 16);
      const row = services.insertDatabase(
        kind,
        databaseRow(kind, {
          ...(kind === "mongo" || kind === "redis" || kind === "libsql" ? {} : { databaseName: d.name }),
          ...(kind === "redis" ? {} : { databaseUser: d.name }),
          ...(kind === "mysql" || kind === "mariadb" ? { databaseRootPassword: password() } : {}),
          databasePassword: password(),
          dockerImage: info!.defaultImage,
          ...columns(d, ["kind", "id", "appName", "backups"]),
          [info!.idKey]: id,
          name: d.name,
          appName,
          environmentId,
          createdAt: store.now(),
        }),
      );
      store.addMount(kind, id, { type: "volume", volumeName: `${appName}-data`, mountPath: info!.dataPath(String(row.dockerImage)) });
      const dbPath = `${path}/${row.name}`;
      result.databaseIds.push(id);
      result.ids[dbPath] = id;
      for (const b of d.backups ?? []) addBackup({ [info!.idKey]: id, databaseType: kind, database: row.databaseName ?? row.name }, b, dbPath);
    },
  };
}
