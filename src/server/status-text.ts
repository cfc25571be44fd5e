/**
 * `/status?format=text`: the same document as the JSON, laid out for a
 * terminal (`curl localhost:8080/status?format=text`): a header, the
 * conditions, then one row per resource with its drifted fields beneath.
 */
import type { DaemonStatus } from "../reconcile/status-store.ts";

/** Renders a value of a drifted field on one line. */
function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

/** The text rendering of `/status`. */
export function renderStatusText(status: DaemonStatus): string {
  const lines: string[] = [];
  const src = status.source;
  lines.push(`Instance:   ${status.instance}`);
  lines.push(`Source:     ${src.url}${src.branch ? ` (branch ${src.branch})` : ""}${src.path ? ` path ${src.path}` : ""}`);
  lines.push(`Mode:       ${status.mode}${status.suspended ? " (suspended)" : ""}`);
  lines.push(`Revision:   applied ${status.revision.applied ?? "-"}, attempted ${status.revision.attempted ?? "-"}`);
  const last = status.lastPass;
  if (last) {
    lines.push(`Last pass:  ${last.outcome} (${last.reason}) at ${last.finishedAt}, ${last.apiCalls} API calls, id ${last.reconcileId}`);
    if (last.message) lines.push(`            ${last.message}`);
  } else {
    lines.push("Last pass:  none yet");
  }
  lines.push("");
  lines.push(...table([["CONDITION", "STATUS", "REASON", "MESSAGE"], ...status.conditions.map((c) => [c.type, c.status, c.reason, c.message])]));

  if (status.diagnostics.length > 0) {
    lines.push("", "Diagnostics:");
    for (const d of status.diagnostics) {
      lines.push(`  ${d.severity}: ${d.file}:${d.line}:${d.column}: ${d.resource ? `${d.resource}: ` : ""}${d.message}`);
    }
  }

  const s = status.summary;
  lines.push("", `Resources:  ${s.synced} synced, ${s.outOfSync} out of sync, ${s.missing} missing, ${s.conflict} conflict, ${s.error} error`);
  if (status.resources.length > 0) {
    const rows: string[][] = [["RESOURCE", "SYNC", "HEALTH", "ID", "MESSAGE"]];
    const drift = new Map<number, string[]>();
    status.resources.forEach((r) => {
      rows.push([r.key, r.sync, r.health ?? "-", r.dokployId ?? "-", r.message ?? r.action ?? ""]);
      if (r.drift && r.drift.length > 0) {
        drift.set(
          rows.length - 1,
          r.drift.map((d) =>
            d.secret ? `    ~ ${d.path}: (secret ${d.secret})` : `    ~ ${d.path}: live ${show(d.live)} -> desired ${show(d.desired)}`,
          ),
        );
      }
    });
    table(rows).forEach((line, i) => {
      lines.push(line);
      lines.push(...(drift.get(i) ?? []));
    });
  }
  return lines.join("\n") + "\n";
}
