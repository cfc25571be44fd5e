/**
 * What the three plan renderers (text, Markdown, JSON) agree on: the symbol
 * and wording of each action, how a field value or a secret comparison is
 * shown, and which steps count as "something to do". Keeping it in one place
 * means a reviewer reading a PR comment and an operator reading the terminal
 * see the same words for the same plan.
 */
import { serviceModule } from "../kinds/registry.ts";
import type { Action, FieldChange, Plan, PlanStep } from "./types.ts";
import { ACTIONS } from "./types.ts";
import { DEFAULT_ENVIRONMENT, resourceLabel } from "../model/resource.ts";
import { Redactor } from "../util/redact.ts";
import { KNOWN_AFTER_APPLY, UNRESOLVED_SHOWN } from "./diff.ts";

/** One-character symbols, Terraform style, so a plan can be scanned down its left edge. */
export const ACTION_SYMBOL: Record<Action, string> = {
  create: "+",
  update: "~",
  adopt: "±",
  delete: "-",
  orphan: "⊘",
  conflict: "!",
  "would-prune": "?",
  noop: " ",
};

/** The order actions are listed in summaries: writes first, then what needs a person, then no-ops. */
export const SUMMARY_ORDER: readonly Action[] = [
  "create", "update", "adopt", "delete", "orphan", "conflict", "would-prune", "noop",
];

/** A step whose manifest position is known, either live (`manifest.source`) or from a plan file (`source`). */
export type PlanStepWithSource = PlanStep & { source?: string };

/** A redactor that masks nothing, for callers that pass none (the plan holds no secret values by contract). */
export function redactorOrEmpty(redactor: Redactor | undefined): Redactor {
  return redactor ?? new Redactor();
}

/** The label people read: `application/shop/production/web`. */
export function stepLabel(step: PlanStep): string {
  return resourceLabel(step.identity);
}

/** `file:line` of the manifest behind a step, when known (removed manifests have none). */
export function stepSource(step: PlanStep): string | undefined {
  const m = step.manifest;
  if (m?.source) return `${m.source.file}:${m.source.line}`;
  const s = (step as PlanStepWithSource).source;
  return typeof s === "string" && s.length > 0 ? s : undefined;
}

/** Counts per action, from the plan's summary, completed from the steps when a count is missing. */
export function actionCounts(plan: Plan): Record<Action, number> {
  const fromSteps = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const s of plan.steps) fromSteps[s.action] += 1;
  const counts = { ...fromSteps };
  for (const a of ACTIONS) {
    const n = plan.summary?.counts?.[a];
    if (typeof n === "number" && Number.isFinite(n)) counts[a] = n;
  }
  return counts;
}

/** True when there is nothing to do and nothing to look at: every step a no-op, no guard, no warning. */
export function isEmptyPlan(plan: Plan): boolean {
  const counts = actionCounts(plan);
  const busy = ACTIONS.some((a) => a !== "noop" && counts[a] > 0);
  return !busy && plan.refusals.length === 0 && plan.warnings.length === 0;
}

/** True when applying the plan would write to Dokploy. */
export function planHasChanges(plan: Plan): boolean {
  if (typeof plan.summary?.changes === "number") return plan.summary.changes > 0;
  const c = actionCounts(plan);
  return c.create + c.update + c.adopt + c.delete + c.orphan > 0;
}

/**
 * The exit status `--detailed-exitcode` gives a computed plan (`plan`,
 * `comment`), as Terraform's: 0 only when Dokploy already matches git, 2
 * otherwise. Conflicts and refused prunes write nothing, but `apply` would
 * fail on them and the daemon reports the pass as failed, so a plan showing
 * them is not "no changes": a drift check must not stay green over them.
 * `would-prune` alone (pruning off) is 0: applying changes nothing and succeeds.
 */
export function detailedExitCode(plan: Plan): 0 | 2 {
  return planHasChanges(plan) || actionCounts(plan).conflict > 0 || plan.refusals.length > 0 ? 2 : 0;
}

/** Steps worth listing one by one: everything but the no-ops (unless they rewrite a marker, change lifecycle or are an unmanaged child entry). */
export function listedSteps(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => s.action !== "noop" || s.markerWrite || s.lifecycle !== undefined || s.deploy || s.unmanaged);
}

/** `1 conflict`, `3 conflicts`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary phrases in fixed order: `2 to create`, `1 conflict`, `3 would prune`, `12 unchanged`. */
export function summaryPhrases(counts: Record<Action, number>): string[] {
  return [
    `${counts.create} to create`,
    `${counts.update} to update`,
    `${counts.adopt} to adopt`,
    `${counts.delete} to delete`,
    `${counts.orphan} to orphan`,
    plural(counts.conflict, "conflict"),
    `${counts["would-prune"]} would prune`,
    `${counts.noop} unchanged`,
  ];
}

/** A short revision for headlines: 7 characters of a hex sha, anything else as given. */
export function shortRevision(revision: string | undefined): string | undefined {
  if (!revision) return undefined;
  return /^[0-9a-f]{8,64}$/i.test(revision) ? revision.slice(0, 7) : revision;
}

const MAX_VALUE_CHARS = 400;

/** A value as one line of JSON, shortened past a few hundred characters so one long field can't drown a plan. */
export function formatValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = "(unset)";
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text;
}

