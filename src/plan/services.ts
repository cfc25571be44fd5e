/**
 * Planning the services of one environment (Application, Compose, and every
 * service kind in the registry) and the records under each (domains). The
 * protocol is the same for every kind: match by marker then by name, create
 * or conflict or own or adopt, diff the kind's views, then let the kind decide
 * its deploy and lifecycle.
 */
import type { AnyManifest } from "../model/manifest.ts";
import type { ObservedEnvironment, ObservedService } from "../model/observed.ts";
import { parseDescription, type ChildField, type ChildRecord, type DomainRecord, type Marker } from "../model/marker.ts";
import { CHILD_KINDS, SERVICE_KINDS, recordKindsOf } from "../kinds/registry.ts";
import type { DeployDecision, ServiceDetail, ServiceKind } from "../kinds/types.ts";
import type { PlanBuilder, ParentState } from "./builder.ts";
import { matchLive, type LiveRef } from "./match.ts";
import { planRecords } from "./records.ts";
import { planChildren, type ChildrenPlan } from "./children.ts";
import { labelOf, markerDiffers, newStep } from "./steps.ts";
import { ANNOTATION_REDEPLOY } from "../model/spec.ts";

const serviceRef = (s: ObservedService): LiveRef => ({ id: s.id, name: s.name, description: s.description });

/**
 * A marker as far as a write would change something: without the records of
 * domains, child entries and backups that no longer exist in Dokploy
 * (deleted in the UI since), and with child entries recorded by id whatever
 * key records them (an entry whose key was changed in the UI is the same
 * entry). A marker that differs from the live one only there is no reason
 * to write: the next write carries it.
 */
