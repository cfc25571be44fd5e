/**
 * Notification targets, from `--notify URL` (repeated) or a small YAML file.
 * A webhook URL is itself a credential (Slack's, Discord's and Teams' carry
 * their token in the path), so URLs and secrets may come from the environment
 * or files, and every one of them is handed to the redactor. Errors name the
 * file, line, column and field. The environment and the file system are
 * passed in: only the CLI reads them.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from "yaml";
import { EVENT_TYPES, type EventType } from "./events.ts";
import { TARGET_KINDS, type TargetKind } from "./formats.ts";
import { DEFAULT_RATE_LIMIT } from "./rate-limit.ts";
import { durationMs } from "../util/duration.ts";

/** One place notifications go. `url`, `secret` and `token` are secrets: never logged. */
export interface NotifyTarget {
  kind: TargetKind;
  url: string;
  /** HMAC-SHA256 key of a generic webhook (required for `webhook`). */
  secret?: string;
  /** Access token of an ntfy server. */
  token?: string;
  /** Only these event types (all when absent). */
  events?: EventType[];
}

/** Everything the notifier needs, resolved once. */
export interface NotifySettings {
  targets: NotifyTarget[];
  /** Repeat a still-active event after this long (0: never). */
  renotifyMs: number;
  rateLimit: { burst: number; refillMs: number };
}

/** Default re-notify interval for long failures (Alertmanager's `repeat_interval`). */
export const DEFAULT_RENOTIFY_MS = 4 * 3_600_000;

/** Bad notification settings: the message says where and what was expected. */
export class NotifyConfigError extends Error {
  override readonly name = "NotifyConfigError";
}

/** A target's name for logs and metrics: provider and host, never the path (it may hold a token). */
export function targetName(target: Pick<NotifyTarget, "kind" | "url">): string {
  try {
    return `${target.kind}:${new URL(target.url).host}`;
  } catch {
    return target.kind;
  }
}

const KIND_BY_HOST: Array<[RegExp, TargetKind]> = [
  [/^hooks\.slack\.com$/, "slack"],
  [/^(?:[\w-]+\.)?discord(?:app)?\.com$/, "discord"],
  [/(?:\.logic\.azure\.com|\.powerplatform\.com|\.powerautomate\.com|\.webhook\.office\.com)$/, "teams"],
  [/^ntfy\.sh$/, "ntfy"],
];

/**
 * Parses `[KIND+]URL`: `slack+https://...`, `ntfy+https://ntfy.example.com/topic`,
 * or a bare URL whose host says the provider (hooks.slack.com, discord.com,
 * Teams workflow hosts, ntfy.sh); any other bare URL is a generic webhook.
 */
