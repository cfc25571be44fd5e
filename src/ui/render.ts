/**
 * The status page as HTML, rendered on the server from the same redacted
 * snapshot `/status` serves, so the page and the JSON can never disagree and
 * no secret reaches the browser. Plain semantic HTML (tables with captions
 * and header cells, `<details>` for a resource's drift, a GET form for the
 * filters) that works without script; the small script only re-applies the
 * filters live and swaps in fresh HTML pushed by the server. No inline
 * script or style anywhere: the page runs under `default-src 'self'`.
 */
import { KINDS } from "../kinds/registry.ts";
import type { DaemonStatus } from "../reconcile/status-store.ts";
import type { DriftField, ResourceStatus } from "../reconcile/types.ts";
import type { PassRecord } from "./history.ts";

/** The page's filters (from the query string): empty means "all". */
export interface PageFilter {
  project?: string;
  kind?: string;
  state?: string;
}

/** Everything one rendering needs. */
export interface PageView {
  status: DaemonStatus;
  passes: readonly PassRecord[];
  filter: PageFilter;
  /** Bumped whenever the content may have changed; the script skips pushes it already shows. */
  version: number;
  /** For `<meta name="csrf-token">`, when the server uses one. */
  csrfToken?: string;
}

/** The states the state filter offers: sync statuses, then application health. */
export const FILTER_STATES = ["Synced", "OutOfSync", "Missing", "Conflict", "Error", "Degraded", "Progressing", "Healthy"] as const;

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
const e = escapeHtml;

/** The states a resource answers to in the state filter (its sync status and, for applications, its health). */
export function statesOf(r: ResourceStatus): string[] {
  return r.health ? [r.sync, r.health] : [r.sync];
}

/** True when a resource passes the filter. */
export function matchesFilter(r: ResourceStatus, f: PageFilter): boolean {
  return (!f.project || r.project === f.project) && (!f.kind || r.kind === f.kind) && (!f.state || statesOf(r).includes(f.state));
}

function short(revision: string | null | undefined): string {
  if (!revision) return "—";
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 7) : revision;
}

function revisionHtml(revision: string | null | undefined): string {
  return revision ? `<code class="sha" title="${e(revision)}">${e(short(revision))}</code>` : "—";
}

