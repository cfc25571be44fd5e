/**
 * Removal planning: owned objects whose manifests are gone. Deleting is the
 * one irreversible thing the tool does, so it is fenced three ways here:
 * only objects carrying this instance's marker are candidates; a delete that
 * would cascade to anything not ours (Dokploy deletes children with their
 * parent) is refused; and two guards (empty revision, max deletions) demote
 * every delete to "would prune" when a revision looks like a mistake.
 */
import type { ObservedEnvironment, ObservedProject, ObservedService, ObservedState } from "../model/observed.ts";
import type { DesiredState } from "../model/manifest.ts";
import { parseDescription, type Marker } from "../model/marker.ts";
import { resourceKey, resourceLabel } from "../model/resource.ts";
import { SERVICE_KINDS, kindModule, parseResourceKey, recordKindsOf, serviceModule } from "../kinds/registry.ts";
import type { RecordKind, ServiceKind } from "../kinds/types.ts";
import { liveServicesOf } from "./services.ts";
import { claimedKey, type LiveRef } from "./match.ts";
import { newStep } from "./steps.ts";
import type { GuardRefusal, PlanSettings, PlanStep } from "./types.ts";

export interface PruneContext {
  instance: string;
  settings: PlanSettings;
  desiredKeys: Set<string>;
  /** The steps planned so far; removal steps are appended. */
  steps: PlanStep[];
}

const projectRef = (p: ObservedProject): LiveRef => ({ id: p.projectId, name: p.name, description: p.description });
const envRef = (e: ObservedEnvironment): LiveRef => ({ id: e.environmentId, name: e.name, description: e.description });
const serviceRef = (s: ObservedService): LiveRef => ({ id: s.id, name: s.name, description: s.description });

/** The outcome of planning one subtree's removal: its step, and whether the object will be gone. */
interface Removal {
  step?: PlanStep;
  /** True when the object is deleted (not orphaned or left) by this plan. */
  gone: boolean;
}

/** Every live service of an environment, with its module (undefined for a kind the tool does not manage). */
function servicesIn(env: ObservedEnvironment): Array<{ kind: ServiceKind | undefined; live: ObservedService }> {
  const out: Array<{ kind: ServiceKind | undefined; live: ObservedService }> = [];
  for (const kind of SERVICE_KINDS) for (const live of liveServicesOf(kind, env)) out.push({ kind, live });
  for (const live of env.services) if (!serviceModule(live.kind)) out.push({ kind: undefined, live });
  return out;
}

export function planPrunes(observed: ObservedState, ctx: PruneContext): void {
  const handled = new Set(ctx.steps.filter((s) => s.dokployId && s.action !== "conflict").map((s) => s.dokployId!));
  const writingServices = new Set(ctx.steps.filter((s) => serviceModule(s.kind) && s.action !== "noop" && s.action !== "conflict").map((s) => s.key));
  const duplicates = duplicateClaims(observed.projects, projectRef, ctx);
  for (const p of observed.projects) {
    const key = claimedKey(projectRef(p), ctx.instance);
    if (!key || duplicates.has(key)) continue;
    if (!ctx.desiredKeys.has(key)) removeProject(p, key, ctx);
    else if (handled.has(p.projectId)) pruneInsideProject(p, handled, writingServices, ctx);
  }
}

/**
 * Keys claimed by more than one sibling. Such objects are a conflict that
 * touches neither (a bug or a hand edit made two of them claim one
 * identity); for a key with a manifest the planner already reported it, for
 * a removed one it is reported here instead of pruning both.
 */
function duplicateClaims<T>(siblings: readonly T[], ref: (t: T) => LiveRef, ctx: PruneContext): Set<string> {
  const ids = new Map<string, string[]>();
  for (const s of siblings) {
    const r = ref(s);
    const key = claimedKey(r, ctx.instance);
    if (key) ids.set(key, [...(ids.get(key) ?? []), r.id]);
  }
  const out = new Set<string>();
  for (const [key, list] of ids) {
    if (list.length < 2) continue;
    out.add(key);
    const identity = parseResourceKey(key);
    if (identity && !ctx.desiredKeys.has(key) && !ctx.steps.some((s) => s.key === key)) {
      ctx.steps.push(newStep(identity, key, "conflict", {
        reasons: [`${resourceLabel(identity)}: ${list.length} objects in Dokploy claim this identity (ids ${list.join(", ")}); neither is pruned: resolve it by hand`],
      }));
    }
  }
  return out;
}

function removalStep(key: string, id: string, marker: Marker | undefined, ctx: PruneContext, extra: Partial<PlanStep> = {}): PlanStep | undefined {
  const identity = parseResourceKey(key);
  if (!identity) return undefined;
  const label = resourceLabel(identity);
  const orphan = marker?.policy === "orphan";
  const action = !ctx.settings.prune ? "would-prune" : orphan ? "orphan" : "delete";
  const reasons = [
    action === "would-prune"
      ? `${label}: its manifest was removed; ${orphan ? "it would be released (deletion-policy orphan)" : "it would be deleted"} with --prune`
      : action === "orphan"
        ? `${label}: its manifest was removed; released, not deleted (deletion-policy orphan)`
        : `${label}: its manifest was removed`,
  ];
  const step = newStep(identity, key, action, { dokployId: id, reasons, ...extra });
  if (marker) step.marker = marker;
  ctx.steps.push(step);
  return step;
}

