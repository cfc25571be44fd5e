/**
 * How calls look on Dokploy's wire (apps/dokploy/pages/api/[...trpc].ts, served by
 * the @dokploy/trpc-openapi adapter): `/api/<router>.<procedure>`,
 * GET inputs as one query parameter per top-level field, JSON bodies for
 * POST, and Dokploy's error shape turned into `DokployError`s whose messages
 * a person can act on. Pure functions, so they are table-tested without HTTP.
 */
import { DokployError } from "./errors.ts";
import type { DokployErrorKind } from "./errors.ts";

/** The message of every 401: Dokploy answers a bad key, an expired key and an exhausted rate limit alike. */
export const UNAUTHORIZED_MESSAGE =
  "Dokploy rejected the API key (401 Unauthorized): the key is invalid, expired, or its rate limit is exhausted — Dokploy answers all three the same way";

/** Where a Dokploy lives: the origin for the connection pool and the path prefix before `/api`. */
export interface DokployBase {
  origin: string;
  /** "" or a prefix such as "/dokploy" (no trailing slash), for a Dokploy behind a sub-path. */
  basePath: string;
}

/**
 * Parses the configured base URL. Accepts a trailing slash and a sub-path,
 * rejects anything that is not http(s) or that carries a query or fragment
 * (they would silently break every call).
 */
export function resolveDokployBase(url: string): DokployBase {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Dokploy url: expected an http(s) URL such as https://dokploy.example.com, got "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`Dokploy url: expected an http or https scheme, got "${parsed.protocol}" in "${parsed.origin}"`);
  }
  if (parsed.username || parsed.password) {
    throw new TypeError("Dokploy url: credentials in the URL are not supported; pass the API key separately");
  }
  if (parsed.search || parsed.hash) {
    throw new TypeError(`Dokploy url: expected no query or fragment, got "${parsed.search}${parsed.hash}"`);
  }
  let basePath = parsed.pathname.replace(/\/+$/, "");
  // A user who pasted the API root (".../api") means the server itself.
  if (basePath.endsWith("/api")) basePath = basePath.slice(0, -4);
  return { origin: parsed.origin, basePath };
}

/** The request path of `endpoint` (`project.all`, or `health`) below `base`. */
export function endpointPath(base: DokployBase, endpoint: string): string {
  return `${base.basePath}/api/${endpoint}`;
}

/** Full URL of an endpoint, for messages and for callers that want to show where a call went. */
export function resolveEndpointUrl(url: string, endpoint: string): string {
  const base = resolveDokployBase(url);
  return `${base.origin}${endpointPath(base, endpoint)}`;
}

/**
 * Encodes a GET input as Dokploy reads it: one parameter per top-level field,
 * arrays as repeated keys, undefined omitted, null as an empty value is not
 * something Dokploy can coerce, so it is omitted too. Objects are refused: no
 * read endpoint takes one, and stringifying would hide a caller's mistake.
 */
export function encodeQuery(endpoint: string, input: unknown): string {
  if (input === undefined || input === null) return "";
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new TypeError(`${endpoint}: expected an object input for a GET call, got ${Array.isArray(input) ? "an array" : typeof input}`);
  }
  const params = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (typeof value === "object") {
      throw new TypeError(`${endpoint}: query field "${key}" must be a string, number or boolean, got an object`);
    }
    params.append(key, String(value));
  };
  for (const [key, value] of Object.entries(input)) {
    if (Array.isArray(value)) for (const item of value) add(key, item);
    else add(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Dokploy's JSON error body (apps/dokploy/server/api/trpc.ts `errorFormatter`), as far as it is read. */
interface DokployErrorBody {
  message?: unknown;
  code?: unknown;
  issues?: unknown;
}

/** Turns zod 4 issues into "/branch expected string; /repository must be present (null is allowed)". */
export function formatIssues(issues: unknown): string | undefined {
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  const parts: string[] = [];
  for (const raw of issues.slice(0, 10)) {
    if (!raw || typeof raw !== "object") continue;
    const issue = raw as { path?: unknown; expected?: unknown; message?: unknown; code?: unknown };
    const path = Array.isArray(issue.path) ? issue.path.map((p) => String(p)) : [];
    const pointer = `/${path.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
    let what: string;
    if (issue.expected === "nonoptional") what = "must be present (null is allowed)";
    else if (issue.code === "invalid_type" && typeof issue.expected === "string") what = `expected ${issue.expected}`;
    else if (typeof issue.message === "string") what = issue.message;
    else what = String(issue.code ?? "is invalid");
    parts.push(`${pointer} ${what}`);
  }
  if (issues.length > 10) parts.push(`and ${issues.length - 10} more`);
  return parts.join("; ");
}

/** A short, single-line excerpt of a non-JSON body, so an HTML error page stays readable. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** The error kind of a non-2xx status. */
export function kindOfStatus(status: number): DokployErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 429 || status === 408 || status >= 500) return "server";
  if (status >= 400) return "rejected";
  return "protocol";
}

/**
 * Builds the error for a non-2xx answer. The text passes through `redact`
 * before it is kept: Dokploy echoes inputs in some messages.
 */
export function errorFromResponse(
  endpoint: string,
  status: number,
  bodyText: string,
  redact: (text: string) => string,
  mayHaveApplied: boolean,
): DokployError {
  let body: DokployErrorBody | undefined;
  try {
    const parsed: unknown = bodyText ? JSON.parse(bodyText) : undefined;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as DokployErrorBody;
  } catch {
    body = undefined;
  }
  const kind = kindOfStatus(status);
  const dokployMessage = typeof body?.message === "string" ? redact(body.message) : undefined;
  const code = typeof body?.code === "string" ? body.code : undefined;
  let message: string;
  if (status === 401 && dokployMessage && dokployMessage !== "Unauthorized") {
    // A bad, expired or rate-limited key gets the bare "Unauthorized" of Dokploy's auth layer; a
    // handler that says more (v0.30.2: "You are not authorized to access this server", another
    // organization's object, a member without the permission) accepted the key and refused the call.
    message = `Dokploy refused the call (401 Unauthorized): ${dokployMessage}. The API key was accepted but may not do this: check the permissions of the key's user and that the object belongs to its organization`;
  } else if (status === 401) {
    message = UNAUTHORIZED_MESSAGE;
  } else if (dokployMessage !== undefined) {
    const issues = formatIssues(body?.issues);
    message = `${dokployMessage}${issues ? `: ${redact(issues)}` : ""} (HTTP ${status}${code ? ` ${code}` : ""})`;
  } else {
    const text = bodyText ? `: ${redact(excerpt(bodyText))}` : " with an empty body";
    message = `HTTP ${status}${text}`;
  }
  return new DokployError({
    endpoint,
    kind,
    message,
    status,
    ...(code !== undefined ? { code } : {}),
    ...(dokployMessage !== undefined ? { dokployMessage } : {}),
    mayHaveApplied,
  });
}

/**
 * Parses a 2xx body: empty means the procedure returned undefined (NOTES
 * §1.4); anything else must be JSON, or the answer did not come from Dokploy
 * (a login page of a proxy, say), which is a `protocol` error.
 */
export function parseSuccessBody(endpoint: string, status: number, bodyText: string, redact: (t: string) => string): unknown {
  if (bodyText.trim() === "") return undefined;
  try {
    return JSON.parse(bodyText) as unknown;
  } catch {
    throw new DokployError({
      endpoint,
      kind: "protocol",
      status,
      message: `expected a JSON body in the HTTP ${status} answer, got: ${redact(excerpt(bodyText))}`,
    });
  }
}
