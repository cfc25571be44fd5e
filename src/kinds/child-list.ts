/**
 * What every child list shares (issue 15): ports, mounts, redirects,
 * basic-auth users and schedules are lists on their service's spec whose
 * entries are Dokploy objects without a description. Ownership is the
 * domains' protocol, generalised: the service's marker records each entry it
 * owns by natural key (`ports: {"8443/tcp": {id}}`), an intent (no id) is
 * written before the create and the id after, so a crash or a lost answer
 * in between leaves an entry the next pass recognises, never a duplicate.
 * Redirects and basic-auth users are created without an id in the answer:
 * the new entry is found by its natural key among those no record claims.
 *
 * An entry's plan step carries a manifest of its own kind made from the
 * service's manifest (`childManifest`): its name is the escaped natural key,
 * its position the entry's line, and its views and calls are the module's.
 */
import { DokployError } from "../dokploy/errors.ts";
import type { DokployApi } from "../dokploy/port.ts";
import { ownershipOf, type ChildField, type ChildRecord, type Marker } from "../model/marker.ts";
import type { AnyManifest, Manifest } from "../model/manifest.ts";
import { resourceKey, resourceLabel, type Kind, type ResourceIdentity } from "../model/resource.ts";
import { ANNOTATION_ADOPT_CHILDREN } from "../model/spec.ts";
import type { PlanStep } from "../plan/types.ts";
import { SafetyRefusal, isNotFound, mayHaveApplied, type ApplyContext } from "../apply/context.ts";
import { parentOf, type ChildEntry, type ChildListKind, type ChildParent, type ServiceDetail, type StepResult } from "./types.ts";