/** Demotes a planned delete to would-prune, with the reason. */
function refuse(step: PlanStep | undefined, reason: string): void {
  if (!step || step.action !== "delete") return;
  step.action = "would-prune";
  step.reasons.push(reason);
}

/** The key of a record (a domain) named `name` under the service `serviceKey`. */
function recordKeyOf(kind: RecordKind, serviceKey: string, name: string): string | undefined {
  const parent = parseResourceKey(serviceKey);
  if (!parent) return undefined;
  const ref = kind.parentRefs.find((r) => r.kind === parent.kind)?.ref;
  if (ref !== "application" && ref !== "compose") return undefined;
  return resourceKey({ kind: kind.kind, project: parent.project, environment: parent.environment!, [ref]: parent.name, name });
}

function removeService(kind: ServiceKind, svc: ObservedService, key: string, ctx: PruneContext, parentKey: string): Removal {
  const marker = parseDescription(svc.description).marker;
  const step = removalStep(key, svc.id, marker, ctx, { parentKey });
  if (!step) return { gone: false };
  const label = resourceLabel(step.identity);
  if (!svc.detail) {
    refuse(step, `${label}: not deleted: its details could not be read`);
    return { step, gone: false };
  }
  // What removing it means for its data: volumes kept or deleted, a database released by default.
  const note = kind.deleteNote(undefined, marker);
  if (note && (step.action === "delete" || marker?.policy === "orphan")) step.reasons.push(`${label}: ${note}`);
  if (step.action === "orphan") return { step, gone: false };
  for (const r of recordKindsOf(kind.kind)) {
    for (const [name, rec] of Object.entries(marker?.[r.recordField] ?? {})) {
      if (!rec.id || !svc.detail.domains.some((d) => d.domainId === rec.id)) continue;
      const childKey = recordKeyOf(r, key, name);
      const child = childKey ? removalStep(childKey, rec.id, undefined, ctx, { parentKey: key, parentDokployId: svc.id }) : undefined;
      if (child) {
        if (rec.policy === "orphan" && child.action === "delete") child.action = "orphan";
        step.dependsOn.push(child.key);
      }
    }
  }
  const foreign = marker ? kind.cascades(svc.detail, marker) : [];
  if (foreign.length > 0) refuse(step, `${label}: not deleted: it holds ${foreign.join(", ")}, which Dokploy would delete with it`);
  return { step, gone: step.action === "delete" };
}

function removeEnvironmentContents(env: ObservedEnvironment, ctx: PruneContext, parentKey: string, parent: PlanStep | undefined): boolean {
  let allGone = true;
  const all = servicesIn(env);
  const duplicates = duplicateClaims(all.map((s) => s.live), serviceRef, ctx);
  for (const { kind, live } of all) {
    const key = kind ? claimedKey(serviceRef(live), ctx.instance) : undefined;
    if (!kind || !key || ctx.desiredKeys.has(key) || duplicates.has(key)) {
      allGone = false;
      continue;
    }
    const r = removeService(kind, live, key, ctx, parentKey);
    if (r.step && parent) parent.dependsOn.push(r.step.key);
    if (!r.gone) allGone = false;
  }
  return allGone;
}

function describeForeign(env: ObservedEnvironment, ctx: PruneContext): string[] {
  const out: string[] = [];
  for (const { kind, live } of servicesIn(env)) {
    const key = kind ? claimedKey(serviceRef(live), ctx.instance) : undefined;
    if (!key || ctx.desiredKeys.has(key)) out.push(`${kind?.noun ?? live.kind} ${live.name}`);
  }
  return out;
}

function removeEnvironment(env: ObservedEnvironment, key: string, ctx: PruneContext, parentKey: string): Removal {
  const marker = parseDescription(env.description).marker;
  const step = removalStep(key, env.environmentId, marker, ctx, { parentKey });
  if (!step) return { gone: false };
  const contentsGone = removeEnvironmentContents(env, ctx, key, step.action === "orphan" ? undefined : step);
  if (step.action === "delete" && !contentsGone) {
    const what = describeForeign(env, ctx);
    refuse(step, `${resourceLabel(step.identity)}: not deleted: it still holds ${what.length > 0 ? what.join(", ") : "objects that are not being deleted"}`);
  }
  return { step, gone: step.action === "delete" };
}

