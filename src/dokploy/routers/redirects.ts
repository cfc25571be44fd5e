/**
 * Dokploy's `redirects` router (v0.30.2: apps/dokploy/server/api/routers/redirects.ts,
 * packages/server/src/db/schema/redirects.ts, packages/server/src/services/redirect.ts):
 * regex redirects of an application, written at once into Traefik's config (no
 * deploy needed). Applications only; they come with `application.one` (`redirects`).
 */
import { mutation, query } from "../endpoint.ts";

/** A `redirect` row, every column. Identical duplicates are allowed (each has its own `uniqueConfigKey`). */
export interface RedirectRow {
  redirectId: string;
  regex: string;
  replacement: string;
  permanent: boolean;
  /** A serial of its own (not the domains' sequence); names the Traefik middleware. */
  uniqueConfigKey: number;
  createdAt: string;
  applicationId: string;
}

/** `apiCreateRedirect`: every key must be present, `permanent` a real boolean (not null, not a string). */
export interface RedirectCreateInput {
  applicationId: string;
  regex: string;
  replacement: string;
  permanent: boolean;
}

/** `apiUpdateRedirect`: a full replace. */
export interface RedirectUpdateInput {
  redirectId: string;
  regex: string;
  replacement: string;
  permanent: boolean;
}

/** The procedures, with the retry safety the client applies to each. */
export const redirectsRouter = {
  /**
   * Returns `true`, no id: find the new row in `application.one`'s `redirects`
   * by its values. Unknown application: 400 `Error creating this redirect`.
   */
  create: mutation<RedirectCreateInput, true>("redirects.create", "once"),
  /** 404 `Redirect not found`. */
  one: query<{ redirectId: string }, RedirectRow>("redirects.one"),
  /** Returns the updated row; 404 `Redirect not found`. */
  update: mutation<RedirectUpdateInput, RedirectRow>("redirects.update", "idempotent"),
  /** Returns the deleted row; 404 `Redirect not found`. */
  delete: mutation<{ redirectId: string }, RedirectRow>("redirects.delete", "delete"),
} as const;
