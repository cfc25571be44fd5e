/**
 * What a route handler gets: the store, the deploy queue and what synchronous
 * work needs. Handlers receive input that already passed validation (unknown
 * keys stripped), return the procedure's value (`undefined` becomes Dokploy's
 * empty 200 body), or a promise of it for a call Dokploy holds (a database
 * deploy), or throw a `SimError` with the status and message Dokploy's
 * handler would produce.
 */
import type { DeployQueue } from "../deploy-queue.ts";
import type { Store } from "../store.ts";
import type { FailDeploysRule } from "../types.ts";

export interface RouteContext {
  store: Store;
  queue: DeployQueue;
  /** Synchronous deploys (databases): how long one holds its request, and which fail. */
  runtime: {
    databaseDeployMs(): number;
    failRule(): FailDeploysRule | undefined;
    /** A wait that the simulator's close abandons (the request then never answers). */
    sleep(ms: number): Promise<void>;
  };
}

/** Validated input: a plain object of the endpoint's known keys. */
export type Input = Record<string, unknown>;

/** One procedure's implementation. */
export type Handler = (input: Input, ctx: RouteContext) => unknown;

/** Only the keys whose value is not `undefined` (drizzle's `.set()` skips undefined). */
export function definedOnly(input: Input, keys: readonly string[]): Input {
  const out: Input = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

const quote = (name: string): string => `"${name}"`;

/**
 * The message of a write that Postgres refused (here: a foreign-key violation),
 * as drizzle-orm 0.45's `DrizzleQueryError` words it: `Failed query: <sql>\nparams:
 * <bound values joined by commas>`; the Postgres error itself is only its
 * `cause`. Dokploy's handlers pass this message on (domain.create, the
 * environment wraps) or tRPC does (a 500), so real answers echo the request's
 * values, and a client must redact what it shows. The SQL is drizzle's shape,
 * abridged to the columns written.
 */
export function failedInsert(table: string, values: Input): string {
  const cols = Object.keys(values).filter((k) => values[k] !== undefined);
  const sql = `insert into ${quote(table)} (${cols.map(quote).join(", ")}) values (${cols.map((_, i) => `$${i + 1}`).join(", ")}) returning *`;
  return `Failed query: ${sql}\nparams: ${String(cols.map((k) => values[k]))}`;
}

/** {@link failedInsert} for an `update ... set ... where <table>.<idColumn> = <id>`. */
export function failedUpdate(table: string, idColumn: string, id: string, values: Input): string {
  const cols = Object.keys(values).filter((k) => values[k] !== undefined);
  const set = cols.map((k, i) => `${quote(k)} = $${i + 1}`).join(", ");
  const sql = `update ${quote(table)} set ${set} where ${quote(table)}.${quote(idColumn)} = $${cols.length + 1} returning *`;
  return `Failed query: ${sql}\nparams: ${String([...cols.map((k) => values[k]), id])}`;
}
