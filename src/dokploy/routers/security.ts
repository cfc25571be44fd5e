/**
 * Dokploy's `security` router (v0.30.2: apps/dokploy/server/api/routers/security.ts,
 * packages/server/src/db/schema/security.ts, packages/server/src/services/security.ts):
 * the basic-auth users of an application, written at once into Traefik's
 * config (no deploy needed). Applications only; they come with
 * `application.one` (`security`). Passwords are stored and returned in
 * plaintext, and a refused insert or update echoes the password in its error
 * message: whatever shows a Dokploy error must redact it.
 */
import { mutation, query } from "../endpoint.ts";

/** A `security` row, every column. `(username, applicationId)` is UNIQUE. */
export interface SecurityRow {
  securityId: string;
  username: string;
  /** Plaintext. A secret: never log or show it. */
  password: string;
  createdAt: string;
  applicationId: string;
}

/** `apiCreateSecurity`. */
export interface SecurityCreateInput {
  applicationId: string;
  username: string;
  password: string;
}

/** `apiUpdateSecurity`: a full replace, both values required. */
export interface SecurityUpdateInput {
  securityId: string;
  username: string;
  password: string;
}

/** The procedures, with the retry safety the client applies to each. */
export const securityRouter = {
  /**
   * Returns `true`, no id: find the row in `application.one`'s `security` by
   * username. A duplicate username is 400 `Failed query: insert into "security" ...`
   * (with the password in it); an unknown application 400 `Application not found`.
   */
  create: mutation<SecurityCreateInput, true>("security.create", "once"),
  /** 404 `Security not found`. */
  one: query<{ securityId: string }, SecurityRow>("security.one"),
  /** 200 with an EMPTY body (resolves to undefined); 404 `Security not found`. */
  update: mutation<SecurityUpdateInput, undefined>("security.update", "idempotent"),
  /** Returns the deleted row (password included); 404 `Security not found`. */
  delete: mutation<{ securityId: string }, SecurityRow>("security.delete", "delete"),
} as const;
