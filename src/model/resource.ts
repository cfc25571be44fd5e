/**
 * Resource identities: how a manifest document and a live Dokploy object are
 * recognised as "the same thing". Identity is the chain of names from the
 * project down (Kubernetes-style namespacing), never a Dokploy id, so a plan
 * computed anywhere names objects the same way.
 */

/** The manifest kinds, in dependency order (parents before children). */
export const KINDS = ["Project", "Environment", "Application", "Domain"] as const;
export type Kind = (typeof KINDS)[number];

/** The apiVersion every manifest must carry. */
export const API_VERSION = "dokploy-gitops/v1";

/** A resource's identity: its name and the names of its ancestors. */
export interface ResourceIdentity {
  kind: Kind;
  /** For a Project, its own name; otherwise the owning project's name. */
  project: string;
  environment?: string;
  application?: string;
  name: string;
}

/**
 * The canonical string key of an identity, e.g. `Application/shop/production/web`.
 * Used in plans, ownership markers, status and logs; stable across releases.
 */
export function resourceKey(id: ResourceIdentity): string {
  switch (id.kind) {
    case "Project":
      return `Project/${id.name}`;
    case "Environment":
      return `Environment/${id.project}/${id.name}`;
    case "Application":
      return `Application/${id.project}/${id.environment}/${id.name}`;
    case "Domain":
      return `Domain/${id.project}/${id.environment}/${id.application}/${id.name}`;
  }
}

/** Parses a key made by {@link resourceKey}; undefined when malformed. */
export function parseResourceKey(key: string): ResourceIdentity | undefined {
  const parts = key.split("/");
  const [kind, ...names] = parts;
  if (names.some((n) => n.length === 0)) return undefined;
  switch (kind) {
    case "Project":
      return names.length === 1 ? { kind, project: names[0]!, name: names[0]! } : undefined;
    case "Environment":
      return names.length === 2 ? { kind, project: names[0]!, name: names[1]! } : undefined;
    case "Application":
      return names.length === 3
        ? { kind, project: names[0]!, environment: names[1]!, name: names[2]! }
        : undefined;
    case "Domain":
      return names.length === 4
        ? { kind, project: names[0]!, environment: names[1]!, application: names[2]!, name: names[3]! }
        : undefined;
    default:
      return undefined;
  }
}

/** Position of a kind in dependency order: 0 for Project .. 3 for Domain. */
export function kindRank(kind: Kind): number {
  return KINDS.indexOf(kind);
}

/** The lowercase label used in messages: `application/shop/production/web`. */
export function resourceLabel(id: ResourceIdentity): string {
  const key = resourceKey(id);
  return key.charAt(0).toLowerCase() + key.slice(1);
}

/** Dokploy names the default environment `production`; it always exists. */
export const DEFAULT_ENVIRONMENT = "production";
