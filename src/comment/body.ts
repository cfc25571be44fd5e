/**
 * The body of the PR comment: a hidden marker line that lets later runs find
 * and update this comment (one per instance and directory), then the plan
 * rendered as Markdown, or the list of validation problems when the
 * manifests did not load. Sized below the provider's comment limit.
 */
import type { Diagnostic } from "../model/manifest.ts";
import type { Plan } from "../plan/types.ts";
import type { Redactor } from "../util/redact.ts";
import { renderPlanMarkdown } from "../plan/render-markdown.ts";
import { codeSpan, escapeMarkdown, plural, redactorOrEmpty, shortRevision } from "../plan/render-shared.ts";

/** Room kept below the provider's limit for the marker and any provider-side expansion. */
const LIMIT_MARGIN = 1_000;

/** The directory as it appears in the marker and headline: relative, `/`-separated, `.` for the root. */
export function normalizeCommentDirectory(dir: string): string {
  const d = dir.replace(/\\/g, "/").replace(/\/+$/, "").replace(/^\.\//, "");
  return d === "" ? "." : d;
}

/**
 * The hidden marker: `<!-- dokploy-gitops:plan instance=<i> dir=<d> -->`.
 * The directory is percent-encoded where it could end the HTML comment or
 * blur the fields (spaces, `--`, `>`).
 */
export function commentMarker(instance: string, directory: string): string {
  const dir = encodeURIComponent(normalizeCommentDirectory(directory)).replace(/%2F/gi, "/").replace(/--/g, "-%2D");
  return `<!-- dokploy-gitops:plan instance=${instance} dir=${dir} -->`;
}

/** True when `body` is the comment this marker identifies (the marker is its first line). */
export function isMarkedComment(body: string, marker: string): boolean {
  const first = body.trimStart().split(/\r?\n/, 1)[0] ?? "";
  return first.trim() === marker;
}

export interface CommentBodyOptions {
  instance: string;
  directory: string;
  /** The provider's comment size limit (characters). */
  maxLength: number;
  redactor?: Redactor;
}

/** The comment for a plan: marker, then the Markdown plan sized under the limit. */
export function planCommentBody(plan: Plan, options: CommentBodyOptions): string {
  const marker = commentMarker(options.instance, options.directory);
  const md = renderPlanMarkdown(plan, {
    directory: normalizeCommentDirectory(options.directory),
    instance: options.instance,
    maxLength: Math.max(1_000, options.maxLength - marker.length - LIMIT_MARGIN),
    ...(options.redactor ? { redactor: options.redactor } : {}),
  });
  return `${marker}\n${md}`;
}

/**
 * The comment when the manifests failed validation: nothing was planned, and
 * reviewers see each problem with its file:line so they can fix it in the PR.
 */
export function diagnosticsCommentBody(
  diagnostics: Diagnostic[],
  options: CommentBodyOptions & { revision?: string },
): string {
  const redactor = redactorOrEmpty(options.redactor);
  const marker = commentMarker(options.instance, options.directory);
  const errors = diagnostics.filter((d) => d.severity === "error");
  const warnings = diagnostics.filter((d) => d.severity !== "error");
  const rev = shortRevision(options.revision);
  const title = [
    "### ❌ Dokploy plan",
    codeSpan(normalizeCommentDirectory(options.directory)),
    `instance ${codeSpan(options.instance)}`,
    rev ? `revision ${codeSpan(rev)}` : undefined,
  ].filter((p) => p !== undefined).join(" · ");
  const row = (d: Diagnostic): string =>
    `| ${codeSpan(`${d.file}:${d.line}:${d.column}`, true)} | ${d.resource ? codeSpan(d.resource, true) : ""} | ` +
    `${escapeMarkdown(d.message)}${d.pointer ? ` (${codeSpan(d.pointer, true)})` : ""} |`;
  const head = [
    title,
    `> [!CAUTION]\n> **The manifests are invalid: ${plural(errors.length, "error")}${warnings.length > 0 ? `, ${plural(warnings.length, "warning")}` : ""}.** ` +
      "Nothing was planned; fix them in this pull request.",
  ];
  const budget = options.maxLength - marker.length - LIMIT_MARGIN;
  const rows = [...errors, ...warnings].map((d) => redactor.redact(row(d)));
  const table = ["| Where | Resource | Problem |", "|---|---|---|"];
  let used = head.join("\n\n").length + table.join("\n").length;
  let shown = 0;
  for (const r of rows) {
    if (used + r.length + 1 > budget - 200) break;
    table.push(r);
    used += r.length + 1;
    shown++;
  }
  if (shown < rows.length) table.push(`| | | …and ${plural(rows.length - shown, "more problem")}; run \`dokploy-gitops validate\` to see them all |`);
  return `${marker}\n${redactor.redact([...head, table.join("\n")].join("\n\n"))}\n`;
}
