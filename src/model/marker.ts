/**
 * The ownership marker: the record, kept in Dokploy itself, that an object was
 * created (or adopted) by this tool. It lives on the last line of the object's
 * `description` (a nullable text column without a length limit on every
 * Dokploy v0.30.2 table we own: packages/server/src/db/schema/project.ts,
 * environment.ts, application.ts, compose.ts), after the user's own description:
 *
 *     Shop front end
 *
 *     dokploy-gitops:managed {"v":1,"instance":"default","key":"Application/shop/production/web","id":"a1B2"}
 *
 * The marker names the instance (several reconcilers can share one Dokploy),
 * the manifest identity, and the object's own Dokploy id. The id defeats
 * copies: Dokploy's duplicate-project/duplicate-environment copy descriptions,
 * and a copy has a different id, so it is "not ours". A marker without an id
 * is *pending*: written at create time, before the id was known; it is
 * completed by the next write.
 *
 * Domains have no description: their service's marker (an application's or a
 * compose stack's) records the domains it owns in `domains` (name -> host, path and, once created, id). An entry
 * without an id is an intent written before `domain.create`, so a crash
 * between the create and the record cannot leave an unowned duplicate.
 *
 * The entries of a service's child lists (ports, mounts, redirects, basic-auth
 * users, schedules, volume backups) have no description either: the service's marker records
 * those it owns in one field per list (`ports`, `mounts`...), by the entry's
 * natural key, with the same intent-then-id protocol. A marker written before
 * these fields existed reads unchanged (no field: nothing owned).
 */

/** Prefix of the marker line. Never change it: it is how existing markers are found. */
export const MARKER_PREFIX = "dokploy-gitops:managed ";

/** A domain recorded in its service's (application's or compose stack's) marker. */
export interface DomainRecord {
  host: string;
  path: string;
  id?: string;
  /** `orphan` when the manifest asked to release, not delete, on removal. */
  policy?: "orphan";
}

/**
 * A database backup recorded in its database's marker (backups have no
 * description). An entry without an id is an intent written before
 * `backup.create`, which answers no id: the id is found afterwards in the
 * database's `one` answer and recorded.
 */
export interface BackupRecord {
  id?: string;
}

/** A child list entry recorded in its service's marker, by natural key. No id: an intent written before the create. */
export interface ChildRecord {
  id?: string;
}

/** The marker fields of the child lists, one per list (the spec field of the same name). */
export const CHILD_FIELDS = ["ports", "mounts", "redirects", "security", "schedules", "volumeBackups"] as const;

/** One of {@link CHILD_FIELDS}. */
export type ChildField = (typeof CHILD_FIELDS)[number];

/** The parsed content of a marker. */
export interface Marker {
  v: 1;
  instance: string;
  key: string;
  /** The Dokploy id of the object carrying the marker; absent while pending. */
  id?: string;
  /** Applications only: the domains this application's manifests own, by domain name. */
  domains?: Record<string, DomainRecord>;
  /** Databases only: the backups this database's manifest owns, by backup name. */
  backups?: Record<string, BackupRecord>;
  /**
   * `orphan` when the manifest's deletion policy is orphan. Recorded in Dokploy
   * because the policy must still be known after the manifest is removed.
   */
  policy?: "orphan";
  /** The `dokploy-gitops/redeploy` token last deployed (services). */
  redeploy?: string;
  /**
   * Compose: `true` when the manifest said `dokploy-gitops/delete-volumes`,
   * so a prune (after the manifest is gone) still knows to delete volumes.
   */
  deleteVolumes?: true;
  /**
   * Set by the applier before a deploy-relevant change and cleared once the
   * deploy is queued: a crash in between leaves it, and the next plan deploys.
   */
  dirty?: true;
  /**
   * When this tool last queued a deploy (ISO time). Dokploy shows nothing of
   * a queued deploy until its job starts, so without this a slow build queue
   * (or `apply --no-wait`) would look "never deployed" and be queued again.
   */
  queuedAt?: string;
  /** Services: the child list entries this tool owns, by list and natural key. */
  ports?: Record<string, ChildRecord>;
  mounts?: Record<string, ChildRecord>;
  redirects?: Record<string, ChildRecord>;
  security?: Record<string, ChildRecord>;
  schedules?: Record<string, ChildRecord>;
  /** Volume backups of the service's volume mounts, by volume name. */
  volumeBackups?: Record<string, ChildRecord>;
}

/** A description split into the user's text and the marker (if any). */
export interface ParsedDescription {
  /** The user's description without the marker ("" when none). */
  text: string;
  marker?: Marker;
  /** A marker line was present but unreadable: treated as "not ours". */
  malformed?: boolean;
}

/** Splits a live description into user text and marker. Never throws. */
export function parseDescription(description: string | null | undefined): ParsedDescription {
  if (!description) return { text: "" };
  const idx = description.lastIndexOf(MARKER_PREFIX);
  // Trailing newlines are not part of the text: the marker line follows a blank line, so they could never read back.
  if (idx < 0 || (idx > 0 && description[idx - 1] !== "\n")) return { text: description.replace(/\n+$/, "") };
  const line = description.slice(idx + MARKER_PREFIX.length).split("\n")[0] ?? "";
  const text = description.slice(0, idx).replace(/\n+$/, "");
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { text, malformed: true };
  }
  const marker = validateMarker(raw);
  return marker ? { text, marker } : { text, malformed: true };
}

