/**
 * What a route handler gets: the store and the deploy queue. Handlers receive
 * input that already passed validation (unknown keys stripped), return the
 * procedure's value (`undefined` becomes Dokploy's empty 200 body) or throw a
 * `SimError` with the status and message Dokploy's handler would produce.
 */
import type { DeployQueue } from "../deploy-queue.ts";
import type { Store } from "../store.ts";

export interface RouteContext {
  store: Store;
  queue: DeployQueue;
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

/** The message a Postgres foreign-key violation gives through drizzle (what Dokploy's handlers wrap). */
export function foreignKeyFailure(table: string, column: string, target: string): string {
  return `Failed query: insert or update on table "${table}" violates foreign key constraint "${table}_${column}_${target}_${column}_fk"`;
}
