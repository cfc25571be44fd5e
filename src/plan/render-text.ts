/**
 * The plan as terminal text, Terraform style: one line per resource that
 * changes, its field diffs indented below, guards and warnings where they
 * cannot be missed, and one summary line at the end that scripts and people
 * can both grep. No-ops appear only in the count.
 */
import type { Action, Plan } from "./types.ts";
import type { Redactor } from "../util/redact.ts";
import {
  ACTION_SYMBOL, actionCounts, changeSymbol, describeChange, extraWarnings, isEmptyPlan, listedSteps, plural,
  redactorOrEmpty, shortRevision, stepLabel, stepNotes, stepReasons, stepSource, summaryPhrases, unresolvedSecrets,
  configuresDefaultEnvironment,
} from "./render-shared.ts";

export interface TextRenderOptions {
  /** ANSI colours; the caller decides (TTY, `NO_COLOR`), this module reads no environment. */
  color?: boolean;
  /** Masks any secret that slipped into the plan; the plan holds none by contract, this is the second lock. */
  redactor?: Redactor;
}

const ANSI = { reset: "\x1b[0m", bold: "\x1b[1m", red: "\x1b[31m", green: "\x1b[32m", yellow: "\x1b[33m", blue: "\x1b[34m", magenta: "\x1b[35m", cyan: "\x1b[36m", dim: "\x1b[2m" };

const ACTION_COLOR: Record<Action, string> = {
  create: ANSI.green,
  update: ANSI.yellow,
  adopt: ANSI.cyan,
  delete: ANSI.red,
  orphan: ANSI.magenta,
  conflict: ANSI.red + ANSI.bold,
  "would-prune": ANSI.magenta,
  noop: ANSI.dim,
};

const ACTION_SUFFIX: Partial<Record<Action, string>> = {
  adopt: "will be adopted",
  delete: "will be deleted",
  orphan: "will be orphaned",
  conflict: "conflict: left untouched",
  "would-prune": "would prune: pass --prune to delete it",
  noop: "in sync",
};

/** The summary line alone: `Plan: 2 to create, ... 12 unchanged. 17 API calls.` */
export function planSummaryLine(plan: Plan): string {
  const calls = plan.apiCalls === undefined ? "" : ` ${plural(plan.apiCalls, "API call")}.`;
  return `Plan: ${summaryPhrases(actionCounts(plan)).join(", ")}.${calls}`;
}

/** Renders a plan for a terminal; see the module comment for the layout. */
export function renderPlanText(plan: Plan, options: TextRenderOptions = {}): string {
  const redactor = redactorOrEmpty(options.redactor);
  const paint = (color: string, text: string): string => (options.color ? `${color}${text}${ANSI.reset}` : text);
  const lines: string[] = [];

  const rev = shortRevision(plan.revision);
  lines.push(`Dokploy plan for instance "${plan.instance}"${rev ? ` at revision ${rev}` : ""}`);
  lines.push("");

  if (isEmptyPlan(plan)) {
    lines.push(paint(ANSI.green, "No changes. Dokploy matches the manifests."));
    lines.push("");
    lines.push(planSummaryLine(plan));
    return redactor.redact(lines.join("\n") + "\n");
  }

  const steps = listedSteps(plan);
  for (const step of steps) {
    const color = ACTION_COLOR[step.action];
    const suffix = step.action === "update" && step.changes.length > 0
      ? `${plural(step.changes.length, "field")} to update`
      : configuresDefaultEnvironment(step) ? "made by Dokploy with the project; will be configured"
      : step.action === "create" ? "will be created" : ACTION_SUFFIX[step.action];
    const source = stepSource(step);
    lines.push(
      `  ${paint(color, ACTION_SYMBOL[step.action])} ${paint(ANSI.bold, stepLabel(step))}` +
        `${suffix ? `  ${paint(ANSI.dim, `(${suffix})`)}` : ""}${source ? paint(ANSI.dim, `  [${source}]`) : ""}`,
    );
    for (const change of step.changes) {
      const sym = changeSymbol(change);
      const symColor = sym === "+" ? ANSI.green : sym === "-" ? ANSI.red : ANSI.yellow;
      lines.push(`      ${paint(symColor, sym)} ${describeChange(change)}`);
    }
    for (const note of stepNotes(step, plan.instance)) lines.push(`      ${paint(ANSI.cyan, "→")} ${note}`);
    for (const reason of stepReasons(step)) lines.push(`      ${paint(ANSI.dim, "·")} ${reason}`);
  }
  if (steps.length > 0) lines.push("");
  else if (plan.refusals.length === 0 && unresolvedSecrets(plan).length === 0) {
    // Nothing to list and nothing refused, only informational warnings: still say plainly that nothing changes.
    lines.push(paint(ANSI.green, "No changes. Dokploy matches the manifests."), "");
  }

  for (const r of plan.refusals) {
    lines.push(paint(ANSI.red + ANSI.bold, `Refused by guard ${r.guard}: ${r.message}`));
  }
  const unresolved = unresolvedSecrets(plan);
  if (unresolved.length > 0) {
    lines.push(paint(ANSI.yellow, `Warning: unresolved secrets (apply would fail): ${unresolved.join(", ")}`));
  }
  const warnings = extraWarnings(plan);
  for (const w of warnings) lines.push(paint(ANSI.yellow, `Warning: ${w}`));
  if (plan.refusals.length + unresolved.length + warnings.length > 0) lines.push("");

  lines.push(paint(ANSI.bold, planSummaryLine(plan)));
  return redactor.redact(lines.join("\n") + "\n");
}
