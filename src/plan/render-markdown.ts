/**
 * The plan as Markdown for a pull-request comment (GitHub, Gitea, GitLab):
 * reviewers see the counts first, then what needs a person (guards,
 * conflicts, would-prune, unresolved secrets) in an alert block, then a table
 * of the resources that change, then each resource's field diff folded in a
 * `<details>`. Comments have size limits, so a long plan is cut from the
 * bottom up (unchanged list, then per-resource diffs, then table rows) while
 * the headline and the warnings stay, and the comment says what was omitted.
 */
import type { Action, Plan, PlanStep } from "./types.ts";
import type { Redactor } from "../util/redact.ts";
import {
  actionCounts, codeBlock, extraWarnings, codeSpan, describeChange, escapeHtml, escapeMarkdown,
  isEmptyPlan, listedSteps, plural, redactorOrEmpty, secretNote, shortRevision, stepLabel, stepNotes, stepReasons,
  stepSource, unresolvedSecrets, formatAfter, formatValue,
  configuresDefaultEnvironment,
} from "./render-shared.ts";

export interface MarkdownRenderOptions {
  /** Masks any secret that slipped into the plan (defence in depth). */
  redactor?: Redactor;
  /** The manifest directory, shown in the headline (a repository may hold several). */
  directory?: string;
  /** The reconciler instance, shown in the headline; defaults to the plan's. */
  instance?: string;
  /** Keep the output below this many characters (default 60,000, under GitHub's 65,536). */
  maxLength?: number;
  /** Replaces the headline's title (trusted Markdown written by code, not user input). */
  headline?: string;
}

/** Default size budget: GitHub's comment limit is 65,536 characters, leaving room for a marker. */
export const DEFAULT_MARKDOWN_MAX_LENGTH = 60_000;

const ACTION_EMOJI: Record<Action, string> = {
  create: "🟢",
  update: "🟡",
  adopt: "🔵",
  delete: "🔴",
  orphan: "⚪",
  conflict: "⛔",
  "would-prune": "🟠",
  noop: "▫️",
};

const ACTION_WORD: Record<Action, string> = {
  create: "create",
  update: "update",
  adopt: "adopt",
  delete: "delete",
  orphan: "orphan",
  conflict: "conflict",
  "would-prune": "would prune",
  noop: "no change",
};

/** The action as a word, "configure" for a new project's production environment (Dokploy makes it). */
function actionWord(step: PlanStep): string {
  return configuresDefaultEnvironment(step) ? "configure" : ACTION_WORD[step.action];
}

function headlineBlock(plan: Plan, options: MarkdownRenderOptions): string {
  const instance = options.instance ?? plan.instance;
  const rev = shortRevision(plan.revision);
  const title = options.headline ?? [
    "### Dokploy plan",
    options.directory !== undefined ? codeSpan(options.directory) : undefined,
    `instance ${codeSpan(instance)}`,
    rev ? `revision ${codeSpan(rev)}` : undefined,
  ].filter((p) => p !== undefined).join(" · ");
  return title;
}

function countsLine(plan: Plan): string {
  const c = actionCounts(plan);
  const main = [
    `${c.create} to create`, `${c.update} to update`, `${c.delete} to delete`, `${c.adopt} to adopt`,
    plural(c.conflict, "conflict"), `${c.noop} unchanged`,
  ].join(" · ");
  const extra: string[] = [];
  if (c.orphan > 0) extra.push(`${c.orphan} to orphan`);
  if (c["would-prune"] > 0) extra.push(`${c["would-prune"]} would prune`);
  if (plan.apiCalls !== undefined) extra.push(plural(plan.apiCalls, "API call"));
  return `**${main}**${extra.length > 0 ? ` · ${extra.join(" · ")}` : ""}`;
}