function validateMarker(raw: unknown): Marker | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.v !== 1 || typeof m.instance !== "string" || typeof m.key !== "string") return undefined;
  if (m.id !== undefined && typeof m.id !== "string") return undefined;
  const marker: Marker = { v: 1, instance: m.instance, key: m.key };
  if (typeof m.id === "string") marker.id = m.id;
  if (m.policy === "orphan") marker.policy = "orphan";
  if (typeof m.redeploy === "string") marker.redeploy = m.redeploy;
  if (m.deleteVolumes === true) marker.deleteVolumes = true;
  if (m.dirty === true) marker.dirty = true;
  if (typeof m.queuedAt === "string") marker.queuedAt = m.queuedAt;
  if (m.domains !== undefined) {
    if (typeof m.domains !== "object" || m.domains === null) return undefined;
    const domains: Record<string, DomainRecord> = {};
    for (const [name, rec] of Object.entries(m.domains as Record<string, unknown>)) {
      const r = rec as Record<string, unknown> | null;
      if (!r || typeof r.host !== "string" || typeof r.path !== "string") return undefined;
      if (r.id !== undefined && typeof r.id !== "string") return undefined;
      domains[name] = {
        host: r.host,
        path: r.path,
        ...(typeof r.id === "string" ? { id: r.id } : {}),
        ...(r.policy === "orphan" ? { policy: "orphan" as const } : {}),
      };
    }
    marker.domains = domains;
  }
  if (m.backups !== undefined) {
    if (typeof m.backups !== "object" || m.backups === null) return undefined;
    const backups: Record<string, BackupRecord> = {};
    for (const [name, rec] of Object.entries(m.backups as Record<string, unknown>)) {
      const r = rec as Record<string, unknown> | null;
      if (!r || typeof r !== "object" || (r.id !== undefined && typeof r.id !== "string")) return undefined;
      backups[name] = typeof r.id === "string" ? { id: r.id } : {};
    }
    marker.backups = backups;
  }
  for (const field of CHILD_FIELDS) {
    const raw = m[field];
    if (raw === undefined) continue;
    if (typeof raw !== "object" || raw === null) return undefined;
    const records: Record<string, ChildRecord> = {};
    for (const [key, rec] of Object.entries(raw as Record<string, unknown>)) {
      const r = rec as Record<string, unknown> | null;
      if (!r || typeof r !== "object" || (r.id !== undefined && typeof r.id !== "string")) return undefined;
      records[key] = typeof r.id === "string" ? { id: r.id } : {};
    }
    marker[field] = records;
  }
  return marker;
}

/** `records` with its keys sorted (a marker renders the same whatever the order of writes). */
function sortedRecords<T>(records: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(records).sort().map((k) => [k, records[k]!]));
}

/** Builds the description to write: the user's text, a blank line, the marker line. */
export function renderDescription(text: string | undefined, marker: Marker): string {
  const ordered: Marker = { v: 1, instance: marker.instance, key: marker.key };
  if (marker.id !== undefined) ordered.id = marker.id;
  if (marker.policy !== undefined) ordered.policy = marker.policy;
  if (marker.redeploy !== undefined) ordered.redeploy = marker.redeploy;
  if (marker.deleteVolumes === true) ordered.deleteVolumes = true;
  if (marker.dirty === true) ordered.dirty = true;
  if (marker.queuedAt !== undefined) ordered.queuedAt = marker.queuedAt;
  if (marker.domains !== undefined && Object.keys(marker.domains).length > 0) ordered.domains = sortedRecords(marker.domains);
  for (const field of CHILD_FIELDS) {
    const records = marker[field];
    if (records !== undefined && Object.keys(records).length > 0) ordered[field] = sortedRecords(records);
  }
  if (marker.backups !== undefined && Object.keys(marker.backups).length > 0) {
    ordered.backups = Object.fromEntries(Object.keys(marker.backups).sort().map((k) => [k, marker.backups![k]!]));
  }
  const line = MARKER_PREFIX + JSON.stringify(ordered);
  return text ? `${text}\n\n${line}` : line;
}

/** How a live object relates to this instance, judged from its marker alone. */
export type Ownership =
  /** Marker of this instance whose id is the object's own id. */
  | { kind: "ours"; marker: Marker }
  /** Marker of this instance without an id yet (written at create, before the id was known). */
  | { kind: "pending"; marker: Marker }
  /** Marker of this instance naming another object's id: a copy. Not ours. */
  | { kind: "copied"; marker: Marker }
  /** Marker of another instance. Not ours. */
  | { kind: "foreign"; marker: Marker }
  /** No marker, or an unreadable one. Not ours. */
  | { kind: "none"; malformed: boolean };

/** Classifies a live object's description for `instance`; `objectId` is the object's Dokploy id. */
export function ownershipOf(
  description: string | null | undefined,
  instance: string,
  objectId: string,
): Ownership {
  const parsed = parseDescription(description);
  const m = parsed.marker;
  if (!m) return { kind: "none", malformed: parsed.malformed === true };
  if (m.instance !== instance) return { kind: "foreign", marker: m };
  if (m.id === undefined) return { kind: "pending", marker: m };
  if (m.id !== objectId) return { kind: "copied", marker: m };
  return { kind: "ours", marker: m };
}