/** The words shown in place of a secret's value. Values never appear, whatever the change carries. */
export function secretNote(change: FieldChange): string {
  if (change.op === "remove") return "(secret removed)";
  if (change.pending === "after-apply") return "(secret, known after apply)";
  switch (change.secret) {
    case "unchanged":
      return "(secret unchanged)";
    case "unresolved":
      return "(secret unresolved: its source is not available here)";
    default:
      return change.op === "add" ? "(secret set)" : "(secret changed)";
  }
}

/** The desired side of a change: a value not known yet reads `(known after apply)`, without quotes. */
export function formatAfter(change: FieldChange): string {
  if (change.pending !== undefined && (change.after === KNOWN_AFTER_APPLY || change.after === UNRESOLVED_SHOWN)) return change.after;
  return formatValue(change.after);
}

/**
 * One field change as text, without its leading symbol:
 * `/spec/env/LOG_LEVEL: "info" -> "debug"`, `/spec/env/TOKEN: (secret changed)`.
 */
export function describeChange(change: FieldChange): string {
  if (change.secret !== undefined) return `${change.path}: ${secretNote(change)}`;
  switch (change.op) {
    case "add":
      return `${change.path}: ${formatAfter(change)}`;
    case "remove":
      return `${change.path}: ${formatValue(change.before)}`;
    default:
      return `${change.path}: ${formatValue(change.before)} -> ${formatAfter(change)}`;
  }
}

/** The symbol of a field change: `+` add, `-` remove, `~` replace. */
export function changeSymbol(change: FieldChange): string {
  return change.op === "add" ? "+" : change.op === "remove" ? "-" : "~";
}

/** Notes about what happens besides the field writes: deploys, start/stop, marker writes, adoption. */
export function stepNotes(step: PlanStep, instance: string): string[] {
  const notes: string[] = [];
  if (step.action === "adopt") notes.push(`adopts the existing object: marks it as managed by instance "${instance}"`);
  if (step.action === "orphan") notes.push("releases ownership: removes the marker, keeps the object in Dokploy");
  if (step.deploy) {
    const noun = serviceModule(step.kind)?.noun ?? "service";
    notes.push(step.action === "create" ? `deploys the new ${noun}` : `redeploys the ${noun} (the change takes effect on deploy)`);
  }
  if (step.lifecycle === "start") notes.push("starts the application (state: running)");
  if (step.lifecycle === "stop") notes.push("stops the application (state: stopped)");
  if (step.markerWrite && step.action !== "create" && step.action !== "adopt" && step.changes.length === 0) {
    notes.push("rewrites the ownership marker");
  }
  return notes;
}

/**
 * A step's reasons without the repeated subject: reasons start with the label
 * (`application/shop/production/web: ...`) so they stand alone in logs, but
 * under the label in a rendering the prefix is noise.
 */
export function stepReasons(step: PlanStep): string[] {
  const prefix = `${stepLabel(step)}: `;
  return step.reasons.map((r) => (r.startsWith(prefix) ? r.slice(prefix.length) : r));
}

/**
 * `label path` of each secret whose value could not be resolved (a warning in
 * every rendering), unless a plan warning already names it (the planner
 * usually says so itself: one warning, not two).
 */
export function unresolvedSecrets(plan: Plan): string[] {
  const out: string[] = [];
  for (const s of plan.steps) {
    const label = stepLabel(s);
    for (const c of s.changes) {
      if (c.secret !== "unresolved") continue;
      if (plan.warnings.some((w) => w.includes(label) && w.includes(c.path))) continue;
      out.push(`${label} ${c.path}`);
    }
  }
  return out;
}

/**
 * The plan's warnings minus those that repeat a conflict's reason: the
 * planner lists conflict reasons among the warnings too, and renderings show
 * them with their conflict already.
 */
export function extraWarnings(plan: Plan): string[] {
  const shown = new Set(plan.steps.filter((s) => s.action === "conflict").flatMap((s) => s.reasons));
  return plan.warnings.filter((w) => !shown.has(w));
}

// ---- Markdown escaping: names, reasons and values come from manifests and Dokploy; a pipe must
// not break a table, a backtick must not close a code span, and `<` must not open an HTML tag.
/** Escapes text for prose, blockquotes and table cells: Markdown punctuation, HTML, pipes; newlines become spaces. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~#!])/g, "\\$1");
}

/** Escapes text for an HTML context (inside `<summary>`, `<code>`), where Markdown is not parsed. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\r?\n/g, " ");
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/**
 * An inline code span that survives any content: the fence is one backtick
 * longer than the longest run inside, and in a table cell `|` is escaped (GitHub
 * splits cells before it parses code spans).
 */
export function codeSpan(text: string, inTable = false): string {
  let body = text.replace(/\r?\n/g, " ");
  if (inTable) body = body.replace(/\|/g, "\\|");
  const fence = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || body.startsWith(" ") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run in `body`, so the content cannot end it. */
export function codeBlock(body: string, language = ""): string {
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/**
 * True for the `production` environment of a project being created: the
 * plan carries it as a create (it is written in the same run), but Dokploy
 * makes it with the project and this tool only configures it, so renderers
 * say "configure", not "create".
 */
export function configuresDefaultEnvironment(step: PlanStep): boolean {
  return step.action === "create" && step.identity.kind === "Environment" && step.identity.name === DEFAULT_ENVIRONMENT;
}
