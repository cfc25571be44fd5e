/**
 * The kind registry: every kind the tool manages, in dependency order
 * (parents before children). The manifest loader, planner, applier, observer,
 * prune, status, renderers and the reference generator iterate over it;
 * adding a kind is its module here, its schema file and its simulator routes
 * (docs/DESIGN.md, "Adding a kind").
 */
import type { DokployApi } from "../dokploy/port.ts";
import type { Kind, ResourceIdentity } from "../model/resource.ts";
import type { ServiceKinds } from "../apply/context.ts";
import { application } from "./application.ts";
import { compose } from "./compose.ts";
import { mariadb, mongo, mysql, postgres, redis } from "./databases.ts";
import { libsql } from "./libsql.ts";
import { domain } from "./domain.ts";
import { environment } from "./environment.ts";
import { mount } from "./mount.ts";
import { port } from "./port.ts";
import { project } from "./project.ts";
import { redirect } from "./redirect.ts";
import { schedule } from "./schedule.ts";
import { security } from "./security.ts";
import { volumeBackup } from "./volume-backup.ts";
import type { AnyKindModule, ChildListKind, ContainerKind, RecordKind, ServiceKind } from "./types.ts";

/** One module per kind, in dependency order. The `satisfies` keeps it complete. */
const MODULES = {
  Project: project,
  Environment: environment,
  Application: application,
  Compose: compose,
  Postgres: postgres,
  MySQL: mysql,
  MariaDB: mariadb,
  Mongo: mongo,
  Redis: redis,
  LibSQL: libsql,
  Domain: domain,
  Port: port,
  Mount: mount,
  Redirect: redirect,
  Security: security,
  Schedule: schedule,
  VolumeBackup: volumeBackup,
} as const satisfies { [K in Kind]: AnyKindModule & { kind: K } };

/** Every module, in dependency order. */
export const REGISTRY: readonly AnyKindModule[] = Object.values(MODULES);

/** Every kind with plan steps (manifest kinds and child list kinds), in dependency order. */
export const KINDS: readonly Kind[] = REGISTRY.map((m) => m.kind);

/** The modules of the kinds a manifest document can declare (child list entries live in their service's spec). */
export const MANIFEST_REGISTRY: readonly AnyKindModule[] = REGISTRY.filter((m) => m.family !== "child");

/** The kinds a manifest document can declare. */
export const MANIFEST_KINDS: readonly Kind[] = MANIFEST_REGISTRY.map((m) => m.kind);

const RANK = new Map(KINDS.map((k, i) => [k, i]));

/** The module of `kind`. */
export function kindModule(kind: Kind): AnyKindModule {
  return MODULES[kind];
}

/** Position of a kind in dependency order. */
export function kindRank(kind: Kind): number {
  return RANK.get(kind) ?? KINDS.length;
}

/** The service kinds (Application, Compose...), in order. */
export const SERVICE_KINDS: readonly ServiceKind[] = REGISTRY.filter((m): m is ServiceKind => m.family === "service");
/** The record kinds (Domain), in order. */
export const RECORD_KINDS: readonly RecordKind[] = REGISTRY.filter((m): m is RecordKind => m.family === "record");
/** The container kinds (Project, Environment). */
export const CONTAINER_KINDS: readonly ContainerKind[] = REGISTRY.filter((m): m is ContainerKind => m.family === "container");

/** The child list kinds (Port, Mount, Redirect, Security, Schedule, VolumeBackup), in order. */
export const CHILD_KINDS: readonly ChildListKind[] = REGISTRY.filter((m): m is ChildListKind => m.family === "child");

/** The child lists a service of `kind` may carry. */
export function childKindsOf(kind: string): readonly ChildListKind[] {
  return CHILD_KINDS.filter((c) => c.services.includes(kind as Kind));
}

/** The service module of `kind`, or undefined when `kind` is not a service. */
export function serviceModule(kind: string): ServiceKind | undefined {
  const m = (MODULES as Record<string, AnyKindModule>)[kind];
  return m?.family === "service" ? m : undefined;
}

/** The record kinds whose parent can be a service of `kind`. */
export function recordKindsOf(kind: Kind): readonly RecordKind[] {
  return RECORD_KINDS.filter((r) => r.parentRefs.some((p) => p.kind === kind));
}

/**
 * Parses a key made by `resourceKey`; undefined when malformed. A record's
 * parent segment is the bare name for an application (the layout keys had
 * before compose existed, written into live markers: a contract) and
 * `<kind>:<name>` for any other parent kind.
 */
export function parseResourceKey(key: string): ResourceIdentity | undefined {
  const [kindName, ...names] = key.split("/");
  if (names.length === 0 || names.some((n) => n.length === 0)) return undefined;
  const m = (MODULES as Record<string, AnyKindModule>)[kindName ?? ""];
  if (!m) return undefined;
  const kind = m.kind;
  if (kind === "Project") return names.length === 1 ? { kind, project: names[0]!, name: names[0]! } : undefined;
  const refs = m.refs;
  const nested = m.family === "record" || m.family === "child";
  const expected = refs.length + (nested ? 1 : 0) + 1;
  if (names.length !== expected) return undefined;
  const id: ResourceIdentity = { kind, project: names[0]!, name: names[names.length - 1]! };
  if (refs.includes("environment")) id.environment = names[1]!;
  if (nested) {
    const parents: readonly Kind[] = m.family === "record" ? m.parentRefs.map((p) => p.kind) : m.services;
    const parent = names[refs.length]!;
    const colon = parent.indexOf(":");
    if (colon < 0) {
      if (!parents.includes("Application")) return undefined;
      id.application = parent;
    } else {
      // `compose:<name>`, or a database parent `<kind lowercased>:<name>` (`postgres:db`).
      const ref = parent.slice(0, colon);
      const name = parent.slice(colon + 1);
      const kind = parents.find((k) => k !== "Application" && k.toLowerCase() === ref);
      if (!kind || name === "") return undefined;
      if (kind === "Compose") id.compose = name;
      else id.database = { kind, name };
    }
  }
  return id;
}

/** What the applier's context needs from the registry. */
export const SERVICE_CALLS: ServiceKinds = {
  isService: (kind) => serviceModule(kind) !== undefined,
  writeDescription: (api: DokployApi, kind, id, description) => {
    const m = serviceModule(kind);
    if (!m) throw new Error(`${kind}: internal error: not a service kind`);
    return m.writeDescription(api, id, description);
  },
  read: (api, kind, id) => {
    const m = serviceModule(kind);
    if (!m) throw new Error(`${kind}: internal error: not a service kind`);
    return m.read(api, id);
  },
};
