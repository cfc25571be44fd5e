/**
 * Dokploy's `port` router (v0.30.2: apps/dokploy/server/api/routers/port.ts,
 * packages/server/src/db/schema/port.ts, packages/server/src/services/port.ts):
 * the ports an application publishes through Docker Swarm. Applications only;
 * they come with `application.one` (`ports`) and take effect on the next deploy.
 */
import { mutation, query } from "../endpoint.ts";

/** `publishModeType` enum. The API defaults to `ingress`; the column's own default (`host`) is never used by the API. */
export type PublishMode = "ingress" | "host";
/** `protocolType` enum. */
export type PortProtocol = "tcp" | "udp";

/** A `port` row, every column. Dokploy checks neither range nor uniqueness of `publishedPort`. */
export interface PortRow {
  portId: string;
  publishedPort: number;
  publishMode: PublishMode;
  targetPort: number;
  protocol: PortProtocol;
  applicationId: string;
}

/** `port.one`: the row plus its application's id. */
export interface PortWithApplication extends PortRow {
  application: { applicationId: string };
}

/** `apiCreatePort`. Numbers must be JSON numbers (`"8080"` is refused). */
export interface PortCreateInput {
  applicationId: string;
  publishedPort: number;
  targetPort: number;
  /** Default `ingress`. */
  publishMode?: PublishMode;
  /** Default `tcp`. */
  protocol?: PortProtocol;
}

/**
 * `apiUpdatePort`: a full replace. `publishMode` and `protocol` are optional
 * on the wire but fall back to `ingress`/`tcp` when omitted (zod defaults), so
 * a `host`/`udp` port updated without them silently changes: the type demands
 * all four values.
 */
export interface PortUpdateInput {
  portId: string;
  publishedPort: number;
  targetPort: number;
  publishMode: PublishMode;
  protocol: PortProtocol;
}

/** The procedures, with the retry safety the client applies to each. */
export const portRouter = {
  /** Returns the row. Every failure (an unknown application too) is 400 `Error input: Inserting port`. */
  create: mutation<PortCreateInput, PortRow>("port.create", "once"),
  /** Every failure, not-found included, is 400 `Port not found`. */
  one: query<{ portId: string }, PortWithApplication>("port.one"),
  /** Returns the updated row; 404 `Port not found`. */
  update: mutation<PortUpdateInput, PortRow>("port.update", "idempotent"),
  /** Returns the deleted row; 404 `Port not found`. */
  delete: mutation<{ portId: string }, PortRow>("port.delete", "delete"),
} as const;
