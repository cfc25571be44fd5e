/**
 * Planning a service's child lists (ports, mounts, redirects, basic-auth
 * users, schedules): one step per entry, with its own diff. A list is the
 * desired state of the entries this tool owns:
 * - a live entry is ours when the service's marker records its id, or when
 *   an id-less intent names its natural key and exactly one unclaimed live
 *   entry has it (a crash between create and record); one whose key was
 *   changed in the UI is the desired entry of its new key, unless the list
 *   still names the recorded one (then the plan changes it back);
 * - a desired entry that is ours is compared; one that is not live is
 *   created; one whose natural key a live entry not ours already has is a
 *   conflict, unless the service says `dokploy-gitops/adopt-children`;
 * - an owned entry the list no longer names is deleted (a change of the
 *   service, not a prune); adopting an entry as it is does not deploy;
 * - any other live entry is not ours: listed as unmanaged, left alone.
 * A service whose list is omitted leaves every entry of it alone (its
 * records are carried over unchanged).
 */
import type { AnyManifest } from "../model/manifest.ts";
import type { ChildField, ChildRecord, Marker } from "../model/marker.ts";
import { childKindsOf } from "../kinds/registry.ts";
import { childIdentity, childManifest, desiredEntries, recordsOf } from "../kinds/child-list.ts";
import type { ChildEntry, ChildListKind, ServiceDetail } from "../kinds/types.ts";
import { resourceKey, resourceLabel } from "../model/resource.ts";
import type { PlanBuilder, ParentState } from "./builder.ts";
import { newStep } from "./steps.ts";
import type { PlanStep } from "./types.ts";

/** What planning a service's children tells the service's own step. */
export interface ChildrenPlan {
  /** The records the service's marker should carry, by list. */
  records: Partial<Record<ChildField, Record<string, ChildRecord>>>;
  /** Nouns of the lists with a change that takes effect on the next deploy ("ports", "mounts"). */
  deployLists: string[];
  /**
   * The steps that write into the service's marker: they must run after the
   * service's own step when it writes (it rewrites the marker from this
   * plan's snapshot); the service planner adds that dependency.
   */
  recording: PlanStep[];
}

/** Plans every child list of `service`; `detail`/`liveMarker` are absent for a new service. */
export function planChildren(b: PlanBuilder, service: AnyManifest, parent: ParentState, detail: ServiceDetail | undefined, liveMarker: Marker | undefined): ChildrenPlan {
  const out: ChildrenPlan = { records: {}, deployLists: [], recording: [] };
  for (const kind of childKindsOf(service.kind)) {
    const list = desiredEntries(kind, service.spec);
    const recorded = recordsOf(liveMarker, kind.field);
    if (list === undefined) {
      if (Object.keys(recorded).length > 0) out.records[kind.field] = recorded;
      continue;
    }
    const steps = planList(b, kind, service, parent, list, detail, recorded, out);
    // Taking over an entry as it is changes nothing live: only a write makes the service deploy.
    if (kind.deploy && steps.some((s) => s.action !== "noop" && s.action !== "conflict" && !(s.action === "adopt" && s.changes.length === 0))) out.deployLists.push(kind.field);
  }
  return out;
}

