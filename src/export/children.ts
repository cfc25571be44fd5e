/**
 * A service's child lists in an export (ports, mounts, redirects, basic-auth
 * users, schedules): every live entry, in natural-key order, written as the
 * inverse of its kind's live view, so that each entry plans to the row it
 * came from. Entries a service's marker does not record were made by hand:
 * with `--adopt` the service gets `dokploy-gitops/adopt-children`, so the
 * plan takes them over (without it they would be conflicts, a name that
 * Dokploy already has). Lists read by a call of their own (schedules) are
 * here because `export` reads them for every service (`exportScope`).
 */
import { recordsOf } from "../kinds/child-list.ts";
import { childKindsOf } from "../kinds/registry.ts";
import type { ChildListKind, PlanLookups, ServiceDetail } from "../kinds/types.ts";
import type { Marker } from "../model/marker.ts";

/** The child lists of one service as spec fields, and whether any entry is not recorded as ours. */
export interface ExportedChildren {
  lists: Record<string, Array<Record<string, unknown>>>;
  /** Entries the marker does not record (made in the UI): the service must adopt its children. */
  unrecorded: number;
  /** Entries a manifest cannot hold (a volume backup of a volume no mount uses), with why. */
  leftOut: Array<{ label: string; reason: string }>;
}

/** The entries of `rows` that the marker records: by id, or an id-less intent whose key only one row has. */
function recordedIds(kind: ChildListKind, rows: readonly unknown[], marker: Marker | undefined): Set<string> {
  const records = recordsOf(marker, kind.field);
  const ids = new Set(Object.values(records).map((r) => r.id).filter((id): id is string => id !== undefined && rows.some((row) => kind.rowId(row) === id)));
  for (const [key, r] of Object.entries(records)) {
    if (r.id !== undefined) continue;
    const hits = rows.filter((row) => !ids.has(kind.rowId(row)) && kind.rowKey(row) === key);
    if (hits.length === 1) ids.add(kind.rowId(hits[0]));
  }
  return ids;
}

/** The service's live child lists as spec fields (lists not read, or empty, are left out). */
export function exportChildren(serviceKind: string, detail: ServiceDetail, marker: Marker | undefined, lookups: PlanLookups): ExportedChildren {
  const out: ExportedChildren = { lists: {}, unrecorded: 0, leftOut: [] };
  const nested: ChildListKind[] = [];
  for (const kind of childKindsOf(serviceKind)) {
    if (kind.entries) {
      nested.push(kind);
      continue;
    }
    // A database's data volume is the database's own, never an entry.
    const rows = kind.rows(detail)?.filter((r) => !kind.builtIn?.(r, detail));
    if (!rows || rows.length === 0) continue;
    const ours = recordedIds(kind, rows, marker);
    out.unrecorded += rows.filter((r) => !ours.has(kind.rowId(r))).length;
    const sorted = [...rows].sort((a, b) => (kind.rowKey(a) < kind.rowKey(b) ? -1 : kind.rowKey(a) > kind.rowKey(b) ? 1 : 0));
    out.lists[kind.field] = sorted.map((row) => ({ ...kind.liveView("entry", row, undefined, lookups).spec }));
  }
  // A volume backup is written under the volume mount of its volume (`mounts[].backup`).
  for (const kind of nested) {
    const rows = kind.rows(detail) ?? [];
    const ours = recordedIds(kind, rows, marker);
    const mounts = out.lists.mounts ?? [];
    for (const row of rows) {
      const { volumeName, ...backup } = kind.liveView("entry", row, undefined, lookups).spec;
      const at = mounts.find((m) => m.type === "volume" && m.volumeName === volumeName && m.backup === undefined);
      if (!at) {
        out.leftOut.push({ label: `${kind.noun.replace(/ /g, "-")}:${kind.rowKey(row)}`, reason: `a ${kind.noun} of volume "${String(volumeName)}", which no volume mount of the service uses (a manifest writes it under its mount): not written, left alone` });
        continue;
      }
      at.backup = backup;
      if (!ours.has(kind.rowId(row))) out.unrecorded++;
    }
  }
  return out;
}