/** Warning items in the order a reviewer should act on them. */
function warningItems(plan: Plan): string[] {
  const items: string[] = [];
  for (const r of plan.refusals) {
    items.push(`**Refused by guard ${codeSpan(r.guard)}:** ${escapeMarkdown(r.message)}`);
  }
  for (const s of plan.steps.filter((x) => x.action === "conflict")) {
    const reasons = stepReasons(s);
    const why = reasons.length > 0 ? `: ${escapeMarkdown(reasons.map((r) => r.replace(/[.;\s]+$/, "")).join("; "))}` : "";
    items.push(`**Conflict** ${codeSpan(stepLabel(s))} (left untouched)${why}`);
  }
  const prunable = plan.steps.filter((x) => x.action === "would-prune");
  if (prunable.length > 0) {
    items.push(
      `**Would prune** ${prunable.map((s) => codeSpan(stepLabel(s))).join(", ")}: ` +
        "the manifests no longer declare them; `--prune` deletes them.",
    );
  }
  for (const u of unresolvedSecrets(plan)) {
    items.push(`**Unresolved secret** ${codeSpan(u)}: apply would fail until its source is available.`);
  }
  for (const w of extraWarnings(plan)) items.push(escapeMarkdown(w));
  return items;
}

function alertBlock(items: string[], omitted: number): string {
  if (items.length === 0 && omitted === 0) return "";
  const lines = ["> [!WARNING]", ...items.map((i) => `> - ${i}`)];
  if (omitted > 0) lines.push(`> - …and ${plural(omitted, "more warning")} (omitted to fit the comment size limit)`);
  return lines.join("\n");
}

function stepSummaryCell(step: PlanStep, instance: string): string {
  const parts: string[] = [];
  if (step.changes.length > 0) parts.push(plural(step.changes.length, "field"));
  if (step.deploy) parts.push("deploy");
  if (step.lifecycle) parts.push(step.lifecycle);
  if (step.action === "conflict" || step.action === "would-prune") {
    const reason = stepReasons(step)[0];
    if (reason) parts.push(escapeMarkdown(reason.length > 160 ? `${reason.slice(0, 160)}…` : reason));
  } else if (parts.length === 0) {
    const note = stepNotes(step, instance)[0];
    if (note) parts.push(escapeMarkdown(note));
  }
  return parts.join(" · ");
}

function tableHeader(): string[] {
  return ["| | Resource | Action | Details |", "|:-:|---|---|---|"];
}

function tableRow(step: PlanStep, instance: string): string {
  return `| ${ACTION_EMOJI[step.action]} | ${codeSpan(stepLabel(step), true)} | ${actionWord(step)} | ${stepSummaryCell(step, instance)} |`;
}

function diffLines(step: PlanStep): string[] {
  const lines: string[] = [];
  for (const c of step.changes) {
    if (c.secret !== undefined) lines.push(`! ${c.path}: ${secretNote(c)}`);
    else if (c.op === "replace") {
      lines.push(`- ${c.path}: ${formatValue(c.before)}`);
      lines.push(`+ ${c.path}: ${formatAfter(c)}`);
    } else lines.push(`${c.op === "add" ? "+" : "-"} ${describeChange(c)}`);
  }
  return lines;
}

function detailsBlock(step: PlanStep, instance: string, directory: string | undefined): string | undefined {
  const notes = stepNotes(step, instance);
  // Conflicts and would-prunes are explained in the warnings and the table already.
  const reasons = step.action === "conflict" || step.action === "would-prune" ? [] : stepReasons(step);
  if (step.changes.length === 0 && notes.length === 0 && reasons.length === 0) return undefined;
  const rel = stepSource(step);
  // Sources are relative to the manifest root; reviewers look for repository paths.
  const source = rel && directory && directory !== "." ? `${directory.replace(/\/+$/, "")}/${rel}` : rel;
  const summary =
    `<code>${escapeHtml(stepLabel(step))}</code> · ${actionWord(step)}` +
    (step.changes.length > 0 ? ` · ${plural(step.changes.length, "field")}` : "") +
    (source ? ` · <sub>${escapeHtml(source)}</sub>` : "");
  const body: string[] = [`<details><summary>${summary}</summary>`, ""];
  if (step.changes.length > 0) body.push(codeBlock(diffLines(step).join("\n"), "diff"), "");
  for (const n of notes) body.push(`- → ${escapeMarkdown(n)}`);
  for (const r of reasons) body.push(`- ${escapeMarkdown(r)}`);
  if (notes.length + reasons.length > 0) body.push("");
  body.push("</details>");
  return body.join("\n");
}