function planList(
  b: PlanBuilder, kind: ChildListKind, service: AnyManifest, parent: ParentState, entries: ChildEntry[], detail: ServiceDetail | undefined,
  recorded: Record<string, ChildRecord>, out: ChildrenPlan,
): PlanStep[] {
  const steps: PlanStep[] = [];
  const push = (s: PlanStep): PlanStep => {
    steps.push(s);
    return b.push(s);
  };
  const desired = entries.map((e) => childManifest(kind, service, e));
  const base = { parentKey: service.key, ...(parent.state === "existing" ? { parentDokployId: parent.id } : {}) };
  const effect = kind.deploy ? [`takes effect on the next deploy of ${resourceLabel(service.identity)}`] : [];
  const note = (s: PlanStep): PlanStep => {
    if (s.action !== "noop" && s.action !== "conflict") s.reasons.push(...effect.map((e) => `${resourceLabel(s.identity)}: ${e}`));
    return s;
  };
  if (parent.state === "blocked") return steps;
  const refused = (D: (typeof desired)[number]): boolean => {
    const reasons = kind.refusals?.(D as never, b.lookups) ?? [];
    if (reasons.length > 0) push(newStep(D.identity, D.key, "conflict", { manifest: D, ...base, reasons }));
    return reasons.length > 0;
  };
  if (parent.state === "new" || !detail) {
    for (const D of desired) {
      if (refused(D)) continue;
      const step = note(push(newStep(D.identity, D.key, "create", { manifest: D, dependsOn: [parent.stepKey ?? service.key], ...base })));
      b.addDiff(step, kind.desiredView(D as never), undefined);
    }
    return steps;
  }
  const all = kind.rows(detail) ?? [];
  const builtIn = all.filter((r) => kind.builtIn?.(r, detail));
  const rows = all.filter((r) => !builtIn.includes(r));
  const byId = new Map(rows.map((r) => [kind.rowId(r), r]));
  const owned = new Map<string, unknown>();
  const claimed = new Set<string>();
  const ambiguous = new Set<string>();
  for (const [key, r] of Object.entries(recorded)) {
    if (r.id && byId.has(r.id)) {
      owned.set(key, byId.get(r.id));
      claimed.add(r.id);
    }
  }
  for (const [key, r] of Object.entries(recorded)) {
    if (r.id) continue;
    const hits = rows.filter((row) => !claimed.has(kind.rowId(row)) && kind.rowKey(row) === key);
    if (hits.length === 1) {
      owned.set(key, hits[0]);
      claimed.add(kind.rowId(hits[0]));
    } else if (hits.length > 1) ambiguous.add(key);
  }
  const records: Record<string, ChildRecord> = {};
  const serviceLabel = resourceLabel(service.identity);
  const desiredKeys = new Set(desired.map((D) => kind.entryKey(D.spec as never)));
  // An owned entry whose key was changed in the UI (a port's number, a schedule's name) is the entry the
  // list now names by its new key, unless the list still names its recorded key.
  for (const [key, row] of [...owned]) {
    const now = kind.rowKey(row);
    if (now === key || desiredKeys.has(key) || !desiredKeys.has(now) || owned.has(now)) continue;
    owned.delete(key);
    owned.set(now, row);
  }
  for (const D of desired) {
    const key = kind.entryKey(D.spec as never);
    const label = resourceLabel(D.identity);
    const dView = kind.desiredView(D as never);
    if (refused(D)) {
      // Refused before any write; an entry already ours stays recorded.
      const mine = owned.get(key);
      if (mine !== undefined) records[key] = { ...recorded[key], id: kind.rowId(mine) };
      continue;
    }
    if (ambiguous.has(key)) {
      push(newStep(D.identity, D.key, "conflict", { manifest: D, ...base, reasons: [`${label}: several ${kind.noun}s in Dokploy match its recorded key; resolve it by hand`] }));
      continue;
    }
    const own = builtIn.find((r) => kind.rowKey(r) === key);
    if (own !== undefined) {
      push(newStep(D.identity, D.key, "conflict", {
        manifest: D, ...base,
        reasons: [`${label}: ${serviceLabel} has its own ${kind.noun} with this key (id ${kind.rowId(own)}), made by Dokploy with the service; it cannot be declared, adopted or replaced: choose another key`],
      }));
      continue;
    }
    const mine = owned.get(key);
    if (mine !== undefined) {
      const id = kind.rowId(mine);
      const step = newStep(D.identity, D.key, "noop", { manifest: D, dokployId: id, ...base });
      b.addDiff(step, dView, kind.liveView(D.metadata.name, mine, D as never, b.lookups));
      records[key] = { ...recorded[key], id };
      b.finish(step);
      note(push(step));
      continue;
    }
    const lookalikes = rows.filter((r) => !claimed.has(kind.rowId(r)) && kind.rowKey(r) === key);
    if (lookalikes.length > 0) {
      const ids = lookalikes.map((r) => kind.rowId(r));
      if (D.adopt && lookalikes.length === 1) {
        ids.forEach((id) => claimed.add(id));
        const step = note(push(newStep(D.identity, D.key, "adopt", { manifest: D, dokployId: ids[0]!, markerWrite: true, ...base })));
        b.addDiff(step, dView, kind.liveView(D.metadata.name, lookalikes[0], D as never, b.lookups));
        out.recording.push(step);
        continue;
      }
      ids.forEach((id) => claimed.add(id));
      push(newStep(D.identity, D.key, "conflict", {
        manifest: D, dokployId: ids[0]!, ...base,
        reasons: D.adopt
          ? [`${label}: cannot adopt: ${ids.length} ${kind.noun}s of ${serviceLabel} have this key`]
          : [`${label}: a ${kind.noun} with this key exists in ${serviceLabel} (id ${ids.join(", ")}) but was not created by dokploy-gitops`, `${label}: add the annotation dokploy-gitops/adopt-children: "true" to the service's manifest to take it over`],
      }));
      continue;
    }
    const step = note(push(newStep(D.identity, D.key, "create", { manifest: D, ...base })));
    b.addDiff(step, dView, undefined);
    out.recording.push(step);
  }
  for (const [key, row] of owned) {
    if (desiredKeys.has(key)) continue;
    const identity = childIdentity(kind, service.identity, key);
    records[key] = { ...recorded[key], id: kind.rowId(row) };
    const step = note(push(newStep(identity, resourceKey(identity), "delete", {
      dokployId: kind.rowId(row), ...base,
      reasons: [`${resourceLabel(identity)}: no longer in the ${kind.field} of ${serviceLabel}`],
    })));
    out.recording.push(step);
  }
  const unmanaged = new Map<string, string[]>();
  for (const row of rows) {
    if (!claimed.has(kind.rowId(row))) unmanaged.set(kind.rowKey(row), [...(unmanaged.get(kind.rowKey(row)) ?? []), kind.rowId(row)]);
  }
  for (const [key, ids] of unmanaged) {
    const identity = childIdentity(kind, service.identity, key);
    push(newStep(identity, resourceKey(identity), "noop", {
      dokployId: ids[0]!, unmanaged: true, ...base,
      reasons: [`${resourceLabel(identity)}: not managed by dokploy-gitops (${ids.length > 1 ? `${ids.length} entries, ids ${ids.join(", ")}, are` : "it is"} not recorded by ${serviceLabel}); left alone`],
    }));
  }
  if (Object.keys(records).length > 0) out.records[kind.field] = records;
  return steps;
}
