/**
 * Status conditions in the Flux style: `Ready`, `Reconciling`, `Stalled`, each
 * True or False with a fixed PascalCase reason and a plain-sentence message.
 * A condition's `lastTransitionTime` only moves when its status flips, so a
 * reader can tell how long the daemon has been (un)ready.
 */
import type { Diagnostic } from "../model/manifest.ts";
import type { PassResult } from "./types.ts";

export type ConditionType = "Ready" | "Reconciling" | "Stalled";

/** One condition as `/status` shows it. */
export interface Condition {
  type: ConditionType;
  status: "True" | "False";
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** What the conditions are computed from. */
export interface ConditionInputs {
  /** The last finished pass, if any. */
  last?: PassResult;
  /** A pass is running now. */
  running: boolean;
  /** A retry after a transient failure is scheduled. */
  retryScheduled: boolean;
  now: string;
}

/** How many diagnostics a condition message quotes before "and N more". */
const MAX_QUOTED_DIAGNOSTICS = 3;

/** `file:line:column: message` for each of the first few errors, for condition messages. */
export function describeDiagnostics(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return "";
  const quoted = errors.slice(0, MAX_QUOTED_DIAGNOSTICS).map(
    (d) => `${d.file}:${d.line}:${d.column}: ${d.resource ? `${d.resource}: ` : ""}${d.message}`,
  );
  const more = errors.length - quoted.length;
  return quoted.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/** The message of a finished pass, with its first diagnostics when it has any. */
export function passMessage(result: PassResult): string {
  const diag = describeDiagnostics(result.diagnostics);
  if (!diag || result.message.includes(diag)) return result.message;
  return result.message ? `${result.message}: ${diag}` : diag;
}

/** Computes the three conditions, keeping transition times of those whose status did not change. */
export function computeConditions(previous: readonly Condition[], inputs: ConditionInputs): Condition[] {
  const { last, running, retryScheduled, now } = inputs;
  const next: Array<Omit<Condition, "lastTransitionTime">> = [];

  if (!last) {
    next.push({ type: "Ready", status: "False", reason: "Progressing", message: "the first reconciliation has not finished yet" });
  } else if (last.outcome === "succeeded") {
    next.push({ type: "Ready", status: "True", reason: last.reason, message: passMessage(last) });
  } else {
    next.push({ type: "Ready", status: "False", reason: last.reason, message: passMessage(last) });
  }

  if (running) {
    next.push({ type: "Reconciling", status: "True", reason: "Progressing", message: "a reconciliation pass is running" });
  } else if (retryScheduled && last) {
    next.push({
      type: "Reconciling",
      status: "True",
      reason: "ProgressingWithRetry",
      message: `retrying after a transient failure (${last.reason})`,
    });
  } else {
    next.push({ type: "Reconciling", status: "False", reason: last?.reason ?? "Progressing", message: "idle" });
  }

  if (last && last.outcome === "failed" && !last.transient) {
    next.push({ type: "Stalled", status: "True", reason: last.reason, message: passMessage(last) });
  } else {
    next.push({ type: "Stalled", status: "False", reason: last?.reason ?? "Progressing", message: "" });
  }

  return next.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now;
    return { ...c, lastTransitionTime };
  });
}
