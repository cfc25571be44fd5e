/**
 * Connection flags shared by every command that talks to Dokploy, resolved
 * once from flags and environment. Accepts the environment names other Dokploy
 * tools use, so an existing CI secret works unchanged.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "./io.ts";

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
}

const INSTANCE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Parses `30s`, `2m`, `500ms`, `1h`, or a bare number of seconds, into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration such as 30s, 2m or 500ms, got "${text}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}

/** Parsed values of the connection flags. */
export type ConnectionValues = { [K in keyof typeof CONNECTION_OPTIONS]?: (typeof CONNECTION_OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

/** Resolves connection settings from parsed flag values and the environment. */
export function resolveConnection(values: ConnectionValues, env: NodeJS.ProcessEnv): ConnectionSettings {
  const simulator = values.simulator === true;
  const instance = values.instance ?? env.DOKPLOY_GITOPS_INSTANCE ?? "default";
  if (!INSTANCE_RE.test(instance)) {
    throw new UsageError(`--instance: expected a lowercase DNS label (a-z, 0-9, -; at most 63 characters), got "${instance}"`);
  }
  const requestTimeoutMs = parseDuration(values["request-timeout"] ?? "30s", "--request-timeout");
  if (simulator) return Object.freeze({ simulator, instance, requestTimeoutMs });

  const url = values.url ?? env.DOKPLOY_URL ?? env.DOKPLOY_API_URL ?? env.DOKPLOY_SERVER_URL;
  if (!url) {
    throw new UsageError("no Dokploy URL: pass --url or set DOKPLOY_URL (or use --simulator to try the tool)");
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new UsageError(`--url: expected an http(s) URL such as https://dokploy.example.com, got "${url}"`);
  }
  let apiKey = values["api-key"] ?? env.DOKPLOY_API_KEY ?? env.DOKPLOY_API_TOKEN;
  if (values["api-key-file"]) {
    try {
      apiKey = readFileSync(values["api-key-file"], "utf8").trim();
    } catch (err) {
      throw new UsageError(`--api-key-file: cannot read ${values["api-key-file"]}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
  }
  if (!apiKey) {
    throw new UsageError("no Dokploy API key: set DOKPLOY_API_KEY, or pass --api-key-file (or --api-key)");
  }
  return Object.freeze({ url: url.replace(/\/+$/, ""), apiKey, requestTimeoutMs, instance, simulator });
}
