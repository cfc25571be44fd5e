/**
 * The compose stacks and databases of an environment as `control.state()`
 * nests them for tests: every column, with their domains, deployments,
 * mounts and backups.
 */
import { DATABASE_KINDS, databaseId } from "./service-rows.ts";
import type { Store } from "./store.ts";
import type { ComposeState, DatabaseKind, DatabaseState } from "./types.ts";

const copy = <T>(v: T): T => structuredClone(v);

/** `{compose, postgres, mysql, mariadb, mongo, redis, libsql}` of one environment. */
export function nestedServices(store: Store, environmentId: string): { compose: ComposeState[] } & Record<DatabaseKind, DatabaseState[]> {
  const { services } = store;
  const databases = Object.fromEntries(
    (Object.keys(DATABASE_KINDS) as DatabaseKind[]).map((kind) => [
      kind,
      services.databasesOf(kind, environmentId).map((d) => {
        const id = databaseId(kind, d);
        return { ...copy(d), mounts: services.mountsOf(id).map(copy), backups: services.backupsOf(id).map(copy) };
      }),
    ]),
  ) as Record<DatabaseKind, DatabaseState[]>;
  const compose = services.composesOf(environmentId).map((c) => ({
    ...copy(c),
    domains: store.composeDomainsOf(c.composeId).map(copy),
    deployments: store.composeDeploymentsOf(c.composeId).map(copy),
    mounts: services.mountsOf(c.composeId).map(copy),
    backups: services.backupsOf(c.composeId).map(copy),
  }));
  return { compose, ...databases };
}