function time(iso: string): string {
  return `<time datetime="${e(iso)}">${e(iso.replace("T", " ").replace(/\.\d+Z$/, "Z"))}</time>`;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

function value(v: unknown): string {
  if (v === undefined) return `<span class="absent">(not set)</span>`;
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return `<code>${e(text.length > 500 ? `${text.slice(0, 499)}…` : text)}</code>`;
}

function driftRow(f: DriftField): string {
  if (f.secret) {
    const said = f.secret === "changed" ? "secret changed" : f.secret === "unresolved" ? "secret unresolved" : "secret unchanged";
    return `<tr><th scope="row"><code>${e(f.path)}</code></th><td colspan="2"><span class="secret">${said} (value hidden)</span></td></tr>`;
  }
  return `<tr><th scope="row"><code>${e(f.path)}</code></th><td data-label="Git">${value(f.desired)}</td><td data-label="Dokploy">${value(f.live)}</td></tr>`;
}

function details(r: ResourceStatus): string {
  const parts: string[] = [];
  if (r.message && (r.sync === "Error" || r.sync === "Conflict" || r.action === "would-prune")) {
    parts.push(`<p class="${r.sync === "Error" ? "error" : "note"}">${e(r.message)}</p>`);
  }
  if (r.drift && r.drift.length > 0) {
    const n = r.drift.length;
    parts.push(
      `<details data-key="${e(r.key)}"><summary>${n} field${n === 1 ? "" : "s"} differ${n === 1 ? "s" : ""}</summary>` +
        `<table class="drift"><caption class="visually-hidden">Drift of ${e(r.key)}</caption>` +
        `<thead><tr><th scope="col">Field</th><th scope="col">Git</th><th scope="col">Dokploy</th></tr></thead>` +
        `<tbody>${r.drift.map(driftRow).join("")}</tbody></table></details>`,
    );
  }
  return parts.join("") || `<span class="absent">—</span>`;
}

function resourceRow(r: ResourceStatus, filter: PageFilter): string {
  const parent = [r.project, r.environment, r.application].filter((p) => p !== undefined && !(r.kind === "Project" && p === r.name));
  const path = parent.length > 0 ? `<span class="parent">${e(parent.join(" / "))} /</span> ` : "";
  return (
    `<tr data-key="${e(r.key)}" data-project="${e(r.project)}" data-kind="${e(r.kind)}" data-state="${e(statesOf(r).join(" "))}"${matchesFilter(r, filter) ? "" : " hidden"}>` +
    `<td data-label="Kind">${e(r.kind)}</td>` +
    `<th scope="row" data-label="Resource">${path}${e(r.name)}${r.dokployId ? ` <span class="id">${e(r.dokployId)}</span>` : ""}</th>` +
    `<td data-label="Sync"><span class="badge s-${e(r.sync)}">${e(r.sync)}</span></td>` +
    `<td data-label="Health">${r.health ? `<span class="badge h-${e(r.health)}">${e(r.health)}</span>` : `<span class="absent">—</span>`}</td>` +
    `<td data-label="Details">${details(r)}</td></tr>`
  );
}

function conditions(s: DaemonStatus): string {
  const rows = s.conditions
    .map((c) => `<tr><th scope="row">${e(c.type)}</th><td><span class="badge c-${e(c.type)}-${e(c.status)}">${e(c.status)}</span></td><td>${e(c.reason)}</td><td>${e(c.message) || "—"}</td><td>${time(c.lastTransitionTime)}</td></tr>`)
    .join("");
  return `<table class="conditions"><caption>Conditions</caption><thead><tr><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Since</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function diagnostics(s: DaemonStatus): string {
  const errors = s.diagnostics.filter((d) => d.severity === "error").slice(0, 50);
  if (errors.length === 0) return "";
  const items = errors.map((d) => `<li><code>${e(`${d.file}:${d.line}:${d.column}`)}</code> ${e(d.resource ? `${d.resource}: ` : "")}${e(d.message)}</li>`).join("");
  return `<section aria-labelledby="diag-h" class="diagnostics"><h2 id="diag-h">Manifest errors</h2><ul>${items}</ul></section>`;
}

function passes(list: readonly PassRecord[]): string {
  if (list.length === 0) return `<section aria-labelledby="passes-h"><h2 id="passes-h">Last passes</h2><p>No pass has finished yet.</p></section>`;
  const rows = list
    .map((p) => `<tr><td data-label="Finished">${time(p.finishedAt)}</td><td data-label="Revision">${revisionHtml(p.revision)}</td><td data-label="Result"><span class="badge o-${e(p.outcome)}">${e(p.reason)}</span></td><td data-label="Duration">${duration(p.durationMs)}</td><td data-label="API calls">${p.apiCalls}</td><td data-label="Message">${e(p.message)}</td></tr>`)
    .join("");
  return `<section aria-labelledby="passes-h"><h2 id="passes-h">Last passes</h2><table class="passes"><thead><tr><th scope="col">Finished</th><th scope="col">Revision</th><th scope="col">Result</th><th scope="col">Duration</th><th scope="col">API calls</th><th scope="col">Message</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The part of the page the server pushes again after every change. */
export function renderLive(view: PageView): string {
  const s = view.status;
  const sum = s.summary;
  const counts = [["Synced", sum.synced], ["OutOfSync", sum.outOfSync], ["Missing", sum.missing], ["Conflict", sum.conflict], ["Error", sum.error]] as const;
  const summary = `<ul class="summary">${counts.map(([k, n]) => `<li><span class="badge s-${k}">${k}</span> ${n}</li>`).join("")}</ul>`;
  const rows = s.resources.map((r) => resourceRow(r, view.filter)).join("");
  const table = s.resources.length === 0
    ? `<p>No resources yet: the first pass that reads Dokploy fills this table.</p>`
    : `<table class="resources" id="resources"><caption class="visually-hidden">Managed resources</caption><thead><tr><th scope="col">Kind</th><th scope="col">Resource</th><th scope="col">Sync</th><th scope="col">Health</th><th scope="col">Details</th></tr></thead><tbody>${rows}</tbody></table>`;
  const revision = `<dl class="revision"><div><dt>Applied</dt><dd>${revisionHtml(s.revision.applied)}</dd></div><div><dt>Attempted</dt><dd>${revisionHtml(s.revision.attempted)}</dd></div><div><dt>Mode</dt><dd>${e(s.mode)}${s.suspended ? ` <span class="badge suspended">suspended</span>` : ""}</dd></div></dl>`;
  return (
    `<section aria-labelledby="state-h"><h2 id="state-h">State</h2>${revision}${conditions(s)}</section>` +
    diagnostics(s) +
    passes(view.passes) +
    `<section aria-labelledby="res-h"><h2 id="res-h">Resources</h2>${summary}<p class="shown" id="shown" aria-live="polite"></p>${table}</section>`
  );
}

function options(values: readonly string[], selected: string | undefined, all: string): string {
  return [`<option value="">${e(all)}</option>`, ...values.map((v) => `<option value="${e(v)}"${v === selected ? " selected" : ""}>${e(v)}</option>`)].join("");
}

/** The projects the project filter offers, sorted. */
export function projectsOf(s: DaemonStatus): string[] {
  return [...new Set(s.resources.map((r) => r.project))].sort();
}

/** The whole document for `GET /`. */
export function renderPage(view: PageView): string {
  const s = view.status;
  const f = view.filter;
  const source = [s.source.url, s.source.branch ? `branch ${s.source.branch}` : "", s.source.path ? `path ${s.source.path}` : ""].filter(Boolean).join(" · ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
${view.csrfToken ? `<meta name="csrf-token" content="${e(view.csrfToken)}">\n` : ""}<title>dokploy-gitops · ${e(s.instance)}</title>
<link rel="icon" href="/ui/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/page.css">
<script type="module" src="/ui/page.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1>dokploy-gitops <span class="instance">${e(s.instance)}</span></h1>
<p class="source">${e(source)}</p>
<div class="actions"><button type="button" id="reconcile" hidden>Reconcile now</button><span id="live-state" role="status" aria-live="polite"></span></div>
</header>
<main id="main" tabindex="-1">
<h2 class="visually-hidden">Filters</h2>
<form class="filters" method="get" action="/" id="filters">
<label>Project <select name="project">${options(projectsOf(s), f.project, "all projects")}</select></label>
<label>Kind <select name="kind">${options(KINDS, f.kind, "all kinds")}</select></label>
<label>State <select name="state">${options(FILTER_STATES, f.state, "all states")}</select></label>
<button type="submit" class="apply">Apply</button>
</form>
<div id="live" data-version="${view.version}">${renderLive(view)}</div>
</main>
<footer><p><a href="/status">/status</a> (JSON) · <a href="/status?format=text">text</a> · <a href="/metrics">/metrics</a></p></footer>
</body>
</html>
`;
}
