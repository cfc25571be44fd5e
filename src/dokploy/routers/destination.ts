/**
 * `destination.all` of Dokploy v0.30.2 (apps/dokploy/server/api/routers/destination.ts,
 * packages/server/src/db/schema/destination.ts): the organisation's S3
 * destinations, which backups name. The tool only reads them (a manifest names
 * a destination that already exists); it never creates or removes one. The
 * answer carries `accessKey` and `secretAccessKey` in plain text, so it is cut
 * down to the typed fields where the client parses it.
 */
import { query } from "../endpoint.ts";

/** A `destination` row without its two secret columns. */
export interface DestinationRow {
  destinationId: string;
  name: string;
  provider: string | null;
  bucket: string;
  region: string;
  endpoint: string;
  additionalFlags: string[] | null;
  organizationId: string;
  createdAt: string;
}

const DESTINATION_KEYS = [
  "destinationId", "name", "provider", "bucket", "region", "endpoint", "additionalFlags", "organizationId", "createdAt",
] as const satisfies ReadonlyArray<keyof DestinationRow>;

/** The typed columns of one destination: `accessKey` and `secretAccessKey` are dropped. */
export function publicDestination(row: unknown): DestinationRow {
  if (typeof row !== "object" || row === null) return row as DestinationRow;
  const source = row as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of DESTINATION_KEYS) if (k in source) out[k] = source[k];
  return out as unknown as DestinationRow;
}

/** The `destination.*` procedures the reconciler and `export` use. */
export const destinationRouter = {
  /** Every destination of the organisation, newest first, without its keys. */
  all: query<Record<string, never>, DestinationRow[]>("destination.all", {
    project: (answer) => (Array.isArray(answer) ? answer.map(publicDestination) : (answer as DestinationRow[])),
  }),
} as const;