/** A natural key as a key segment: `/` and `%` escaped (a mount path or a regex has slashes). */
export function escapeChildKey(key: string): string {
  return key.replace(/%/g, "%25").replace(/\//g, "%2F");
}

/** The natural key named by a child step's name. */
export function unescapeChildKey(name: string): string {
  return name.replace(/%2F|%25/g, (m) => (m === "%2F" ? "/" : "%"));
}

/** The parent service's kind of a child identity. */
export function childParentKind(id: ResourceIdentity): Kind {
  return parentOf(id)?.kind ?? "Application";
}

/** The parent fields of a child identity under `service` (`application`, `compose` or `database`). */
function parentFields(service: ResourceIdentity): Pick<ResourceIdentity, "application" | "compose" | "database"> {
  if (service.kind === "Application") return { application: service.name };
  if (service.kind === "Compose") return { compose: service.name };
  return { database: { kind: service.kind, name: service.name } };
}

/** The identity of the entry `key` of `kind` under `service`. */
export function childIdentity(kind: ChildListKind, service: ResourceIdentity, key: string): ResourceIdentity {
  return { kind: kind.kind, project: service.project, environment: service.environment!, ...parentFields(service), name: escapeChildKey(key) };
}

/** The desired entries of `kind` in a service's spec; undefined when the service omits the list. */
export function desiredEntries(kind: ChildListKind, spec: unknown): ChildEntry[] | undefined {
  const s = spec as Record<string, unknown>;
  if (kind.entries) return kind.entries(s);
  const list = s[kind.field] as unknown[] | undefined;
  return list?.map((entry, i) => ({ spec: entry, pointer: `/spec/${kind.field}/${i}` }));
}

/**
 * The manifest of one entry, made from its service's: the entry as spec, at
 * the entry's position, adopting when the service says `adopt-children`,
 * with the service's inputs (a file mount's content).
 */
export function childManifest(kind: ChildListKind, service: AnyManifest, entry: ChildEntry): AnyManifest {
  const spec = entry.spec as Manifest["spec"];
  const key = kind.entryKey(spec as never);
  const identity = childIdentity(kind, service.identity, key);
  const pointer = entry.pointer;
  // The service's inputs under this entry, by pointers into the entry's own spec (`/spec/content/file`).
  const own = Object.entries(service.inputs ?? {}).filter(([p]) => p.startsWith(`${pointer}/`));
  const inputs = own.length > 0 ? Object.fromEntries(own.map(([p, text]) => [`/spec${p.slice(pointer.length)}`, text])) : undefined;
  return {
    apiVersion: service.apiVersion,
    kind: kind.kind,
    metadata: { name: identity.name, project: identity.project, environment: identity.environment!, ...(identity.application ? { application: identity.application } : identity.compose ? { compose: identity.compose } : {}) },
    spec,
    identity,
    key: resourceKey(identity),
    source: service.positionOf(pointer),
    positionOf: (p: string) => service.positionOf(p.startsWith("/spec") ? `${pointer}${p.slice("/spec".length)}` : pointer),
    adopt: service.metadata.annotations?.[ANNOTATION_ADOPT_CHILDREN] === "true",
    deletionPolicy: "delete",
    ...(inputs ? { inputs } : {}),
  } as AnyManifest;
}

/** The records of `field` in a marker (empty when none). */
export function recordsOf(marker: Marker | undefined, field: ChildField): Record<string, ChildRecord> {
  return marker?.[field] ?? {};
}

function setRecord(mk: Marker, field: ChildField, key: string, record: ChildRecord | undefined): void {
  const next = { ...(mk[field] ?? {}) };
  if (record) next[key] = record;
  else delete next[key];
  if (Object.keys(next).length > 0) mk[field] = next;
  else delete mk[field];
}

/** Entries of a service that its marker does not record: Dokploy would delete them with the service. */
export function foreignChildren(kinds: readonly ChildListKind[], detail: ServiceDetail, marker: Marker): string[] {
  const out: string[] = [];
  for (const kind of kinds) {
    const rows = kind.rows(detail)?.filter((r) => !kind.builtIn?.(r, detail));
    if (!rows) continue;
    const recorded = new Set(Object.values(recordsOf(marker, kind.field)).map((r) => r.id));
    const foreign = rows.filter((r) => !recorded.has(kind.rowId(r)));
    if (foreign.length > 0) out.push(`${foreign.length} ${kind.noun}(s) not managed by dokploy-gitops (${foreign.map((r) => kind.rowKey(r)).join(", ")})`);
  }
  return out;
}

/**
 * The entries of the lists a service's `one` does not carry (schedules,
 * volume backups), listed now: read before a delete of the service, which
 * Dokploy cascades to them, so a hand-made one refuses the delete.
 */
export async function separateLists(api: DokployApi, kinds: readonly ChildListKind[], parent: ChildParent): Promise<ServiceDetail["children"]> {
  const separate = kinds.filter((k) => k.listSeparately);
  const rows = await Promise.all(separate.map((k) => k.list(api, parent)));
  return Object.fromEntries(separate.map((k, i) => [k.field, rows[i]!]));
}

/**
 * Before a service's delete: cancels the cron jobs of its schedules and
 * volume backups (`lists`, read by `separateLists`). Dokploy cascades their
 * rows but not their in-process jobs, which then fire and fail until it
 * restarts (apps/dokploy/server/api/routers/application.ts, compose.ts and
 * the database routers' `delete`/`remove` cancel none).
 */
export async function unscheduleLists(api: DokployApi, kinds: readonly ChildListKind[], lists: ServiceDetail["children"] | undefined): Promise<void> {
  for (const kind of kinds) {
    if (!kind.unschedule) continue;
    for (const row of (lists?.[kind.field] as unknown[] | undefined) ?? []) await kind.unschedule(api, row);
  }
}

/** `err` with every occurrence of `secret` masked (Dokploy echoes a refused basic-auth password in its error). */
export function redactedError(err: unknown, secret: string): unknown {
  if (!(err instanceof Error) || secret === "") return err;
  const mask = (s: string): string => s.split(secret).join("(redacted)");
  err.message = mask(err.message);
  if (err instanceof DokployError && err.dokployMessage !== undefined) {
    (err as { dokployMessage: string }).dokployMessage = mask(err.dokployMessage);
  }
  return err;
}

/** A child list module from its definition: the family and the generic executor added. */
export function childList<K extends Kind, Row>(def: Omit<ChildListKind<K, Row>, "family" | "apply">): ChildListKind<K, Row> {
  const kind: ChildListKind<K, Row> = { ...def, family: "child", apply: (ctx, step) => execute(ctx, step) };
  const execute = childExecutor(kind as unknown as ChildListKind);
  return kind;
}

/** The executor of a child list: create (intent, create, find, record), update, adopt, delete (second proof). */
export function childExecutor(kind: ChildListKind): (ctx: ApplyContext, step: PlanStep) => Promise<StepResult> {
  return async (ctx, step) => {
    const parentKey = step.parentKey!;
    const parent: ChildParent = { kind: childParentKind(step.identity), id: ctx.idOf(parentKey) };
    const key = unescapeChildKey(step.identity.name);
    const m = step.manifest as Manifest | undefined;
    const record = (id: string): Promise<void> => ctx.updateServiceMarker(parentKey, (mk) => setRecord(mk, kind.field, key, { ...recordsOf(mk, kind.field)[key], id }));
    switch (step.action) {
      case "create": {
        if (m?.kind !== kind.kind) throw new Error(`${step.key}: internal error: no manifest`);
        await ctx.updateServiceMarker(parentKey, (mk) => {
          if (!recordsOf(mk, kind.field)[key]) setRecord(mk, kind.field, key, {});
        });
        let id: string | undefined;
        let lost: unknown;
        try {
          id = await kind.create(ctx, parent, m as never);
        } catch (err) {
          if (!mayHaveApplied(err)) throw err;
          lost = err;
        }
        id ??= await findUnrecorded(ctx, kind, parent, parentKey, key, lost);
        await record(id);
        return { dokployId: id };
      }
      case "update":
      case "adopt": {
        if (m?.kind !== kind.kind) throw new Error(`${step.key}: internal error: no manifest`);
        const id = ctx.idOf(step.key);
        if (step.action === "adopt") await record(id);
        if (step.changes.length > 0) await kind.update(ctx, id, parent, m as never);
        return { dokployId: id };
      }
      case "delete": {
        const id = ctx.idOf(step.key);
        let detail: ServiceDetail;
        try {
          detail = await ctx.readService(parent.kind, parent.id);
        } catch (err) {
          if (isNotFound(err)) return { dokployId: id };
          throw err;
        }
        // The second proof: the service, re-read now, still records this entry as ours.
        const o = ownershipOf(detail.description, ctx.instance, parent.id);
        if (o.kind !== "ours" || recordsOf(o.marker, kind.field)[key]?.id !== id) {
          throw new SafetyRefusal(`${resourceLabel(step.identity)}: refused: re-read before delete shows its ${parent.kind === "Compose" ? "compose" : "application"} no longer records it as ours; left untouched`);
        }
        const rows = kind.rows(detail) ?? (await kind.list(ctx.api, parent));
        const row = rows.find((r) => kind.rowId(r) === id);
        if (row !== undefined) {
          try {
            await kind.remove(ctx.api, id, row);
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
        await ctx.updateServiceMarker(parentKey, (mk) => setRecord(mk, kind.field, key, undefined));
        return { dokployId: id };
      }
      default:
        return {};
    }
  };
}

/**
 * The id of an entry just created when Dokploy did not say it (redirects and
 * basic-auth users answer `true`) or the answer was lost: the one live entry
 * with this natural key that no record claims. None or several: the create's
 * outcome is unknown, the error stands and the next pass re-plans.
 */
async function findUnrecorded(ctx: ApplyContext, kind: ChildListKind, parent: ChildParent, parentKey: string, key: string, lost: unknown): Promise<string> {
  const recorded = new Set(Object.values(recordsOf(ctx.serviceMarker(parentKey)?.marker, kind.field)).map((r) => r.id).filter(Boolean));
  const found = (await kind.list(ctx.api, parent)).filter((r) => !recorded.has(kind.rowId(r)) && kind.rowKey(r) === key);
  if (found.length === 1) return kind.rowId(found[0]!);
  if (lost) throw lost;
  throw new Error(`created, but ${found.length === 0 ? "no" : found.length} unrecorded ${kind.noun}(s) with ${JSON.stringify(key)} found afterwards; the next pass looks again`);
}
