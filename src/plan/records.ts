/**
 * Planning records: objects without a description (domains), owned through
 * their service's marker. A live record is ours when the marker records its
 * id, or when it matches an id-less intent by natural key (a crash between
 * create and record). Any other live record under the service is not ours:
 * left alone, and a conflict when it collides with a desired one (unless the
 * manifest adopts it).
 */
import type { DomainRow } from "../dokploy/types.ts";
import type { AnyManifest } from "../model/manifest.ts";
import type { DomainRecord } from "../model/marker.ts";
import type { RecordKind } from "../kinds/types.ts";
import type { PlanBuilder, ParentState } from "./builder.ts";
import { labelOf, newStep } from "./steps.ts";

const sameKey = (a: { host: string; path: string }, b: { host: string; path: string }, caseless = false): boolean =>
  (caseless ? a.host.toLowerCase() === b.host.toLowerCase() : a.host === b.host) && a.path === b.path;

/** Plans the desired records of `kind` under one service; returns the records its marker should carry. */
export function planRecords(
  b: PlanBuilder, kind: RecordKind, service: AnyManifest, parent: ParentState, liveRows: DomainRow[] | undefined, recorded: Record<string, DomainRecord> | undefined,
): Record<string, DomainRecord> {
  const desired = b.childrenOf(service.key).filter((m): m is Extract<AnyManifest, { kind: "Domain" }> => m.kind === kind.kind);
  const records: Record<string, DomainRecord> = {};
  if (parent.state === "new") {
    for (const D of desired) {
      const step = b.push(newStep(D.identity, D.key, "create", { manifest: D, dependsOn: [parent.stepKey], parentKey: service.key }));
      b.addDiff(step, kind.desiredView(D), undefined);
    }
    return records;
  }
  if (parent.state === "blocked") return records;
  const rows = liveRows ?? [];
  const byId = new Map(rows.map((d) => [d.domainId, d]));
  const owned = new Map<string, DomainRow>();
  const claimed = new Set<string>();
  const ambiguous = new Set<string>();
  const rec = recorded ?? {};
  for (const [name, r] of Object.entries(rec)) {
    if (r.id && byId.has(r.id)) {
      owned.set(name, byId.get(r.id)!);
      claimed.add(r.id);
    }
  }
  for (const [name, r] of Object.entries(rec)) {
    if (r.id) continue;
    const hits = rows.filter((d) => !claimed.has(d.domainId) && sameKey(kind.liveKey(d), r));
    if (hits.length === 1) {
      owned.set(name, hits[0]!);
      claimed.add(hits[0]!.domainId);
    } else if (hits.length > 1) ambiguous.add(name);
  }
  const desiredNames = new Set(desired.map((d) => d.metadata.name));
  for (const D of desired) {
    const label = labelOf(D);
    const dView = kind.desiredView(D);
    const natural = kind.naturalKey(D);
    const policy = D.deletionPolicy === "orphan" ? { policy: "orphan" as const } : {};
    if (ambiguous.has(D.metadata.name)) {
      b.push(newStep(D.identity, D.key, "conflict", { manifest: D, reasons: [`${label}: several domains in Dokploy match its recorded host and path; resolve it by hand`] }));
      continue;
    }
    const mine = owned.get(D.metadata.name);
    if (mine) {
      const step = newStep(D.identity, D.key, "noop", { manifest: D, dokployId: mine.domainId, parentKey: service.key, parentDokployId: parent.id });
      b.addDiff(step, dView, kind.liveView(D.metadata.name, mine));
      const record: DomainRecord = { host: natural.host, path: natural.path, id: mine.domainId, ...policy };
      records[D.metadata.name] = record;
      const before = rec[D.metadata.name];
      step.markerWrite = !before || JSON.stringify(before) !== JSON.stringify(record);
      b.finish(step);
      b.push(step);
      continue;
    }
    const lookalikes = rows.filter((d) => !claimed.has(d.domainId) && sameKey(kind.liveKey(d), natural, true));
    if (lookalikes.length > 0) {
      const ids = lookalikes.map((d) => d.domainId);
      if (D.adopt && lookalikes.length === 1) {
        const step = b.push(newStep(D.identity, D.key, "adopt", { manifest: D, dokployId: ids[0]!, markerWrite: true, parentKey: service.key, parentDokployId: parent.id }));
        b.addDiff(step, dView, kind.liveView(D.metadata.name, lookalikes[0]!));
        continue;
      }
      b.push(newStep(D.identity, D.key, "conflict", {
        manifest: D, dokployId: ids[0]!,
        reasons: D.adopt
          ? [`${label}: cannot adopt: ${ids.length} domains in the ${service.kind === "Compose" ? "compose" : "application"} have host ${natural.host} and path ${natural.path}`]
          : [`${label}: a domain with host ${natural.host} and path ${natural.path} exists in the ${service.kind === "Compose" ? "compose" : "application"} (id ${ids.join(", ")}) but was not created by dokploy-gitops`, `${label}: add the annotation dokploy-gitops/adopt: "true" to its manifest to take it over`],
      }));
      continue;
    }
    const step = b.push(newStep(D.identity, D.key, "create", { manifest: D, parentKey: service.key, parentDokployId: parent.id, dependsOn: b.dependsOnParent(parent) }));
    b.addDiff(step, dView, undefined);
  }
  // Owned records whose manifests were removed stay recorded until pruned.
  for (const [name, row] of owned) {
    if (desiredNames.has(name)) continue;
    const live = kind.liveKey(row);
    records[name] = { host: live.host, path: live.path, id: row.domainId, ...(rec[name]?.policy ? { policy: rec[name]!.policy } : {}) };
  }
  return records;
}
