/**
 * Matching live objects to a desired identity, and the ownership guard that
 * decides whether the tool may touch them. Pure: the planner calls it for
 * projects, environments and applications alike.
 */
import { ownershipOf, type Ownership } from "../model/marker.ts";

/** The fields matching needs from any live object. */
export interface LiveRef {
  id: string;
  name: string;
  description: string | null;
}

export type Match<T> =
  /** Ours (or pending: ours but its marker lacks the id). */
  | { kind: "owned"; live: T; ownership: Extract<Ownership, { kind: "ours" | "pending" }> }
  /** Not ours, and the manifest asks to adopt it. */
  | { kind: "adopt"; live: T }
  /** Several claimants, or an object that is not ours: touch nothing. */
  | { kind: "conflict"; reasons: string[]; liveIds: string[] }
  /** Nothing with this identity exists. */
  | { kind: "absent" };

/** True when the live object carries this instance's marker (with or without id). */
export function isClaimed(ref: LiveRef, instance: string): boolean {
  const o = ownershipOf(ref.description, instance, ref.id);
  return o.kind === "ours" || o.kind === "pending";
}

/** The key a live object claims for this instance, if any. */
export function claimedKey(ref: LiveRef, instance: string): string | undefined {
  const o = ownershipOf(ref.description, instance, ref.id);
  return o.kind === "ours" || o.kind === "pending" ? o.marker.key : undefined;
}

/**
 * `ownershipOf` with a memo for one plan. `matchLive` judges every live
 * sibling for each desired identity, so without it a plan parsed the marker
 * JSON of each application once per application of its environment:
 * quadratic (a quiet pass over 25 applications per environment spent 30 MB of
 * allocations on it; 1,000 in one environment would be a million parses).
 * Results are shared: callers must not mutate them (none do).
 */
export function memoizedOwnership(): typeof ownershipOf {
  // By object id (unique), checked against the description and instance it was computed for.
  const memo = new Map<string, { description: string; instance: string; o: Ownership }>();
  return (description, instance, objectId) => {
    if (!description) return ownershipOf(description, instance, objectId);
    const hit = memo.get(objectId);
    if (hit && hit.description === description && hit.instance === instance) return hit.o;
    const o = ownershipOf(description, instance, objectId);
    memo.set(objectId, { description, instance, o });
    return o;
  };
}

function notOursReason(label: string, o: Ownership, id: string): string {
  switch (o.kind) {
    case "foreign":
      return `${label}: exists in Dokploy (id ${id}) and is managed by another dokploy-gitops instance ("${o.marker.instance}")`;
    case "copied":
      return `${label}: exists in Dokploy (id ${id}) with a copied ownership marker (it names ${o.marker.id}, a different object: a duplicate made in Dokploy), so it is not ours`;
    default:
      return `${label}: exists in Dokploy (id ${id}) but was not created by dokploy-gitops${
        o.kind === "none" && o.malformed ? " (its ownership marker is unreadable)" : ""
      }`;
  }
}

/**
 * What to do about a name clash, only suggesting adoption where it would be
 * accepted: another instance's object, or several objects of one name,
 * cannot be adopted, so the hint says what can be done instead.
 */
function conflictHint(label: string, ownerships: readonly Ownership[]): string {
  if (ownerships.length > 1) return `${label}: ${ownerships.length} objects in Dokploy have this name, so none can be adopted: rename the manifest, or remove the extra objects in Dokploy`;
  const o = ownerships[0];
  if (o?.kind === "foreign") {
    return `${label}: one instance cannot adopt another's objects: rename the manifest, or let instance "${o.marker.instance}" release it (annotation dokploy-gitops/deletion-policy: orphan, then remove its manifest there) and adopt it here`;
  }
  return `${label}: add the annotation dokploy-gitops/adopt: "true" to its manifest to take it over`;
}

/**
 * Finds the live object for one desired identity among `lives` (the objects
 * under the same parent). First by ownership marker key (an object we own
 * stays ours when renamed in the UI), then by name.
 */
export function matchLive<T>(
  lives: readonly T[],
  ref: (t: T) => LiveRef,
  want: { key: string; name: string; label: string; adopt: boolean; instance: string; ownership?: typeof ownershipOf },
): Match<T> {
  const judge = want.ownership ?? ownershipOf;
  const claimants: Array<{ live: T; ownership: Extract<Ownership, { kind: "ours" | "pending" }> }> = [];
  for (const live of lives) {
    const r = ref(live);
    const o = judge(r.description, want.instance, r.id);
    if ((o.kind === "ours" || o.kind === "pending") && o.marker.key === want.key) claimants.push({ live, ownership: o });
  }
  if (claimants.length > 1) {
    const ids = claimants.map((c) => ref(c.live).id);
    return {
      kind: "conflict",
      liveIds: ids,
      reasons: [`${want.label}: ${ids.length} objects in Dokploy claim this identity (ids ${ids.join(", ")}); resolve it by hand: none of them is touched`],
    };
  }
  if (claimants.length === 1) return { kind: "owned", live: claimants[0]!.live, ownership: claimants[0]!.ownership };

  const byName = lives.filter((l) => ref(l).name === want.name && !isClaimed(ref(l), want.instance));
  if (byName.length === 0) return { kind: "absent" };
  const reasons = byName.map((l) => {
    const r = ref(l);
    return notOursReason(want.label, ownershipOf(r.description, want.instance, r.id), r.id);
  });
  const ids = byName.map((l) => ref(l).id);
  if (!want.adopt) {
    return { kind: "conflict", liveIds: ids, reasons: [...reasons, conflictHint(want.label, byName.map((l) => ownershipOf(ref(l).description, want.instance, ref(l).id)))] };
  }
  if (byName.length > 1) {
    return {
      kind: "conflict",
      liveIds: ids,
      reasons: [`${want.label}: cannot adopt: ${byName.length} objects in Dokploy have this name (ids ${ids.join(", ")})`],
    };
  }
  const r = ref(byName[0]!);
  const o = ownershipOf(r.description, want.instance, r.id);
  if (o.kind === "foreign") {
    return { kind: "conflict", liveIds: ids, reasons: [`${notOursReason(want.label, o, r.id)}; one instance cannot adopt another's objects`] };
  }
  return { kind: "adopt", live: byName[0]! };
}