function removeProject(p: ObservedProject, key: string, ctx: PruneContext): void {
  const marker = parseDescription(p.description).marker;
  const step = removalStep(key, p.projectId, marker, ctx);
  if (!step) return;
  const label = resourceLabel(step.identity);
  if (!p.detailed) {
    refuse(step, `${label}: not deleted: its contents could not be read`);
    return;
  }
  const blockers: string[] = [];
  const duplicates = duplicateClaims(p.environments.filter((e) => !e.isDefault), envRef, ctx);
  for (const env of p.environments) {
    if (env.isDefault) {
      const envKey = `Environment/${step.identity.project}/production`;
      if (!removeEnvironmentContents(env, ctx, envKey, step.action === "orphan" ? undefined : step)) {
        blockers.push(...describeForeign(env, ctx).map((w) => `${w} (in production)`));
      }
      continue;
    }
    const envKey = claimedKey(envRef(env), ctx.instance);
    if (!envKey || ctx.desiredKeys.has(envKey) || duplicates.has(envKey)) {
      blockers.push(`environment ${env.name}`);
      continue;
    }
    const r = removeEnvironment(env, envKey, ctx, key);
    if (r.step && step.action !== "orphan") step.dependsOn.push(r.step.key);
    if (!r.gone) blockers.push(`environment ${env.name}`);
  }
  if (step.action === "delete" && blockers.length > 0) {
    refuse(step, `${label}: not deleted: it still holds ${blockers.join(", ")}, which Dokploy would delete with it`);
  }
}

function pruneInsideProject(p: ObservedProject, handled: Set<string>, writingServices: Set<string>, ctx: PruneContext): void {
  const duplicateEnvs = duplicateClaims(p.environments.filter((e) => !e.isDefault), envRef, ctx);
  for (const env of p.environments) {
    const envKey = claimedKey(envRef(env), ctx.instance);
    if (envKey && duplicateEnvs.has(envKey)) continue;
    if (!env.isDefault && envKey && !ctx.desiredKeys.has(envKey)) {
      const projectKey = `Project/${parseResourceKey(envKey)?.project ?? p.name}`;
      removeEnvironment(env, envKey, ctx, projectKey);
      continue;
    }
    if (!env.isDefault && !(envKey && handled.has(env.environmentId))) continue;
    const all = servicesIn(env).filter((s) => s.kind !== undefined);
    const duplicateServices = duplicateClaims(all.map((s) => s.live), serviceRef, ctx);
    for (const { kind, live } of all) {
      const key = claimedKey(serviceRef(live), ctx.instance);
      if (!key || duplicateServices.has(key)) continue;
      const id = parseResourceKey(key);
      const parentKey = id ? `Environment/${id.project}/${id.environment}` : "";
      if (!ctx.desiredKeys.has(key)) removeService(kind!, live, key, ctx, parentKey);
      else if (handled.has(live.id)) pruneRecords(kind!, live, key, writingServices.has(key), ctx);
    }
  }
}

/**
 * Removal steps for owned records (domains) of a desired service. When the
 * service's own step writes (`serviceWrites`), they run after it: it rewrites
 * the marker from the plan's snapshot, which still records these domains, and
 * would otherwise put back the record a concurrent delete just dropped.
 */
function pruneRecords(kind: ServiceKind, svc: ObservedService, serviceKey: string, serviceWrites: boolean, ctx: PruneContext): void {
  const marker = parseDescription(svc.description).marker;
  if (!marker || !svc.detail) return;
  for (const r of recordKindsOf(kind.kind)) {
    for (const [name, rec] of Object.entries(marker[r.recordField] ?? {})) {
      const key = recordKeyOf(r, serviceKey, name);
      if (!key || ctx.desiredKeys.has(key) || !rec.id || !svc.detail.domains.some((d) => d.domainId === rec.id)) continue;
      const step = removalStep(key, rec.id, undefined, ctx, { parentKey: serviceKey, parentDokployId: svc.id, ...(serviceWrites ? { dependsOn: [serviceKey] } : {}) });
      if (step && rec.policy === "orphan" && step.action === "delete") {
        step.action = "orphan";
        step.reasons = [`${resourceLabel(step.identity)}: its manifest was removed; released, not deleted (deletion-policy orphan)`];
      }
    }
  }
}

/**
 * Applies the empty-revision and max-deletions guards; returns what they
 * refused. An entry removed from a service's child list (a port, a mount...)
 * is a change of a service the revision still declares, not a prune: the
 * guards leave it alone.
 */
export function applyGuards(steps: PlanStep[], desired: DesiredState, settings: PlanSettings): GuardRefusal[] {
  const removals = steps.filter((s) => (s.action === "delete" || s.action === "orphan") && kindModule(s.kind).family !== "child");
  if (removals.length === 0) return [];
  if (desired.manifests.length === 0 && !settings.allowEmpty) {
    const message = `the revision has no manifests: refusing to prune ${removals.length} object(s); a broken checkout must not wipe a server (pass --allow-empty if this is intended)`;
    for (const s of removals) {
      s.action = "would-prune";
      s.reasons.push(`refused: ${message}`);
    }
    return [{ guard: "empty-revision", message }];
  }
  const deletes = removals.filter((s) => s.action === "delete");
  if (deletes.length > settings.maxDeletions) {
    const message = `the plan deletes ${deletes.length} objects, more than --max-deletions ${settings.maxDeletions}: no deletion is applied (raise --max-deletions if this is intended)`;
    for (const s of deletes) {
      s.action = "would-prune";
      s.reasons.push(`refused: ${message}`);
    }
    return [{ guard: "max-deletions", message }];
  }
  return [];
}
