/**
 * The `domain.*` procedures a compose needs beyond the port's
 * (apps/dokploy/server/api/routers/domain.ts, packages/server/src/services/domain.ts).
 * Compose domains are created with the port's `domain.create` and its
 * `composeId`/`serviceName` fields; `compose.one` lists them too.
 */
import { query } from "../endpoint.ts";
import type { DomainRow } from "../types.ts";

/** `findDomainsByComposeId`: each row with a `compose` summary. */
export type ComposeDomainRow = DomainRow & { compose: { composeId: string; appName: string; name: string } | null };

/** Compose-side domain reads. */
export const domainRouter = {
  /** The domains of a compose, in insertion order (an unknown id gives `[]`). */
  byComposeId: query<{ composeId: string }, ComposeDomainRow[]>("domain.byComposeId"),
} as const;
