/**
 * Counts the API calls of one pass per endpoint, by wrapping the port. The
 * client counts for its lifetime; a pass needs its own figure for the
 * summary line and `/status`.
 */
import type { DokployApi } from "../dokploy/port.ts";

/** `applicationSaveGithubProvider` -> `application.saveGithubProvider`. */
export function endpointOf(method: string): string {
  const m = /^([a-z]+)([A-Z].*)$/.exec(method);
  if (!m) return method;
  return `${m[1]}.${m[2]!.charAt(0).toLowerCase()}${m[2]!.slice(1)}`;
}

export interface CountingApi {
  api: DokployApi;
  /** Calls made through `api` so far, by endpoint. */
  counts(): Record<string, number>;
  total(): number;
}

export function countingApi(inner: DokployApi): CountingApi {
  const counts: Record<string, number> = {};
  const api = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || typeof prop !== "string" || prop === "health") return value;
      return (...args: unknown[]) => {
        const endpoint = endpointOf(prop);
        counts[endpoint] = (counts[endpoint] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api, counts: () => ({ ...counts }), total: () => Object.values(counts).reduce((a, b) => a + b, 0) };
}
