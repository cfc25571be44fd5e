/**
 * What a reference names, in terms of the kind registry: the resource behind
 * `ref: "<Kind>/<name>"` (the referrer's environment) or
 * `"<Kind>/<environment>/<name>"` (another environment of the same project),
 * the field the target's kind declares, and the resource a resource lives in
 * (references and the hierarchy together are the dependency graph that
 * validation checks for cycles). A reference is the target's key without
 * its project, so it reads like the keys in plans and status.
 */
import { parentOf, type ReferenceableField } from "./types.ts";
import { KINDS, kindModule, parseResourceKey } from "./registry.ts";
import { resourceKey, type Kind, type ResourceIdentity } from "../model/resource.ts";

/** "a" or "an", for messages naming a kind ("an Application"). */
export function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? "an" : "a";
}

/** The kinds that offer at least one field to references, in registry order. */
export function referenceableKinds(): Kind[] {
  return KINDS.filter((k) => Object.keys(kindModule(k).referenceable ?? {}).length > 0);
}

/** The fields of `kind` that references may read (empty when it offers none). */
export function referenceableFields(kind: Kind): Readonly<Record<string, ReferenceableField>> {
  return (kindModule(kind).referenceable ?? {}) as Readonly<Record<string, ReferenceableField>>;
}

/** The target of a reference, or why `ref` names none. */
export type ReferenceTarget = { key: string; identity: ResourceIdentity } | { error: string };

/** How `ref` should look for `kind`, for messages. */
export function referenceShape(kind: Kind): string {
  const m = kindModule(kind);
  if (m.family === "record") return `${kind}/<service>/<name> or ${kind}/<environment>/<service>/<name> (<service>: an application's name, or compose:<name>)`;
  return `${kind}/<name> or ${kind}/<environment>/<name>`;
}

/**
 * The resource `ref` names for a referrer: same project; the referrer's own
 * environment unless `ref` names one. A Project has no environment, so its
 * references must name one.
 */
export function referenceTarget(referrer: ResourceIdentity, ref: string): ReferenceTarget {
  const [kindName = "", ...names] = ref.split("/");
  if (!(KINDS as readonly string[]).includes(kindName)) {
    return { error: `"${ref}" does not start with a kind (expected one of ${referenceableKinds().join(", ")}, then /<name>)` };
  }
  const kind = kindName as Kind;
  const m = kindModule(kind);
  if (!m.refs.includes("environment")) return { error: `"${ref}": ${article(kind)} ${kind} cannot be referenced (references name a resource inside an environment)` };
  // Segments after the project in a full key: the environment, a record's service, the name.
  const full = m.refs.length + (m.family === "record" ? 1 : 0);
  let environment: string | undefined;
  let rest: string[];
  if (names.length === full) {
    environment = names[0];
    rest = names.slice(1);
  } else if (names.length === full - 1) {
    // An environment's own references are relative to itself.
    environment = referrer.environment ?? (referrer.kind === "Environment" ? referrer.name : undefined);
    rest = names;
    if (environment === undefined) return { error: `"${ref}": ${article(referrer.kind)} ${referrer.kind} has no environment, so its references name one: ${kind}/<environment>/...` };
  } else {
    return { error: `"${ref}" is not a ${kind} reference: expected ${referenceShape(kind)}` };
  }
  const identity = parseResourceKey([kind, referrer.project, environment, ...rest].join("/"));
  if (!identity) return { error: `"${ref}" is not a ${kind} reference: expected ${referenceShape(kind)}` };
  return { key: resourceKey(identity), identity };
}

/** The key of the resource `id` lives in (its environment, project or service); undefined for a project. */
export function ownerKey(id: ResourceIdentity): string | undefined {
  if (id.kind === "Project") return undefined;
  if (id.kind === "Environment") return resourceKey({ kind: "Project", project: id.project, name: id.project });
  const parent = parentOf(id);
  if (parent) return resourceKey({ kind: parent.kind, project: id.project, environment: id.environment!, name: parent.name });
  return resourceKey({ kind: "Environment", project: id.project, name: id.environment! });
}

/** True when `key` is `ancestor` or lives (at any depth) in it. */
export function isWithin(id: ResourceIdentity, ancestor: string): boolean {
  for (let cur: ResourceIdentity | undefined = id; cur; ) {
    const key = resourceKey(cur);
    if (key === ancestor) return true;
    const owner = ownerKey(cur);
    cur = owner === undefined ? undefined : parseResourceKey(owner);
  }
  return false;
}
