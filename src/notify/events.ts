/**
 * What a finished pass says people should hear about, as a set of *active*
 * events with stable keys. Pure: the same pass always gives the same events.
 * Deciding what to send (start, clear, re-notify, rate limit) is the
 * tracker's job; this module only reads the pass. A pass also says which
 * event types it could see: a pass that stopped at the source says nothing
 * about deploys, so it must not clear a deploy failure.
 */
import { resourceLabel } from "../model/resource.ts";
import { parseResourceKey } from "../kinds/registry.ts";
import { passMessage } from "../reconcile/conditions.ts";
import { replacesResources } from "../reconcile/status-store.ts";
import type { PassResult } from "../reconcile/types.ts";

/** The kinds of event people can be told about (also the names `events:` filters use). */
export const EVENT_TYPES = [
  "pass-failed",
  "deploy-failed",
  "drift-detected",
  "drift-corrected",
  "prune-refused",
  "source-unreachable",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One active event. Its key is what deduplicates it across passes. */
export interface ActiveEvent {
  /** `pass-failed`, `deploy-failed:Application/shop/production/web`, ... */
  key: string;
  type: EventType;
  /** The resource key, for per-resource events. */
  resource?: string;
  /** Dokploy's deployment id, for deploy failures that have one. */
  deploymentId?: string;
  /** One line, naming its subject; redaction happens before sending. */
  message: string;
}

/** The events of one pass, and which types it observed (only those can clear). */
export interface PassEvents {
  revision?: string;
  observed: ReadonlySet<EventType>;
  active: ActiveEvent[];
}

/** Types whose end is not announced: a corrected drift is already over when it is reported. */
export const SILENT_CLEAR: ReadonlySet<EventType> = new Set<EventType>(["drift-corrected"]);

/** What `passEvents` needs besides the pass. */
export interface PassContext {
  mode: "apply" | "detect";
  /** The revision the previous successful pass applied: updates at the same revision are corrected drift. */
  previousApplied?: string | null;
}

/** `application/shop/production/web` for a resource key (the key itself when it does not parse). */
export function labelOf(key: string): string {
  const id = parseResourceKey(key);
  return id ? resourceLabel(id) : key;
}

/** The first line of a message, cut to `max` characters. */
export function firstLine(text: string, max = 300): string {
  const line = text.split("\n", 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The events of a finished pass. */
export function passEvents(result: PassResult, context: PassContext): PassEvents {
  const observed = new Set<EventType>();
  const active: ActiveEvent[] = [];
  const revision = result.revision;

  observed.add("source-unreachable");
  if (result.reason === "SourceFailed") {
    active.push({ key: "source-unreachable", type: "source-unreachable", message: `source unreachable: ${firstLine(result.message)}` });
    // Nothing else is known: the pass never saw the revision.
    return { ...(revision !== undefined ? { revision } : {}), observed, active };
  }

  observed.add("pass-failed");
  if (result.outcome === "failed") {
    active.push({ key: "pass-failed", type: "pass-failed", message: `reconciliation failed (${result.reason}): ${firstLine(passMessage(result))}` });
  }

  if (result.plan) {
    observed.add("prune-refused");
    const refusal = result.plan.refusals[0];
    if (refusal) active.push({ key: "prune-refused", type: "prune-refused", message: `prune refused by the ${refusal.guard} guard: ${firstLine(refusal.message)}` });
  }

  if (replacesResources(result)) {
    observed.add("deploy-failed");
    const deployFailures = new Map<string, ActiveEvent>();
    for (const o of result.apply?.outcomes ?? []) {
      const d = o.deploy;
      if (!d || (d.status !== "error" && d.status !== "timeout")) continue;
      const why = d.status === "timeout" ? "did not finish in time" : firstLine(d.message ?? o.error ?? "failed");
      deployFailures.set(o.key, {
        key: `deploy-failed:${o.key}`, type: "deploy-failed", resource: o.key,
        ...(d.deploymentId ? { deploymentId: d.deploymentId } : {}),
        message: `${labelOf(o.key)}: deploy failed${d.deploymentId ? ` (deployment ${d.deploymentId})` : ""}: ${why}`,
      });
    }
    for (const r of result.resources) {
      // A deploy that failed earlier stays failed while the application is Degraded.
      if (r.health === "Degraded" && !deployFailures.has(r.key)) {
        const d = r.deployment;
        // The pass queued the deploy and ended; a later pass reads how the build ended.
        deployFailures.set(r.key, d?.status === "error"
          ? {
              key: `deploy-failed:${r.key}`, type: "deploy-failed", resource: r.key, ...(d.id ? { deploymentId: d.id } : {}),
              message: `${labelOf(r.key)}: deploy failed${d.id ? ` (deployment ${d.id})` : ""}: ${firstLine(d.error ?? "the build failed")}`,
            }
          : { key: `deploy-failed:${r.key}`, type: "deploy-failed", resource: r.key, message: `${labelOf(r.key)}: Degraded (its last deployment failed)` });
      }
    }
    active.push(...deployFailures.values());

    if (context.mode === "detect") {
      observed.add("drift-detected");
      for (const r of result.resources) {
        if (r.sync !== "OutOfSync" && r.sync !== "Missing") continue;
        const fields = (r.drift ?? []).map((f) => f.path);
        const what = r.sync === "Missing" ? "missing in Dokploy" : `drifted${fields.length > 0 ? ` (${summarizeList(fields, 3)})` : ""}`;
        active.push({ key: `drift-detected:${r.key}`, type: "drift-detected", resource: r.key, message: `${labelOf(r.key)}: ${what}` });
      }
    }
  }

  if (context.mode === "apply" && result.plan && result.apply) {
    observed.add("drift-corrected");
    // Updates at the revision already applied were not asked for by a commit: the live state drifted.
    const sameRevision = revision !== undefined && context.previousApplied === revision;
    if (sameRevision) {
      const succeeded = new Set(result.apply.outcomes.filter((o) => o.status === "succeeded").map((o) => o.key));
      for (const step of result.plan.steps) {
        if (step.action !== "update" || !succeeded.has(step.key)) continue;
        const fields = step.changes.map((c) => c.path);
        active.push({
          key: `drift-corrected:${step.key}`, type: "drift-corrected", resource: step.key,
          message: `${labelOf(step.key)}: drift corrected${fields.length > 0 ? ` (${summarizeList(fields, 3)})` : ""}`,
        });
      }
    }
  }
  return { ...(revision !== undefined ? { revision } : {}), observed, active };
}

/** `a, b, c and 4 more`. */
export function summarizeList(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
