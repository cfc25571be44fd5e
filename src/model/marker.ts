/**
 * The ownership marker: the record, kept in Dokploy itself, that an object was
 * created (or adopted) by this tool. It lives on the last line of the object's
 * `description` (NOTES §11), after the user's own description:
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
 * Domains have no description: an application's marker records the domains it
 * owns in `domains` (name -> host, path and, once created, id). An entry
 * without an id is an intent written before `domain.create`, so a crash
 * between the create and the record cannot leave an unowned duplicate.
 */

/** Prefix of the marker line. Never change it: it is how existing markers are found. */
export const MARKER_PREFIX = "dokploy-gitops:managed ";

/** A domain recorded in its application's marker. */
export interface DomainRecord {
  host: string;
  path: string;
  id?: string;
  /** `orphan` when the manifest asked to release, not delete, on removal. */
  policy?: "orphan";
}

/** The parsed content of a marker. */
export interface Marker {
  v: 1;
  instance: string;
  key: string;
  /** The Dokploy id of the object carrying the marker; absent while pending. */
  id?: string;
  /** Applications only: the domains this application's manifests own, by domain name. */
  domains?: Record<string, DomainRecord>;
  /**
   * `orphan` when the manifest's deletion policy is orphan. Recorded in Dokploy
   * because the policy must still be known after the manifest is removed.
   */
  policy?: "orphan";
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
  return marker;
}

/** Builds the description to write: the user's text, a blank line, the marker line. */
export function renderDescription(text: string | undefined, marker: Marker): string {
  const ordered: Marker = { v: 1, instance: marker.instance, key: marker.key };
  if (marker.id !== undefined) ordered.id = marker.id;
  if (marker.policy !== undefined) ordered.policy = marker.policy;
  if (marker.deleteVolumes === true) ordered.deleteVolumes = true;
  if (marker.dirty === true) ordered.dirty = true;
  if (marker.queuedAt !== undefined) ordered.queuedAt = marker.queuedAt;
  if (marker.domains !== undefined && Object.keys(marker.domains).length > 0) {
    ordered.domains = Object.fromEntries(
      Object.keys(marker.domains)
        .sort()
        .map((k) => [k, marker.domains![k]!]),
    );
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
