/**
 * Replay protection for webhooks. A signature proves who made a delivery, not
 * when: a captured delivery (from a proxy log, a shared screen) verifies
 * forever. Each verified delivery is remembered for a window by its delivery
 * id (GitHub's `X-GitHub-Delivery`, Gitea's `X-Gitea-Delivery`, GitLab's
 * `Idempotency-Key` / `X-Gitlab-Event-UUID`, all kept across a provider's own
 * retries) and by the digest of its signed body: the id header is not covered
 * by the signature, so a replay with a fresh id still matches its body. A
 * replay inside the window is answered 200 without a new pass.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { WebhookProvider } from "./webhooks.ts";

/** How long a delivery is remembered. */
export const DEFAULT_REPLAY_WINDOW_MS = 10 * 60_000;

/** The headers that carry a provider's delivery id, most specific first. */
const DELIVERY_HEADERS: Record<WebhookProvider, readonly string[]> = {
  github: ["x-github-delivery"],
  gitea: ["x-gitea-delivery", "x-github-delivery"],
  gitlab: ["idempotency-key", "x-gitlab-event-uuid"],
};

/** The keys a delivery is remembered by: its id (when sent) and its body's digest. */
export function deliveryKeys(provider: WebhookProvider, headers: IncomingHttpHeaders, body: Buffer): string[] {
  const keys = [`body:${provider}:${createHash("sha256").update(body).digest("hex")}`];
  for (const name of DELIVERY_HEADERS[provider]) {
    const v = headers[name];
    const id = (Array.isArray(v) ? v[0] : v)?.trim();
    if (id) {
      keys.push(`id:${provider}:${id}`);
      break;
    }
  }
  return keys;
}

/** Deliveries seen in the last window; bounded, oldest forgotten first. */
export class DeliveryLog {
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { windowMs?: number; max?: number; now?: () => number } = {}) {
    this.#windowMs = options.windowMs ?? DEFAULT_REPLAY_WINDOW_MS;
    this.#max = options.max ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * True when any of `keys` was seen within the window (a replay). Otherwise
   * records them and returns false.
   */
  replayed(keys: readonly string[]): boolean {
    const now = this.#now();
    // Entries are in insertion (= time) order: drop the expired ones from the front.
    for (const [key, at] of this.#seen) {
      if (now - at < this.#windowMs) break;
      this.#seen.delete(key);
    }
    if (keys.some((k) => this.#seen.has(k))) return true;
    for (const k of keys) this.#seen.set(k, now);
    while (this.#seen.size > this.#max) this.#seen.delete(this.#seen.keys().next().value!);
    return false;
  }
}
