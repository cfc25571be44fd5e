/**
 * The checks behind `dokploy-gitops doctor`: the questions a first run
 * raises, each answered with a sentence. They use plain HTTP (no retries, no
 * circuit breaker), because a diagnosis wants each answer as it came: the
 * reconciler's client would retry a 401 (Dokploy's rate limit looks like one)
 * and hide what happened. Nothing here ever puts the key in a message.
 */
import { request } from "undici";

/** The Dokploy version this tool's API knowledge and simulator come from. */
export const BUILT_FOR_DOKPLOY = "v0.30.2";

/** One finding: `ok`, `warn` (works, but read the note) or `fail` (the tool will not work). */
export interface Finding {
  check: "url" | "key" | "version" | "access";
  status: "ok" | "warn" | "fail" | "skipped";
  message: string;
}

/** What a check needs to reach Dokploy. */
export interface DoctorTarget {
  url: string;
  apiKey: string;
  /** Where the key came from (`DOKPLOY_API_KEY`, `--api-key-file FILE`), shown instead of the key. */
  keyFrom: string;
  timeoutMs: number;
}

type Answer = { status: number; body: unknown; text: string } | { error: string };

/** A network failure as a short phrase (`connection refused (ECONNREFUSED)`). */
function networkError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${Math.round(timeoutMs / 1000)}s`;
  const code = e.cause?.code ?? (e.code?.startsWith("UND_") ? undefined : e.code);
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "name resolution failed",
    ECONNRESET: "connection reset",
    ETIMEDOUT: "connection timed out",
    EHOSTUNREACH: "host unreachable",
    CERT_HAS_EXPIRED: "its TLS certificate has expired",
    DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed",
    SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate chain is self-signed",
    ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate is for another host name",
  };
  if (code) return `${known[code] ?? "network error"} (${code})`;
  return e.cause?.message ?? e.message;
}

async function get(target: DoctorTarget, path: string, withKey: boolean): Promise<Answer> {
  try {
    // undici's request, not fetch: fetch refuses "bad ports" (6000, 6667...) that a Dokploy may well use.
    const res = await request(`${target.url}${path}`, {
      method: "GET",
      headers: withKey ? { "x-api-key": target.apiKey, accept: "application/json" } : { accept: "application/json" },
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const text = await res.body.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body, text };
  } catch (err) {
    return { error: networkError(err, target.timeoutMs) };
  }
}

/** Dokploy's own error message of an answer, if it has one. */
function messageOf(body: unknown): string | undefined {
  const m = (body as { message?: unknown } | undefined)?.message;
  return typeof m === "string" ? m : undefined;
}

/** Is the URL a reachable Dokploy? `/api/health` needs no key. */
export async function checkUrl(target: DoctorTarget): Promise<Finding> {
  const hint = /\/api\/?$/.test(target.url) ? " (give the base URL, without /api)" : "";
  const answer = await get(target, "/api/health", false);
  if ("error" in answer) return { check: "url", status: "fail", message: `cannot reach ${target.url}: ${answer.error}` };
  if (answer.status === 200 && (answer.body as { ok?: unknown } | undefined)?.ok === true) {
    return { check: "url", status: "ok", message: `${target.url} answers as Dokploy (/api/health)` };
  }
  if (answer.status >= 300 && answer.status < 400) {
    return { check: "url", status: "fail", message: `${target.url}/api/health redirects (${answer.status}): use the address it redirects to, with https if that is what it wants${hint}` };
  }
  return { check: "url", status: "fail", message: `${target.url} answers, but not as Dokploy: /api/health gave ${answer.status}${hint}; is this the address of the Dokploy panel?` };
}

/** Is the key accepted, and which Dokploy version is this? `settings.getDokployVersion` answers both. */
export async function checkKeyAndVersion(target: DoctorTarget): Promise<Finding[]> {
  const answer = await get(target, "/api/settings.getDokployVersion", true);
  if ("error" in answer) return [{ check: "key", status: "fail", message: `cannot ask Dokploy: ${answer.error}` }, skipped("version")];
  if (answer.status === 401) {
    const own = messageOf(answer.body);
    const message = own && own !== "Unauthorized"
      ? `the key from ${target.keyFrom} is accepted but the call was refused: ${own}`
      : `Dokploy refuses the key from ${target.keyFrom} (401): it is unknown, expired or disabled, or its rate limit is used up ` +
        `(Dokploy answers all four the same way); create a key in Settings > Profile > API/CLI with the rate limit off, and check the URL is the right server`;
    return [{ check: "key", status: "fail", message }, skipped("version")];
  }
  if (answer.status !== 200 || typeof answer.body !== "string") {
    return [{ check: "key", status: "fail", message: `settings.getDokployVersion answered ${answer.status}${messageOf(answer.body) ? `: ${messageOf(answer.body)}` : ""}` }, skipped("version")];
  }
  const version = answer.body;
  const key: Finding = {
    check: "key",
    status: "ok",
    message: `the key from ${target.keyFrom} is accepted (if it has a rate limit, Dokploy will refuse it like a bad key once used up: keep the limit off)`,
  };
  return [key, versionFinding(version)];
}

/** The version compared with the one this tool is built for. */
export function versionFinding(version: string): Finding {
  if (version === BUILT_FOR_DOKPLOY) return { check: "version", status: "ok", message: `Dokploy ${version}, the version this tool is built for` };
  return {
    check: "version",
    status: "warn",
    message: `Dokploy ${version}; this tool is built for ${BUILT_FOR_DOKPLOY}: its API may differ, so review a plan before the first apply`,
  };
}

/** The permissions that let a key change Dokploy (Dokploy's resource/action names). */
const WRITE_PERMISSIONS: ReadonlyArray<[string, string]> = [
  ["project", "create"], ["project", "delete"], ["environment", "create"], ["environment", "delete"],
  ["service", "create"], ["service", "delete"], ["domain", "create"], ["domain", "delete"],
  ["envVars", "write"], ["projectEnvVars", "write"], ["environmentEnvVars", "write"], ["deployment", "create"],
];

/**
 * Classifies the answer of `user.getPermissions` (`{resource: {action:
 * bool}}`): what the key's user may change. Dokploy has no read-only key
 * type; a key is as read-only as its user's role.
 */
export function accessFinding(permissions: unknown): Finding {
  const table = (permissions ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const granted = WRITE_PERMISSIONS.filter(([r, a]) => table[r]?.[a] === true).map(([r, a]) => `${r}.${a}`);
  if (granted.length === 0) {
    return { check: "access", status: "ok", message: "read-only: enough for validate, plan and comment; apply and run need a key that may write" };
  }
  const all = granted.length === WRITE_PERMISSIONS.length;
  return {
    check: "access",
    status: "ok",
    message: all
      ? "may write (owner or admin): right for apply and run; a CI job that only plans can use a read-only user's key"
      : `may write some things (${granted.join(", ")}): apply fails on the rest; plan and comment need none of it`,
  };
}

/** What the key's user may do, from `user.getPermissions`. */
export async function checkAccess(target: DoctorTarget): Promise<Finding> {
  const answer = await get(target, "/api/user.getPermissions", true);
  if ("error" in answer) return { check: "access", status: "warn", message: `cannot read the key's permissions: ${answer.error}` };
  if (answer.status !== 200) {
    return { check: "access", status: "warn", message: `cannot read the key's permissions (user.getPermissions answered ${answer.status}); plan shows what the key can see` };
  }
  return accessFinding(answer.body);
}

function skipped(check: Finding["check"]): Finding {
  return { check, status: "skipped", message: "not checked: the key was not accepted" };
}

/** Runs every check in order; later checks are skipped when an earlier one makes them meaningless. */
export async function runDoctorChecks(target: DoctorTarget): Promise<Finding[]> {
  const url = await checkUrl(target);
  if (url.status === "fail") return [url, skipped("key"), skipped("version"), skipped("access")].map((f, i) => (i > 0 ? { ...f, message: "not checked: Dokploy is not reachable" } : f));
  const keyAndVersion = await checkKeyAndVersion(target);
  if (keyAndVersion[0]!.status === "fail") return [url, ...keyAndVersion, skipped("access")];
  return [url, ...keyAndVersion, await checkAccess(target)];
}
