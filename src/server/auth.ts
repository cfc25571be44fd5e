/**
 * Constant-time secret comparison for the HTTP surface. Both sides are hashed
 * first, so the comparison takes the same time whatever the lengths are and
 * `timingSafeEqual` never sees buffers of different sizes.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** True when `provided` equals `expected`, compared in constant time. */
export function safeEqual(provided: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash("sha256").update(provided).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Hex HMAC-SHA256 of `body` with `secret` (GitHub's and Gitea's webhook signature). */
export function hmacSha256Hex(secret: string, body: Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Checks `Authorization: Bearer <token>` against the configured status token.
 * No token configured means the endpoints are open (the default for a daemon
 * listening inside a cluster network).
 */
export function bearerAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m !== null && safeEqual(m[1]!, token);
}
