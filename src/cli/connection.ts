/**
 * Connection flags shared by every command that talks to Dokploy, resolved
 * once from flags and environment. Accepts the environment names other Dokploy
 * tools use, so an existing CI secret works unchanged.
 */
import { parseDuration } from "./flag-values.ts";
import { UsageError } from "./io.ts";
import { resolveSetting } from "./setting-sources.ts";

/** `util.parseArgs` option specs for the connection flags. */
export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  "api-key": { type: "string" },
  "api-key-file": { type: "string" },
  "request-timeout": { type: "string" },
  instance: { type: "string" },
  simulator: { type: "boolean" },
} as const;

export const CONNECTION_HELP = `Connection:
  --url URL              Dokploy base URL (env DOKPLOY_URL, DOKPLOY_API_URL, DOKPLOY_SERVER_URL)
  --api-key KEY          API key (env DOKPLOY_API_KEY, DOKPLOY_API_TOKEN); prefer the env or a file
  --api-key-file FILE    read the API key from a file
  --request-timeout DUR  per-request timeout (default 30s)
  --instance NAME        reconciler instance name (default "default")
  --simulator            run against an embedded Dokploy simulator (nothing real is touched)
`;

export interface ConnectionSettings {
  /** Absent with `--simulator`: the embedded simulator supplies it. */
  url?: string;
  apiKey?: string;
  requestTimeoutMs: number;
  instance: string;
  simulator: boolean;
  /** Where the URL and key came from (`--url`, `DOKPLOY_API_KEY`, `--api-key-file FILE`): for messages that must not show the key. */
  sources?: { url: string; apiKey: string };
}

const INSTANCE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Where the Dokploy URL may come from, in order (see setting-sources.ts). */
export const URL_ENV = ["DOKPLOY_URL", "DOKPLOY_API_URL", "DOKPLOY_SERVER_URL"] as const;
/** Where the API key may come from, in order. */
export const API_KEY_ENV = ["DOKPLOY_API_KEY", "DOKPLOY_API_TOKEN"] as const;

export { parseDuration } from "./flag-values.ts";

/** Parsed values of the connection flags. */
export type ConnectionValues = { [K in keyof typeof CONNECTION_OPTIONS]?: (typeof CONNECTION_OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

/** The default `--request-timeout`. */
const DEFAULT_REQUEST_TIMEOUT = "30s";

/** Parses `--request-timeout` (never zero: a zero timeout fails every call). */
export function resolveRequestTimeout(text: string | undefined): number {
  return parseDuration(text ?? DEFAULT_REQUEST_TIMEOUT, "--request-timeout", { minMs: 100 });
}

/**
 * Resolves connection settings from parsed flag values and the environment,
 * by the documented precedence (flag, file flag, environment in order).
 */
export function resolveConnection(values: ConnectionValues, env: NodeJS.ProcessEnv): ConnectionSettings {
  const simulator = values.simulator === true;
  const instance = resolveSetting({ flag: { name: "--instance", value: values.instance }, envNames: ["DOKPLOY_GITOPS_INSTANCE"] }, env);
  if (instance && !INSTANCE_RE.test(instance.value)) {
    throw new UsageError(`${instance.from}: expected a lowercase DNS label (a-z, 0-9, -; at most 63 characters), got "${instance.value}"`);
  }
  const requestTimeoutMs = resolveRequestTimeout(values["request-timeout"]);
  if (simulator) {
    if (values.url !== undefined) throw new UsageError("--url and --simulator exclude each other: --simulator starts its own Dokploy");
    return Object.freeze({ simulator, instance: instance?.value ?? "default", requestTimeoutMs });
  }

  const url = resolveSetting({ flag: { name: "--url", value: values.url }, envNames: URL_ENV }, env);
  if (!url) {
    throw new UsageError(`no Dokploy URL: pass --url or set ${URL_ENV.join(", ")} (or use --simulator to try the tool)`);
  }
  try {
    const parsed = new URL(url.value);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new UsageError(`${url.from}: expected an http(s) URL such as https://dokploy.example.com, got "${url.value}"`);
  }
  const apiKey = resolveSetting(
    { flag: { name: "--api-key", value: values["api-key"] }, file: { name: "--api-key-file", path: values["api-key-file"] }, envNames: API_KEY_ENV },
    env,
  );
  if (!apiKey) {
    throw new UsageError(`no Dokploy API key: set ${API_KEY_ENV.join(" or ")}, or pass --api-key-file (or --api-key)`);
  }
  return Object.freeze({
    url: url.value.trim().replace(/\/+$/, ""), apiKey: apiKey.value.trim(), requestTimeoutMs, instance: instance?.value ?? "default", simulator,
    sources: Object.freeze({ url: url.from, apiKey: apiKey.from }),
  });
}
