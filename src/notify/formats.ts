/**
 * One notice in each provider's wire format: Slack and Discord incoming
 * webhooks, a Microsoft Teams workflow webhook (an Adaptive Card, the format
 * the "When a Teams webhook request is received" trigger posts), ntfy's JSON
 * publishing, and a generic JSON webhook signed with HMAC-SHA256. Pure: the
 * texts are already redacted; signing happens on the exact bytes sent.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Notice } from "./tracker.ts";

/** The providers `--notify` knows. */
export const TARGET_KINDS = ["slack", "discord", "teams", "ntfy", "webhook"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Header carrying the generic webhook's signature: `sha256=<hex HMAC-SHA256 of the body>`. */
export const SIGNATURE_HEADER = "x-dokploy-gitops-signature-256";
/** Header naming the event type of a generic webhook delivery. */
export const EVENT_HEADER = "x-dokploy-gitops-event";
/** Header with a unique id per delivery (receivers can drop replays). */
export const DELIVERY_HEADER = "x-dokploy-gitops-delivery";

/** What every message carries besides the notice. */
export interface MessageContext {
  instance: string;
  /** The status page, for links. */
  pageUrl?: string;
  /** Messages dropped by the rate limit just before this one. */
  suppressed: number;
  at: string;
}

/** A request ready to send. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const ICON: Record<Notice["state"], Record<"bad" | "warn", string>> = {
  firing: { bad: "❌", warn: "⚠️" },
  resolved: { bad: "✅", warn: "✅" },
};

function severity(notice: Notice): "bad" | "warn" {
  return notice.type === "drift-detected" || notice.type === "drift-corrected" || notice.type === "prune-refused" ? "warn" : "bad";
}

/** `abc1234` for a sha, `dir:…` hashes shortened too. */
export function shortRevision(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 7) : revision.length > 16 ? `${revision.slice(0, 16)}…` : revision;
}

/** The one-line text every provider shows: icon, instance, what happened, revision. */
export function headline(notice: Notice, ctx: MessageContext): string {
  const rev = shortRevision(notice.revision);
  const still = notice.repeat ? ` (still, since ${notice.since})` : "";
  return `${ICON[notice.state][severity(notice)]} dokploy-gitops/${ctx.instance}: ${notice.text}${still}${rev ? ` [${rev}]` : ""}`;
}

/** Extra lines: the listed events of a grouped notice, and the rate-limit note. */
function details(notice: Notice, ctx: MessageContext): string[] {
  const lines = notice.total > 1 ? notice.events.map((e) => `• ${e.message}`) : [];
  if (notice.total > notice.events.length) lines.push(`…and ${notice.total - notice.events.length} more`);
  if (ctx.suppressed > 0) lines.push(`(${ctx.suppressed} earlier notification(s) suppressed by the rate limit)`);
  return lines;
}

/** Slack's `<url|text>` and Discord's markdown need their control characters neutralised. */
function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The generic webhook's JSON document (documented in docs/operations.md). */
export function webhookPayload(notice: Notice, ctx: MessageContext): Record<string, unknown> {
  return {
    version: 1,
    source: "dokploy-gitops",
    instance: ctx.instance,
    event: notice.type,
    state: notice.state,
    repeat: notice.repeat,
    text: notice.text,
    revision: notice.revision ?? null,
    since: notice.since,
    timestamp: ctx.at,
    url: ctx.pageUrl ?? null,
    total: notice.total,
    suppressed: ctx.suppressed,
    events: notice.events.map((e) => ({
      key: e.key,
      type: e.type,
      resource: e.resource ?? null,
      deploymentId: e.deploymentId ?? null,
      message: e.message,
    })),
  };
}

/** Builds the request for one target. `secret` signs generic webhooks; `token` authorises ntfy. */
export function formatRequest(kind: TargetKind, url: string, notice: Notice, ctx: MessageContext, auth: { secret?: string; token?: string } = {}): OutgoingRequest {
  const json = { "content-type": "application/json" };
  const head = headline(notice, ctx);
  const more = details(notice, ctx);
  switch (kind) {
    case "slack": {
      const link = ctx.pageUrl ? ` <${ctx.pageUrl}|status page>` : "";
      const text = [slackEscape(head) + link, ...more.map(slackEscape)].join("\n");
      return { url, headers: json, body: JSON.stringify({ text }) };
    }
    case "discord": {
      const link = ctx.pageUrl ? ` (<${ctx.pageUrl}>)` : "";
      const content = [head + link, ...more].join("\n").slice(0, 2000);
      // No @everyone or role pings, whatever a resource name or an error says.
      return { url, headers: json, body: JSON.stringify({ content, allowed_mentions: { parse: [] } }) };
    }
    case "teams": {
      const card = {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
        type: "AdaptiveCard",
        version: "1.4",
        body: [
          { type: "TextBlock", text: head, wrap: true, weight: "Bolder" },
          ...more.map((line) => ({ type: "TextBlock", text: line, wrap: true, spacing: "None" })),
        ],
        ...(ctx.pageUrl ? { actions: [{ type: "Action.OpenUrl", title: "Status page", url: ctx.pageUrl }] } : {}),
      };
      const body = { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
      return { url, headers: json, body: JSON.stringify(body) };
    }
    case "ntfy": {
      // JSON publishing: POST to the server root with the topic in the body (UTF-8 safe, unlike headers).
      const u = new URL(url);
      const topic = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, "").split("/").pop() ?? "");
      const body = {
        topic,
        title: `dokploy-gitops/${ctx.instance}: ${notice.state === "resolved" ? "resolved" : notice.type}`,
        message: [head, ...more].join("\n"),
        tags: [notice.state === "resolved" ? "white_check_mark" : severity(notice) === "bad" ? "x" : "warning"],
        priority: notice.state === "firing" && severity(notice) === "bad" ? 4 : 3,
        ...(ctx.pageUrl ? { click: ctx.pageUrl } : {}),
      };
      const root = `${u.origin}${u.pathname.replace(/\/[^/]*\/?$/, "")}/`;
      return { url: root, headers: { ...json, ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}) }, body: JSON.stringify(body) };
    }
    case "webhook": {
      const body = JSON.stringify(webhookPayload(notice, ctx));
      const headers: Record<string, string> = { ...json, [EVENT_HEADER]: notice.type, [DELIVERY_HEADER]: randomUUID() };
      if (auth.secret !== undefined) headers[SIGNATURE_HEADER] = `sha256=${createHmac("sha256", auth.secret).update(body).digest("hex")}`;
      return { url, headers, body };
    }
  }
}
