/**
 * Dropping Dokploy's defaults: a field is left out of an exported manifest
 * when leaving it out plans exactly the same, i.e. the kind's `desiredView`
 * of the document is unchanged (and the document still valid). Generic over
 * the registry, so a kind declares its defaults once, in its desired view,
 * and `export` can never disagree with `plan` about what a default is.
 */
import { API_VERSION, type ResourceIdentity } from "../model/resource.ts";
import { childIdentity, desiredEntries } from "../kinds/child-list.ts";
import { childKindsOf, kindModule } from "../kinds/registry.ts";
import type { ChildListKind } from "../kinds/types.ts";
import { manifestSchemas } from "../manifest/schema.ts";
import type { Manifest } from "../model/manifest.ts";
import type { ExportObject } from "./model.ts";

/** JSON with sorted keys: two views compare equal exactly when they plan the same. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

/** The document as the loader would hand it to the kind (enough for `desiredView`). */
export function asManifest(o: ExportObject, inputs: Record<string, string>): Manifest {
  return { apiVersion: API_VERSION, kind: o.kind, metadata: o.metadata, spec: o.spec, inputs } as unknown as Manifest;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Removes from `o.spec`, in place, every field whose absence leaves the
 * desired view the same. Top-level keys the view does not compare (such as
 * `state`) are the kind's to leave out; maps of variables are removed only
 * whole (when empty), never entry by entry.
 */
export function dropDefaults(o: ExportObject): void {
  const kind = kindModule(o.kind);
  const inputs = Object.fromEntries(o.inputs.map((i) => [i.pointer, i.content]));
  const m = asManifest(o, inputs);
  const viewOf = (): string | undefined => {
    try {
      return canonical(kind.desiredView(m as never));
    } catch {
      return undefined;
    }
  };
  const reference = viewOf();
  if (reference === undefined) return;
  const compared = new Set(Object.keys((JSON.parse(reference) as { spec: Record<string, unknown> }).spec));
  const maps = new Set([...kind.fields.hiddenLiveMaps, ...kind.fields.secretMaps]);
  const validate = manifestSchemas().validate;
  // The schema errors of the document (a live value may be invalid until its neighbours are gone).
  const errorsOf = (): Set<string> => {
    if (validate({ apiVersion: API_VERSION, kind: o.kind, metadata: o.metadata, spec: o.spec }) === true) return new Set();
    return new Set((validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`));
  };
  let errors = errorsOf();
  // A removal must not add an error: a required field equal to its default stays.
  const noWorse = (): boolean => {
    const now = errorsOf();
    if ([...now].some((e) => !errors.has(e))) return false;
    errors = now;
    return true;
  };

  const walk = (node: Record<string, unknown>, pointer: string, top: boolean): void => {
    for (const key of Object.keys(node)) {
      if (top && !compared.has(key)) continue;
      const before = Object.entries(node);
      const value = node[key];
      delete node[key];
      if (viewOf() === reference && noWorse()) continue;
      // Put it back where it was (the document keeps the kind's field order).
      for (const [k] of before) delete node[k];
      for (const [k, v] of before) node[k] = v;
      const at = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (isPlainObject(value) && !maps.has(at)) walk(value, at, false);
    }
  };
  walk(o.spec, "/spec", true);
  dropChildDefaults(o.kind, o.identity, o.spec, noWorse);
}

/** A manifest of one entry, enough for its kind's `desiredView` (name, spec, the service it is in). */
function entryManifest(kind: ChildListKind, service: ResourceIdentity, entry: unknown): unknown {
  const identity = childIdentity(kind, service, "entry");
  return { kind: kind.kind, metadata: { name: identity.name }, spec: entry, identity, inputs: {} };
}

/**
 * Removes from each child list entry of `spec`, in place (and from objects
 * in it, such as a volume mount's `backup`), each field whose absence leaves
 * the desired views of every child entry of the service the same (Dokploy's
 * defaults), unless the document would no longer be valid (`stillValid`).
 */
function dropChildDefaults(serviceKind: string, service: ResourceIdentity, spec: Record<string, unknown>, stillValid: () => boolean): void {
  const kinds = childKindsOf(serviceKind);
  const viewOf = (): string | undefined => {
    try {
      return canonical(kinds.map((k) => (desiredEntries(k, spec) ?? []).map((e) => k.desiredView(entryManifest(k, service, e.spec) as never).spec)));
    } catch {
      return undefined;
    }
  };
  const reference = viewOf();
  if (reference === undefined) return;
  const walk = (node: Record<string, unknown>): void => {
    for (const key of Object.keys(node)) {
      const before = Object.entries(node);
      const value = node[key];
      delete node[key];
      if (viewOf() === reference && stillValid()) continue;
      for (const [k] of before) delete node[k];
      for (const [k, v] of before) node[k] = v;
      if (isPlainObject(value)) walk(value);
    }
  };
  for (const kind of kinds) {
    const list = spec[kind.field];
    if (Array.isArray(list)) for (const entry of list) if (isPlainObject(entry)) walk(entry);
  }
}