function comparableMarker(live: Marker, detail: ServiceDetail): Marker {
  const out: Marker = { ...live };
  const keep = <R extends { id?: string }>(records: Record<string, R> | undefined, ids: ReadonlySet<string>): Record<string, R> | undefined => {
    if (!records) return undefined;
    const kept = Object.fromEntries(Object.entries(records).filter(([, r]) => r.id === undefined || ids.has(r.id)));
    return Object.keys(kept).length > 0 ? kept : undefined;
  };
  const set = <F extends "domains" | "backups" | ChildField>(field: F, value: Marker[F] | undefined): void => {
    if (value) out[field] = value;
    else delete out[field];
  };
  if (live.domains) set("domains", keep(live.domains, new Set(detail.domains.map((d) => d.domainId))));
  // A database's backups come with its `one` answer.
  const backups = (detail.raw as { backups?: unknown } | null)?.backups;
  if (live.backups && Array.isArray(backups)) set("backups", keep(live.backups, new Set((backups as Array<{ backupId: string }>).map((b) => b.backupId))));
  for (const c of CHILD_KINDS) {
    const rows = c.rows(detail);
    if (!rows || !live[c.field]) continue;
    const kept = Object.entries(keep(live[c.field], new Set(rows.map((r) => c.rowId(r)))) ?? {}).map(([key, r]): [string, ChildRecord] => [r.id !== undefined ? `#${r.id}` : key, r]);
    set(c.field, kept.length > 0 ? Object.fromEntries(kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : undefined);
  }
  return out;
}

/** The live services of `kind` in an environment (applications are kept in their own typed list). */
export function liveServicesOf(kind: ServiceKind, env: ObservedEnvironment): ObservedService[] {
  return kind.liveIn ? kind.liveIn(env) : env.services.filter((s) => s.kind === kind.kind);
}

/** Plans the desired services of one environment, kind by kind in registry order. */
export function planServices(b: PlanBuilder, project: string, environment: string, parent: ParentState, env: ObservedEnvironment | undefined): void {
  const desired = b.servicesByEnvironment.get(`Environment/${project}/${environment}`) ?? [];
  if (desired.length === 0) return;
  for (const kind of SERVICE_KINDS) {
    const ofKind = desired.filter((m) => m.kind === kind.kind);
    if (ofKind.length === 0) continue;
    const lives = env ? liveServicesOf(kind, env) : [];
    for (const S of ofKind) planService(b, kind, S, parent, lives);
  }
}

function planService(b: PlanBuilder, kind: ServiceKind, S: AnyManifest, parent: ParentState, lives: ObservedService[]): void {
  const label = labelOf(S);
  const desiredView = kind.desiredView(S as never);
  const wantRunning = ((S.spec as { state?: string }).state ?? "running") === "running";
  const baseMarker = (id?: string, domains?: Record<string, DomainRecord>, children?: ChildrenPlan, live?: Marker): Marker => {
    const token = S.metadata.annotations?.[ANNOTATION_REDEPLOY];
    const marker: Marker = {
      ...b.marker(S, S.key, id), ...(token !== undefined ? { redeploy: token } : {}), ...(domains && Object.keys(domains).length > 0 ? { domains } : {}),
      ...children?.records,
    };
    return kind.kindMarker ? kind.kindMarker(S as never, marker, live) : marker;
  };
  const dependsOn = b.dependsOnParent(parent);
  const records = recordKindsOf(S.kind);
  if (parent.state === "blocked") return;
  const refused = kind.refusals?.(S as never, b.lookups) ?? [];
  if (refused.length > 0) {
    b.push(newStep(S.identity, S.key, "conflict", { manifest: S, reasons: refused }));
    for (const d of b.childrenOf(S.key)) b.blocked(d, { key: S.key, reason: `${labelOf(d)}: not planned: its ${kind.noun} ${label} was refused` });
    return;
  }
  const create = (extra: { parentDokployId?: string }): void => {
    const step = b.push(newStep(S.identity, S.key, "create", { manifest: S, marker: baseMarker(), markerWrite: true, deploy: wantRunning, dependsOn, parentKey: parent.key, ...extra }));
    b.addDiff(step, desiredView, undefined);
    for (const r of records) planRecords(b, r, S, { state: "new", key: S.key, stepKey: S.key }, undefined, undefined);
    planChildren(b, S, { state: "new", key: S.key, stepKey: S.key }, undefined, undefined);
  };
  if (parent.state === "new") {
    create({});
    return;
  }
  const match = matchLive(lives, serviceRef, { key: S.key, name: S.metadata.name, label, adopt: S.adopt, instance: b.instance, ownership: b.ownership });
  if (match.kind === "absent") {
    create({ parentDokployId: parent.id });
    return;
  }
  if (match.kind === "conflict") {
    b.push(newStep(S.identity, S.key, "conflict", { manifest: S, reasons: match.reasons }));
    for (const d of b.childrenOf(S.key)) b.blocked(d, { key: S.key, reason: `${labelOf(d)}: not planned: its ${kind.noun} ${label} is in conflict` });
    return;
  }
  const live = match.live;
  const detail = live.detail;
  if (!detail) throw new Error(`${label}: internal error: ${kind.noun} ${live.id} was not read in detail`);
  const liveMarker = parseDescription(detail.description).marker;
  const owned = match.kind === "owned";
  const recordStepsFrom = b.steps.length;
  let recorded: Record<string, DomainRecord> = {};
  for (const r of records) {
    recorded = { ...recorded, ...planRecords(b, r, S, { state: "existing", key: S.key, id: live.id, stepKey: S.key }, detail.domains, owned ? liveMarker?.[r.recordField] ?? {} : {}) };
  }
  const recordStepsTo = b.steps.length;
  const children = planChildren(b, S, { state: "existing", key: S.key, id: live.id, stepKey: S.key }, detail, owned ? liveMarker : undefined);
  const queuedAt = owned ? liveMarker?.queuedAt : undefined;
  const marker: Marker = { ...baseMarker(live.id, recorded, children, owned ? liveMarker : undefined), ...(queuedAt ? { queuedAt } : {}) };
  const step = b.ownedOrAdopted(S, !owned, live.id, detail.description, marker);
  // Dropping the records of entries deleted in Dokploy, or re-keying one changed there, changes nothing live: it waits for a write that does.
  if (owned && liveMarker && step.markerWrite && !markerDiffers(comparableMarker(liveMarker, detail), comparableMarker(marker, detail))) step.markerWrite = false;
  b.addDiff(step, desiredView, kind.liveView(detail));
  if (kind.reviewChanges) {
    const review = kind.reviewChanges(step.changes, label);
    if (review.conflicts.length > 0) {
      b.push(newStep(S.identity, S.key, "conflict", { manifest: S, dokployId: live.id, reasons: review.conflicts }));
      for (const d of b.childrenOf(S.key)) b.blocked(d, { key: S.key, reason: `${labelOf(d)}: not planned: its ${kind.noun} ${label} is in conflict` });
      return;
    }
    step.changes = review.changes;
    b.warnings.push(...review.manual);
    step.reasons.push(...review.manual);
  }
  step.parentKey = parent.key;
  step.parentDokployId = parent.id;
  const childDeploy = children.deployLists.length > 0;
  const deployRelevant = childDeploy || step.changes.some((c) => kind.fields.deploy.some((p) => c.path === p || c.path.startsWith(`${p}/`)));
  const decision = requestedRedeploy(b, S, liveMarker, owned, label, wantRunning) ??
    kind.decideDeploy({ manifest: S as never, detail, liveMarker, owned, deployRelevant, now: b.now, label, queued: b.queued(live.id) });
  if (decision.deploy) step.deploy = true;
  if (decision.deploy && childDeploy) step.reasons.push(`${label}: deploys once its ${children.deployLists.join(" and ")} are written (they take effect on the next deploy)`);
  if (decision.lifecycle) step.lifecycle = decision.lifecycle;
  step.reasons.push(...decision.reasons);
  b.finish(step);
  b.push(step);
  // A record step that writes itself into this service's marker must run after the service's
  // own step, which rewrites the marker from this plan's snapshot and would otherwise
  // overwrite a record written concurrently (the new domain's id was lost).
  if (step.action !== "noop") {
    for (const d of b.steps.slice(recordStepsFrom, recordStepsTo)) {
      const recordsItself = d.action === "create" || d.action === "adopt" || (d.action === "update" && d.markerWrite);
      if (recordsItself && !d.dependsOn.includes(S.key)) d.dependsOn.push(S.key);
    }
    for (const d of children.recording) if (!d.dependsOn.includes(S.key)) d.dependsOn.push(S.key);
  }
}

/**
 * A deploy asked for by a person: `POST /reconcile?redeploy=KEY`, or a new
 * `dokploy-gitops/redeploy` token in the manifest (the token last deployed is
 * in the marker). This is how a failed build is tried again without a change:
 * the same desired state never redeploys by itself.
 */
function requestedRedeploy(
  b: PlanBuilder, S: AnyManifest, liveMarker: Marker | undefined, owned: boolean, label: string, wantRunning: boolean,
): DeployDecision | undefined {
  if (!wantRunning) return undefined;
  if (b.settings.redeploy?.has(S.key)) return { deploy: true, reasons: [`${label}: a redeploy was requested`] };
  const token = S.metadata.annotations?.[ANNOTATION_REDEPLOY];
  if (token !== undefined && owned && liveMarker?.redeploy !== token) {
    return { deploy: true, reasons: [`${label}: new ${ANNOTATION_REDEPLOY} token "${token}"`] };
  }
  return undefined;
}
