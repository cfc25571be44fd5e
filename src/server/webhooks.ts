/**
 * Push webhooks from GitHub, Gitea and GitLab. A webhook only says "look
 * again": it is verified (HMAC or token, constant time), filtered to pushes
 * on the followed branch, and turned into a trigger; its payload is never
 * trusted for the revision (the next pass fetches it).
 */
import { hmacSha256Hex, safeEqual } from "./auth.ts";

export const WEBHOOK_PROVIDERS = ["github", "gitea", "gitlab"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** True for a provider name in `/webhooks/<provider>`. */
export function isWebhookProvider(value: string): value is WebhookProvider {
  return (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The header that carries the provider's signature or token. */
export function signatureHeader(provider: WebhookProvider): string {
  return provider === "github" ? "x-hub-signature-256" : provider === "gitea" ? "x-gitea-signature" : "x-gitlab-token";
}

/** GitLab sends the secret itself, so it can be checked before the body is read. */
export function verifiesBeforeBody(provider: WebhookProvider): boolean {
  return provider === "gitlab";
}

/**
 * Verifies a delivery. GitHub: `X-Hub-Signature-256: sha256=<hex hmac>`;
 * Gitea: `X-Gitea-Signature: <hex hmac>`; GitLab: `X-Gitlab-Token: <secret>`.
 * `body` is only needed for the HMAC providers.
 */
export function verifyWebhook(provider: WebhookProvider, headers: Headers, body: Buffer | undefined, secret: string): boolean {
  const provided = header(headers, signatureHeader(provider));
  if (provided === undefined || provided === "") return false;
  if (provider === "gitlab") return safeEqual(provided, secret);
  if (body === undefined) return false;
  const expected = hmacSha256Hex(secret, body);
  if (provider === "github") {
    const m = /^sha256=([0-9a-fA-F]+)$/.exec(provided.trim());
    return m !== null && safeEqual(m[1]!.toLowerCase(), expected);
  }
  return safeEqual(provided.trim().toLowerCase(), expected);
}

/** What a verified delivery asks for. */
export type WebhookDecision =
  | { action: "trigger"; ref?: string }
  | { action: "ignore"; reason: string };

/** The event name header of each provider. */
function eventOf(provider: WebhookProvider, headers: Headers): string | undefined {
  if (provider === "github") return header(headers, "x-github-event");
  if (provider === "gitea") return header(headers, "x-gitea-event") ?? header(headers, "x-github-event");
  return header(headers, "x-gitlab-event");
}

/**
 * The JSON text of a delivery: GitHub can be set to send
 * `application/x-www-form-urlencoded` with the JSON in a `payload` field
 * (the signature still covers the raw body).
 */
function payloadText(headers: Headers, body: Buffer): string {
  const type = header(headers, "content-type") ?? "";
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return new URLSearchParams(body.toString("utf8")).get("payload") ?? "";
  return body.toString("utf8");
}

/**
 * Decides whether a verified delivery triggers a pass: only a push to the
 * followed branch does. With no branch known (a plain directory source, or
 * the default branch not fetched yet), any push does.
 */
export function decideWebhook(provider: WebhookProvider, headers: Headers, body: Buffer, branch: string | undefined): WebhookDecision {
  const event = eventOf(provider, headers);
  if (provider === "github" && event === "ping") return { action: "ignore", reason: "ping" };
  const isPush = provider === "gitlab" ? event === "Push Hook" : event === "push";
  if (event !== undefined && !isPush) return { action: "ignore", reason: `event "${event}" is not a push` };
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText(headers, body));
  } catch {
    return { action: "ignore", reason: "payload is not JSON" };
  }
  const ref = typeof (payload as { ref?: unknown })?.ref === "string" ? (payload as { ref: string }).ref : undefined;
  if (ref === undefined) return { action: "ignore", reason: "payload has no ref" };
  if (branch !== undefined && ref !== `refs/heads/${branch}`) {
    return { action: "ignore", reason: `push to ${ref}, following refs/heads/${branch}` };
  }
  return { action: "trigger", ref };
}
