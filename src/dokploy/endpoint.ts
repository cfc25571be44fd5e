/**
 * An endpoint as a value: its tRPC name, HTTP method and retry safety in one
 * place. Kind modules declare the endpoints they call (`src/kinds/*`) and call
 * them through `DokployApi.call`, so a new kind adds no entry to any list in
 * `src/dokploy/`: the client needs to know only how to send it and whether it
 * may be sent twice.
 */
import type { RetrySafety } from "./retry-policy.ts";

/** One Dokploy tRPC procedure. `Input`/`Output` are phantom types for `call`. */
export interface EndpointDef<Input = unknown, Output = unknown> {
  /** `router.procedure`, e.g. `compose.create`. */
  readonly name: string;
  readonly method: "GET" | "POST";
  /** Whether a transient failure may be retried (see `retry-policy.ts`). */
  readonly safety: RetrySafety;
  /** Never set: carries the types. */
  readonly __types?: { input: Input; output: Output };
}

/** A read: always safe to repeat. */
export function query<I, O>(name: string): EndpointDef<I, O> {
  return { name, method: "GET", safety: "read" };
}

/** A write and how safe it is to repeat (`once` for creates and deploys). */
export function mutation<I, O>(name: string, safety: Exclude<RetrySafety, "read">): EndpointDef<I, O> {
  return { name, method: "POST", safety };
}