function unchangedBlock(steps: PlanStep[], list: boolean): string {
  if (steps.length === 0) return "";
  const title = `${plural(steps.length, "resource")} unchanged`;
  if (!list) return `<sub>${title}.</sub>`;
  return [
    `<details><summary>${title}</summary>`,
    "",
    steps.map((s) => `- ${codeSpan(stepLabel(s))}`).join("\n"),
    "",
    "</details>",
  ].join("\n");
}

function compose(parts: string[]): string {
  return parts.filter((p) => p.length > 0).join("\n\n") + "\n";
}

/** Renders a plan as a PR comment body; see the module comment for the layout and the truncation order. */
export function renderPlanMarkdown(plan: Plan, options: MarkdownRenderOptions = {}): string {
  const redactor = redactorOrEmpty(options.redactor);
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const instance = options.instance ?? plan.instance;
  const r = (s: string): string => redactor.redact(s);
  const headline = r(headlineBlock(plan, options));

  if (isEmptyPlan(plan)) {
    const noop = actionCounts(plan).noop;
    const calls = plan.apiCalls !== undefined ? ` · ${plural(plan.apiCalls, "API call")}` : "";
    return hardLimit(r(compose([
      headline,
      `✅ **No changes.** Dokploy matches the manifests (${plural(noop, "resource")} unchanged${calls}).`,
    ])), maxLength);
  }

  const counts = r(countsLine(plan));
  const warnings = warningItems(plan).map(r);
  const listed = listedSteps(plan);
  const rows = listed.map((s) => r(tableRow(s, instance)));
  const unchanged = plan.steps.filter((s) => !listed.includes(s));
  const details = listed.map((s) => detailsBlock(s, instance, options.directory)).filter((d): d is string => d !== undefined).map(r);
  const footer = "<sub>Rendered by dokploy-gitops. Run `dokploy-gitops plan` for the same plan in a terminal.</sub>";

  const build = (o: { warn: number; rows: number; list: boolean; details: number }): string => {
    const table = o.rows > 0 || rows.length === 0 ? [...tableHeader(), ...rows.slice(0, o.rows)] : tableHeader();
    if (o.rows < rows.length) table.push(`| | …and ${plural(rows.length - o.rows, "more resource")} | | omitted to fit the comment size limit |`);
    const omittedDetails = details.length - o.details;
    const note = omittedDetails > 0
      ? `> [!NOTE]\n> Field diffs of ${plural(omittedDetails, "resource")} omitted to fit the comment size limit; run \`dokploy-gitops plan\` for the full plan.`
      : "";
    return compose([
      headline,
      counts,
      alertBlock(warnings.slice(0, o.warn), warnings.length - o.warn),
      rows.length > 0 ? table.join("\n") : "",
      r(unchangedBlock(unchanged, o.list)),
      o.details > 0 ? "#### Changes" : "",
      details.slice(0, o.details).join("\n\n"),
      note,
      footer,
    ]);
  };

  // Cut from the bottom up until the body fits: unchanged list, diffs, table rows, then warnings.
  let shape = { warn: warnings.length, rows: rows.length, list: true, details: details.length };
  let out = build(shape);
  if (out.length <= maxLength) return out;
  shape = { ...shape, list: false };
  shape = { ...shape, details: largestFitting(details.length, (n) => build({ ...shape, details: n }).length <= maxLength) };
  out = build(shape);
  if (out.length <= maxLength) return out;
  shape = { ...shape, rows: largestFitting(rows.length, (n) => build({ ...shape, rows: n }).length <= maxLength) };
  out = build(shape);
  if (out.length <= maxLength) return out;
  shape = { ...shape, warn: largestFitting(warnings.length, (n) => build({ ...shape, warn: n }).length <= maxLength) };
  return hardLimit(build(shape), maxLength);
}

/** The largest n in [0, max] with fits(n), assuming fits is monotone (binary search: plans can be long). */
function largestFitting(max: number, fits: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Last resort for an absurdly small budget: cut at a line boundary (a cut
 * inside a line could leave half an HTML tag or an open code span), and say so.
 */
function hardLimit(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const note = "\n\n…(truncated)\n";
  const head = text.slice(0, Math.max(0, maxLength - note.length));
  const lastBreak = head.lastIndexOf("\n");
  return (lastBreak >= 0 ? head.slice(0, lastBreak) : "") + note.slice(0, maxLength);
}