export function parseTargetUrl(text: string, where: string): { kind: TargetKind; url: string } {
  const m = /^([a-z]+)\+(.*)$/.exec(text.trim());
  let kind: TargetKind | undefined;
  let rest = text.trim();
  if (m) {
    if (!(TARGET_KINDS as readonly string[]).includes(m[1]!)) {
      throw new NotifyConfigError(`${where}: unknown provider "${m[1]}" (expected ${TARGET_KINDS.join(", ")})`);
    }
    kind = m[1] as TargetKind;
    rest = m[2]!;
  }
  let u: URL;
  try {
    u = new URL(rest);
  } catch {
    throw new NotifyConfigError(`${where}: expected an http(s) URL such as https://hooks.slack.com/services/..., optionally prefixed by ${TARGET_KINDS.map((k) => `${k}+`).join(", ")}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new NotifyConfigError(`${where}: expected an http or https URL, got ${u.protocol.replace(/:$/, "")}:`);
  kind ??= KIND_BY_HOST.find(([re]) => re.test(u.hostname))?.[1] ?? "webhook";
  if (kind === "ntfy" && u.pathname.replace(/\/+$/, "") === "") throw new NotifyConfigError(`${where}: an ntfy URL needs the topic as its path, e.g. https://ntfy.sh/my-deploys`);
  return { kind, url: rest };
}

/** Sources of secrets: the environment and files (both injected). */
export interface SecretSources {
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
}

interface Located {
  where: (node: Node | null | undefined, field: string) => string;
}

function secretValue(node: unknown, field: string, loc: Located, sources: SecretSources, allowLiteral: boolean): string {
  const where = loc.where(node as Node, field);
  if (isScalar(node) && typeof node.value === "string" && node.value !== "") {
    if (allowLiteral) return node.value;
    throw new NotifyConfigError(`${where}: a literal secret is not allowed here; use {fromEnv: NAME} or {fromFile: PATH}`);
  }
  if (isMap(node) && node.items.length === 1) {
    const pair = node.items[0]!;
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const value = isScalar(pair.value) ? String(pair.value.value) : "";
    if (key === "fromEnv" && value) {
      const v = sources.env[value];
      if (!v) throw new NotifyConfigError(`${where}: environment variable ${value} is not set or empty`);
      return v.trim();
    }
    if (key === "fromFile" && value) {
      let text: string;
      try {
        text = sources.readFile(value);
      } catch (err) {
        throw new NotifyConfigError(`${where}: cannot read ${value}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
      }
      const v = text.trim();
      if (!v) throw new NotifyConfigError(`${where}: ${value} is empty`);
      return v;
    }
  }
  throw new NotifyConfigError(`${where}: expected ${allowLiteral ? "a string, " : ""}{fromEnv: NAME} or {fromFile: PATH}`);
}

/** Parses a duration in the tool's one grammar (`30s`, `15m`, `1h30m`, `2d`; util/duration.ts), or 0 for never. */
export function parseInterval(text: string, where: string): number {
  if (text.trim() === "0") return 0;
  const ms = durationMs(text);
  if (ms === undefined) throw new NotifyConfigError(`${where}: expected a duration such as 30m, 4h or 1h30m (0 never repeats), got "${text}"`);
  return ms;
}

/**
 * Reads a notification config file:
 *
 *     renotifyInterval: 4h          # optional
 *     rateLimit: { burst: 10, per: 1m }   # optional
 *     targets:
 *       - url: { fromEnv: SLACK_WEBHOOK_URL }
 *       - type: webhook
 *         url: https://hooks.example.com/dokploy
 *         secret: { fromFile: /run/secrets/notify-hmac }
 *         events: [pass-failed, deploy-failed]
 */
export function parseNotifyConfig(file: string, text: string, sources: SecretSources): Partial<NotifySettings> & { targets: NotifyTarget[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const loc: Located = {
    where: (node, field) => {
      const offset = node?.range?.[0];
      if (offset === undefined) return `${file}: ${field}`;
      const { line, col } = lineCounter.linePos(offset);
      return `${file}:${line}:${col}: ${field}`;
    },
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line, col } = lineCounter.linePos(e.pos[0]);
    throw new NotifyConfigError(`${file}:${line}:${col}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new NotifyConfigError(`${loc.where(root, "(document)")}: expected a mapping with targets:`);
  const out: Partial<NotifySettings> & { targets: NotifyTarget[] } = { targets: [] };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    const value = pair.value as Node | null;
    if (key === "renotifyInterval") {
      out.renotifyMs = parseInterval(isScalar(value) ? String(value.value) : "", loc.where(value, "renotifyInterval"));
    } else if (key === "rateLimit") {
      const burst = isMap(value) ? value.get("burst") : undefined;
      const per = isMap(value) ? value.get("per") : undefined;
      if (!isMap(value) || typeof burst !== "number" || !Number.isInteger(burst) || burst < 1 || typeof per !== "string") {
        throw new NotifyConfigError(`${loc.where(value, "rateLimit")}: expected {burst: N, per: DURATION} such as {burst: 10, per: 1m}`);
      }
      out.rateLimit = { burst, refillMs: parseInterval(per, loc.where(value, "rateLimit.per")) || DEFAULT_RATE_LIMIT.refillMs };
    } else if (key === "targets") {
      if (!isSeq(value)) throw new NotifyConfigError(`${loc.where(value, "targets")}: expected a list of targets`);
      value.items.forEach((item, i) => out.targets.push(parseTarget(item as Node, `targets[${i}]`, loc, sources)));
    } else {
      throw new NotifyConfigError(`${loc.where(pair.key as Node, key)}: unknown field (expected targets, renotifyInterval or rateLimit)`);
    }
  }
  return out;
}

function parseTarget(node: Node, field: string, loc: Located, sources: SecretSources): NotifyTarget {
  if (!isMap(node)) throw new NotifyConfigError(`${loc.where(node, field)}: expected a mapping with url:`);
  const allowed = new Set(["url", "type", "secret", "token", "events"]);
  for (const pair of node.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!allowed.has(k)) throw new NotifyConfigError(`${loc.where(pair.key as Node, `${field}.${k}`)}: unknown field (expected ${[...allowed].join(", ")})`);
  }
  const urlNode = node.get("url", true);
  if (!urlNode) throw new NotifyConfigError(`${loc.where(node, `${field}.url`)}: required`);
  const rawUrl = secretValue(urlNode, `${field}.url`, loc, sources, true);
  const typeNode = node.get("type", true);
  const type = isScalar(typeNode) ? String(typeNode.value) : undefined;
  if (typeNode && (!type || !(TARGET_KINDS as readonly string[]).includes(type))) {
    throw new NotifyConfigError(`${loc.where(typeNode, `${field}.type`)}: expected one of ${TARGET_KINDS.join(", ")}`);
  }
  const parsed = parseTargetUrl(type ? `${type}+${rawUrl.replace(/^[a-z]+\+/, "")}` : rawUrl, loc.where(urlNode, `${field}.url`));
  const target: NotifyTarget = { ...parsed };
  const secretNode = node.get("secret", true);
  if (secretNode) target.secret = secretValue(secretNode, `${field}.secret`, loc, sources, false);
  const tokenNode = node.get("token", true);
  if (tokenNode) target.token = secretValue(tokenNode, `${field}.token`, loc, sources, false);
  const eventsNode = node.get("events", true);
  if (eventsNode) {
    const list = isSeq(eventsNode) ? eventsNode.items.map((n) => (isScalar(n) ? String(n.value) : "")) : [];
    const bad = list.find((e) => !(EVENT_TYPES as readonly string[]).includes(e));
    if (!isSeq(eventsNode) || list.length === 0 || bad !== undefined) {
      throw new NotifyConfigError(`${loc.where(eventsNode, `${field}.events`)}: expected a list of ${EVENT_TYPES.join(", ")}${bad !== undefined ? ` (got "${bad}")` : ""}`);
    }
    target.events = list as EventType[];
  }
  return target;
}

/** Checks what every target needs (a generic webhook must be signed). */
export function checkTargets(targets: readonly NotifyTarget[]): void {
  for (const t of targets) {
    if (t.kind === "webhook" && t.secret === undefined) {
      throw new NotifyConfigError(
        `notify: the generic webhook ${targetName(t)} needs a signing secret: --notify-secret-file FILE, DOKPLOY_GITOPS_NOTIFY_SECRET, or secret: in --notify-config`,
      );
    }
  }
}
