/**
 * Turns the events of successive passes into what is worth saying: an event
 * is announced once when it starts and once when it clears (not on every
 * pass), again only after the re-notify interval while it lasts, and the
 * notices of one pass are grouped so a pass that breaks 500 deploys makes one
 * message, not 500. Pure apart from the injected clock.
 */
import { SILENT_CLEAR, summarizeList, labelOf, type ActiveEvent, type EventType, type PassEvents } from "./events.ts";

/** Whether a notice says an event started (or still holds) or ended. */
export type NoticeState = "firing" | "resolved";

/** One message to send, before formatting for a provider. */
export interface Notice {
  type: EventType;
  state: NoticeState;
  /** True for a reminder of an event already announced (re-notify interval). */
  repeat: boolean;
  /** One line naming the subject(s). */
  text: string;
  /** The revision of the pass that produced the notice. */
  revision?: string;
  /** The events behind it (at most `MAX_LISTED`); `total` counts all of them. */
  events: ActiveEvent[];
  total: number;
  /** ISO time the (first) event started. */
  since: string;
}

/** Past this many events of one type and state in a pass, they share one notice. */
export const GROUP_ABOVE = 3;
/** Events listed in one grouped notice (the rest are counted). */
export const MAX_LISTED = 20;

export interface TrackerOptions {
  /** Repeat a still-active event after this long; 0 never repeats. */
  renotifyMs: number;
  now?: () => number;
}

interface Tracked {
  event: ActiveEvent;
  since: number;
  lastSent: number;
}

const RESOLVED_TEXT: Record<EventType, (e: ActiveEvent) => string> = {
  "pass-failed": () => "recovered: reconciliation succeeded again",
  "deploy-failed": (e) => `${labelOf(e.resource ?? e.key)}: deploy recovered`,
  "drift-detected": (e) => `${labelOf(e.resource ?? e.key)}: back in sync`,
  "drift-corrected": (e) => `${labelOf(e.resource ?? e.key)}: in sync`,
  "prune-refused": () => "prune no longer refused",
  "source-unreachable": () => "source reachable again",
};

const GROUP_TEXT: Record<EventType, [string, string]> = {
  "pass-failed": ["reconciliation failed", "reconciliation recovered"],
  "deploy-failed": ["deploys failed", "deploys recovered"],
  "drift-detected": ["resources drifted", "resources back in sync"],
  "drift-corrected": ["drifted resources corrected", "resources in sync"],
  "prune-refused": ["prune refused", "prune no longer refused"],
  "source-unreachable": ["source unreachable", "source reachable again"],
};

/** Remembers which events are active and decides what to announce after each pass. */
export class EventTracker {
  readonly #renotifyMs: number;
  readonly #now: () => number;
  readonly #active = new Map<string, Tracked>();

  constructor(options: TrackerOptions) {
    this.#renotifyMs = options.renotifyMs;
    this.#now = options.now ?? Date.now;
  }

  /** Keys of the events currently active (for tests and the status page). */
  get activeKeys(): string[] {
    return [...this.#active.keys()];
  }

  /** Feeds one pass; returns the notices to send, grouped. */
  observe(events: PassEvents): Notice[] {
    const now = this.#now();
    const started: Tracked[] = [];
    const repeated: Tracked[] = [];
    const cleared: Tracked[] = [];
    const seen = new Set<string>();
    for (const event of events.active) {
      seen.add(event.key);
      const tracked = this.#active.get(event.key);
      if (!tracked) {
        const t = { event, since: now, lastSent: now };
        this.#active.set(event.key, t);
        started.push(t);
        continue;
      }
      tracked.event = event;
      if (this.#renotifyMs > 0 && now - tracked.lastSent >= this.#renotifyMs) {
        tracked.lastSent = now;
        repeated.push(tracked);
      }
    }
    for (const [key, tracked] of this.#active) {
      if (seen.has(key) || !events.observed.has(tracked.event.type)) continue;
      this.#active.delete(key);
      if (!SILENT_CLEAR.has(tracked.event.type)) cleared.push(tracked);
    }
    return [
      ...group(started, "firing", false, events.revision),
      ...group(repeated, "firing", true, events.revision),
      ...group(cleared, "resolved", false, events.revision),
    ];
  }
}

function group(items: Tracked[], state: NoticeState, repeat: boolean, revision: string | undefined): Notice[] {
  const byType = new Map<EventType, Tracked[]>();
  for (const t of items) byType.set(t.event.type, [...(byType.get(t.event.type) ?? []), t]);
  const notices: Notice[] = [];
  const base = (type: EventType) => ({ type, state, repeat, ...(revision !== undefined ? { revision } : {}) });
  for (const [type, list] of byType) {
    if (list.length <= GROUP_ABOVE) {
      for (const t of list) {
        const text = state === "resolved" ? RESOLVED_TEXT[type](t.event) : t.event.message;
        notices.push({ ...base(type), text, events: [t.event], total: 1, since: new Date(t.since).toISOString() });
      }
      continue;
    }
    const subjects = list.map((t) => labelOf(t.event.resource ?? t.event.key));
    const [firing, resolved] = GROUP_TEXT[type];
    notices.push({
      ...base(type),
      text: `${list.length} ${state === "firing" ? firing : resolved}: ${summarizeList(subjects, 3)}`,
      events: list.slice(0, MAX_LISTED).map((t) => t.event),
      total: list.length,
      since: new Date(Math.min(...list.map((t) => t.since))).toISOString(),
    });
  }
  return notices;
}
