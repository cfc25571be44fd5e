/**
 * Resource identities: how a manifest document and a live Dokploy object are
 * recognised as "the same thing". Identity is the chain of names from the
 * project down (Kubernetes-style namespacing), never a Dokploy id, so a plan
 * computed anywhere names objects the same way.
 *
 * The kinds themselves (their order, parents and key layout) are declared by
 * their modules in `src/kinds/`; `KINDS` and `parseResourceKey` live in the
 * registry there. This file keeps only what every layer shares.
 */

/**
 * The manifest kinds. Each has exactly one module in `src/kinds/registry.ts`
 * (a compile-time check there keeps this union and the registry equal).
 */
export type Kind =
  | "Project"
  | "Environment"
  | "Application"
  | "Compose"
  | "Postgres"
  | "MySQL"
  | "MariaDB"
  | "Mongo"
  | "Redis"
  | "LibSQL"
  | "Domain"
  | ChildKindName;

/**
 * The kinds of a service's child lists (issue 15): entries of a list on the
 * service's spec, not manifests of their own. They have plan steps and
 * status entries like any object, keyed under their service.
 */
export type ChildKindName = "Port" | "Mount" | "Redirect" | "Security" | "Schedule" | "VolumeBackup";

/** The apiVersion every manifest must carry. */
export const API_VERSION = "dokploy-gitops/v1";

/** A resource's identity: its name and the names of its ancestors. */
export interface ResourceIdentity {
  kind: Kind;
  /** For a Project, its own name; otherwise the owning project's name. */
  project: string;
  environment?: string;
  /** The parent application of a domain or of a child list entry. */
  application?: string;
  /** The parent compose stack of a domain or of a child list entry. */
  compose?: string;
  /** The parent database of a child list entry (a mount): its kind and name. */
  database?: { kind: Kind; name: string };
  name: string;
}

/**
 * The canonical string key of an identity, e.g. `Application/shop/production/web`.
 * Used in plans, ownership markers, status and logs; stable across releases
 * (keys written into live Dokploy are a contract). A compose parent is
 * written `compose:<name>` so it can never be read as an application's
 * domain key (`Domain/p/e/<app>/<name>`, the layout of the first release);
 * a database parent is written `<kind lowercased>:<name>` (`postgres:db`).
 */
export function resourceKey(id: ResourceIdentity): string {
  const names = [id.kind === "Project" ? id.name : id.project];
  if (id.kind === "Project") return `Project/${id.name}`;
  if (id.environment !== undefined) names.push(id.environment);
  if (id.application !== undefined) names.push(id.application);
  if (id.compose !== undefined) names.push(`compose:${id.compose}`);
  if (id.database !== undefined) names.push(`${id.database.kind.toLowerCase()}:${id.database.name}`);
  names.push(id.name);
  return `${id.kind}/${names.join("/")}`;
}

/** The lowercase label used in messages: `application/shop/production/web`. */
export function resourceLabel(id: ResourceIdentity): string {
  const key = resourceKey(id);
  const slash = key.indexOf("/");
  const kind = slash < 0 ? key : key.slice(0, slash);
  // Words keep their camel case (volumeBackup); a kind with an acronym reads as Dokploy writes it (mysql, mariadb, libsql).
  const label = /^(?:[A-Z][a-z]+)+$/.test(kind) ? kind.charAt(0).toLowerCase() + kind.slice(1) : kind.toLowerCase();
  return label + key.slice(kind.length);
}

/** Dokploy names the default environment `production`; it always exists. */
export const DEFAULT_ENVIRONMENT = "production";
