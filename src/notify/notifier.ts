/**
 * The daemon's notifier: fed every finished pass, it works out the events
 * (`events.ts`), what is new, cleared or due again (`tracker.ts`), and sends
 * each notice to each target that wants it, rate-limited per target. Sending
 * never blocks or fails a pass: requests go out in the background, in order
 * per target, with a timeout, one retry, and a bounded queue. Every text is
 * redacted before formatting, and a body that would still carry a known
 * secret is withheld, not sent.
 */
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import type { PassResult } from "../reconcile/types.ts";
import { settleWithin } from "../report/settle.ts";
import type { Redactor } from "../util/redact.ts";
import { targetName, type NotifySettings, type NotifyTarget } from "./config.ts";
import { passEvents, type ActiveEvent } from "./events.ts";
import { formatRequest, type OutgoingRequest } from "./formats.ts";
import { RateLimiter } from "./rate-limit.ts";
import { EventTracker, type Notice } from "./tracker.ts";

/** Requests waiting per target beyond which new notices are dropped (a dead endpoint must not grow memory). */
const MAX_QUEUE = 50;
const REQUEST_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 1_000;

export interface NotifierDeps {
  instance: string;
  mode: "apply" | "detect";
  log: Logger;
  redactor: Redactor;
  /** Where counters go (`dokploy_gitops_notifications_total`); none in unit tests. */
  registry?: Registry;
  /** The status page's URL for links (known once the server listens). */
  pageUrl: () => string | undefined;
  now?: () => number;
  /** The HTTP client (global fetch by default). */
  fetch?: typeof fetch;
}

interface TargetState {
  target: NotifyTarget;
  name: string;
  limiter: RateLimiter;
  queue: Promise<void>;
  waiting: number;
}

/** Masks every secret in every string of a notice (field by field, so no JSON escaping hides one). */
function redactNotice(notice: Notice, redactor: Redactor): Notice {
  const event = (e: ActiveEvent): ActiveEvent => ({ ...e, message: redactor.redact(e.message), key: redactor.redact(e.key), ...(e.resource ? { resource: redactor.redact(e.resource) } : {}) });
  return { ...notice, text: redactor.redact(notice.text), events: notice.events.map(event) };
}

/** Sends notifications for the daemon's passes. */
export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #tracker: EventTracker;
  readonly #targets: TargetState[];
  readonly #now: () => number;
  readonly #counter: Counter<"provider" | "result"> | undefined;
  #previousApplied: string | null = null;
  #closed = false;

  constructor(settings: NotifySettings, deps: NotifierDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#tracker = new EventTracker({ renotifyMs: settings.renotifyMs, now: this.#now });
    this.#targets = settings.targets.map((target) => {
      // The URL and the secrets never appear anywhere; nor, for the providers whose path is the
      // token (Slack, Discord, Teams), the path alone. Other paths stay readable ("/deploys").
      deps.redactor.add(target.url, target.secret, target.token);
      if (target.kind === "slack" || target.kind === "discord" || target.kind === "teams") {
        const u = new URL(target.url);
        deps.redactor.add(`${u.pathname}${u.search}`);
      }
      return { target, name: targetName(target), limiter: new RateLimiter({ ...settings.rateLimit, now: this.#now }), queue: Promise.resolve(), waiting: 0 };
    });
    this.#counter = deps.registry
      ? new Counter({
          name: "dokploy_gitops_notifications_total",
          // By provider, not by target: /metrics is read without a credential and must not name hosts.
          help: "Notifications by provider (slack, discord, teams, ntfy, webhook) and result (sent, failed, rate_limited, dropped, withheld).",
          labelNames: ["provider", "result"] as const,
          registers: [deps.registry],
        })
      : undefined;
  }

  /** Feeds a finished pass; returns the notices it produced (sending continues in the background). */
  observePass(result: PassResult): Notice[] {
    const events = passEvents(result, { mode: this.#deps.mode, previousApplied: this.#previousApplied });
    if (result.outcome === "succeeded" && result.revision !== undefined) this.#previousApplied = result.revision;
    const notices = this.#tracker.observe(events).map((n) => redactNotice(n, this.#deps.redactor));
    if (this.#closed) return notices;
    for (const notice of notices) for (const t of this.#targets) this.#enqueue(t, notice);
    return notices;
  }

  /** Keys of the events active now. */
  get activeEvents(): string[] {
    return this.#tracker.activeKeys;
  }

  /** Waits (bounded by `timeoutMs`) for queued sends; later passes send nothing. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.#closed = true;
    await settleWithin(Promise.allSettled(this.#targets.map((t) => t.queue)), timeoutMs);
  }

  #count(t: TargetState, result: string): void {
    this.#counter?.inc({ provider: t.target.kind, result });
  }

  #enqueue(t: TargetState, notice: Notice): void {
    if (t.target.events && !t.target.events.includes(notice.type)) return;
    const suppressed = t.limiter.take();
    if (suppressed === undefined) {
      this.#count(t, "rate_limited");
      this.#deps.log.debug({ notify: t.name, event: notice.type }, "notification suppressed by the rate limit");
      return;
    }
    if (t.waiting >= MAX_QUEUE) {
      this.#count(t, "dropped");
      this.#deps.log.warn({ notify: t.name }, "notification dropped: too many waiting for a slow target");
      return;
    }
    const pageUrl = this.#deps.pageUrl();
    const request = formatRequest(t.target.kind, t.target.url, notice, {
      instance: this.#deps.instance, suppressed, at: new Date(this.#now()).toISOString(), ...(pageUrl ? { pageUrl } : {}),
    }, { ...(t.target.secret !== undefined ? { secret: t.target.secret } : {}), ...(t.target.token !== undefined ? { token: t.target.token } : {}) });
    if (this.#deps.redactor.leaks(request.body)) {
      // Belt and braces: everything was redacted above, so this is a bug; never send it.
      this.#count(t, "withheld");
      this.#deps.log.error({ notify: t.name, event: notice.type }, "notification withheld: its body would contain a secret");
      return;
    }
    t.waiting++;
    t.queue = t.queue.then(() => this.#send(t, request, notice)).finally(() => {
      t.waiting--;
    });
  }

  async #send(t: TargetState, request: OutgoingRequest, notice: Notice): Promise<void> {
    const doFetch = this.#deps.fetch ?? fetch;
    const log = this.#deps.log.child({ notify: t.name, event: notice.type, state: notice.state });
    for (let attempt = 1; attempt <= 2; attempt++) {
      let problem: string;
      let retry: boolean;
      try {
        const res = await doFetch(request.url, {
          method: "POST", headers: { "user-agent": "dokploy-gitops", ...request.headers }, body: request.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: "error",
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.#count(t, "sent");
          log.debug("notification sent");
          return;
        }
        problem = `HTTP ${res.status}`;
        retry = res.status === 429 || res.status >= 500;
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        problem = e.name === "TimeoutError" ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : (e.cause?.code ?? e.message);
        retry = true;
      }
      if (!retry || attempt === 2 || this.#closed) {
        this.#count(t, "failed");
        log.warn({ problem: this.#deps.redactor.redact(problem) }, `notification to ${t.name} failed: ${this.#deps.redactor.redact(problem)}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS).unref());
    }
  }
}
