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
import type { ChildListKind, ServiceDetail } from "../kinds/types.ts";
import type { Marker } from "../model/marker.ts";

/** The child lists of one service as spec fields, and whether any entry is not recorded as ours. */
export interface ExportedChildren {
  lists: Record<string, Array<Record<string, unknown>>>;
  /** Entries the marker does not record (made in the UI): the service must adopt its children. */
  unrecorded: number;
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
export function exportChildren(serviceKind: string, detail: ServiceDetail, marker: Marker | undefined): ExportedChildren {
  const out: ExportedChildren = { lists: {}, unrecorded: 0 };
  for (const kind of childKindsOf(serviceKind)) {
    const rows = kind.rows(detail);
    if (!rows || rows.length === 0) continue;
    const ours = recordedIds(kind, rows, marker);
    out.unrecorded += rows.filter((r) => !ours.has(kind.rowId(r))).length;
    const sorted = [...rows].sort((a, b) => (kind.rowKey(a) < kind.rowKey(b) ? -1 : kind.rowKey(a) > kind.rowKey(b) ? 1 : 0));
    out.lists[kind.field] = sorted.map((row) => ({ ...kind.liveView("entry", row, undefined).spec }));
  }
  return out;
}
