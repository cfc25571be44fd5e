/**
 * An endpoint as a value: its tRPC name, HTTP method and retry safety in one
 * place. Kind modules declare the endpoints they call (`src/kinds/*`) and call
 * them through `DokployApi.call`, so a new kind adds no entry to any list in
 * `src/dokploy/`: the client needs to know only how to send it and whether it
 * may be sent twice. The routers Dokploy has are in `routers/`.
 */
import type { RetrySafety } from "./retry-policy.ts";

/** One Dokploy tRPC procedure. `Input`/`Output` are phantom types for `call`. */
export interface EndpointDef<Input = unknown, Output = unknown> {
  /** `router.procedure`, e.g. `compose.create`. */
  readonly name: string;
  readonly method: "GET" | "POST";
  /** Whether a transient failure may be retried (see `retry-policy.ts`). */
  readonly safety: RetrySafety;
  /**
   * The per-attempt deadline when the client's default does not fit: the
   * database `deploy` holds the request while Dokploy pulls the image and
   * starts the service, which takes minutes.
   */
  readonly timeoutMs?: number;
  /**
   * Cuts a parsed answer down to its typed part, where the client parses it:
   * an answer that carries secrets the tool never needs (`destination.all`
   * returns every S3 secret key in plain text) never reaches a caller whole.
   */
  readonly project?: (answer: unknown) => Output;
  /** Never set: carries the types. */
  readonly __types?: { input: Input; output: Output };
}

/** What an endpoint may add to its name, method and safety. */
export interface EndpointOptions<O> {
  timeoutMs?: number;
  project?: (answer: unknown) => O;
}

/** A read: always safe to repeat. */
export function query<I, O>(name: string, options: EndpointOptions<O> = {}): EndpointDef<I, O> {
  return { name, method: "GET", safety: "read", ...options };
}

/** A write and how safe it is to repeat (`once` for creates and deploys). */
export function mutation<I, O>(
  name: string,
  safety: Exclude<RetrySafety, "read">,
  options: EndpointOptions<O> = {},
): EndpointDef<I, O> {
  return { name, method: "POST", safety, ...options };
}
