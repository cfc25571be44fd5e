/**
 * `dokploy-gitops validate [DIR]`: check every manifest under a directory
 * without touching Dokploy, so a CI job (or an editor hook) can reject a bad
 * revision before anyone applies it. Prints every problem, not just the
 * first, and exits 0 when valid (warnings allowed), 1 when not.
 */
import { stat } from "node:fs/promises";
import { formatDiagnostic, loadManifests } from "../manifest/index.ts";
import { Redactor } from "../util/redact.ts";
import { UsageError, displayPath, parseCommandArgs, type CliIo } from "./io.ts";

const HELP = `Usage: dokploy-gitops validate [DIR] [--output text|json]

Validates every manifest (*.yaml, *.yml) under DIR (default: .) against the
schemas in manifests-schema/ and the cross-document rules, without contacting
Dokploy. Hidden files and directories, node_modules, and paths listed in
DIR/.dokploygitopsignore are skipped; so is, with a warning, a YAML file none
of whose documents has apiVersion, kind, metadata or spec (not a manifest).

Options:
  -o, --output text|json  Output format (default: text)
  --allow-empty           succeed when DIR holds no manifests (by default that is
                          an error: a mistyped path must not turn a CI job green)
  -h, --help              Show this help

Text output: one line per problem, then a summary line:
  FILE:LINE:COLUMN: error: KIND/NAME: message
  FILE:LINE:COLUMN: warning: KIND/NAME: message
FILE is DIR joined with the file's path under DIR; KIND/NAME is left out when
the document got no further than its kind. The summary is
"OK: N manifests in M files" (plus warnings) or
"invalid: N manifests in M files: X errors, Y warnings".

JSON output: {"valid", "root", "manifests", "files", "diagnostics": [{"severity",
"file", "line", "column", "resource", "pointer", "code", "message"}]}, with
files relative to DIR.

Exit status: 0 when valid (warnings allowed), 1 when not, when DIR holds no
manifests (unless --allow-empty), or on bad usage.
`;

/** Resolved flags of one `validate` run. */
interface ValidateSettings {
  dir: string;
  output: "text" | "json";
  /** Accept a directory without manifests (otherwise a mistyped path would pass CI). */
  allowEmpty: boolean;
}

function parseSettings(argv: string[]): ValidateSettings | "help" {
  const parsed = parseCommandArgs("validate", argv, {
    output: { type: "string", short: "o" },
    "allow-empty": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (parsed.values.help === true) return "help";
  const output = parsed.values.output ?? "text";
  if (output !== "text" && output !== "json") {
    throw new UsageError(`validate: --output: expected text or json, got "${output}"`);
  }
  if (parsed.positionals.length > 1) {
    throw new UsageError(`validate: expected at most one directory, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  }
  return Object.freeze({ dir: parsed.positionals[0] ?? ".", output, allowEmpty: parsed.values["allow-empty"] === true });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function emptyMessage(dir: string): string {
  return `no manifests found under ${dir} (*.yaml and *.yml files with apiVersion and kind; pass --allow-empty if an empty directory is intended)`;
}

/** `dokploy-gitops validate`: see HELP. */
export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  const settings = parseSettings(argv);
  if (settings === "help") {
    io.stdout.write(HELP);
    return 0;
  }
  // Nothing secret is resolved by validate, but every string leaving the
  // process goes through a Redactor so later additions cannot leak by accident.
  const redactor = new Redactor();
  const info = await stat(settings.dir).catch(() => undefined);
  if (!info) {
    io.stderr.write(redactor.redact(`error: validate: directory "${settings.dir}" does not exist\n`));
    return 1;
  }
  if (!info.isDirectory()) {
    io.stderr.write(redactor.redact(`error: validate: "${settings.dir}" is not a directory (give the directory holding the manifests)\n`));
    return 1;
  }

  const report = await loadManifests(settings.dir);
  const errors = report.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report.diagnostics.length - errors;
  const empty = report.documentCount === 0 && errors === 0 && !settings.allowEmpty;
  const valid = errors === 0 && !empty;

  if (settings.output === "json") {
    const body = {
      valid,
      root: settings.dir,
      manifests: report.documentCount,
      files: report.fileCount,
      diagnostics: report.diagnostics,
    };
    io.stdout.write(redactor.redact(JSON.stringify(body, null, 2)) + "\n");
    if (empty) io.stderr.write(`error: validate: ${emptyMessage(settings.dir)}\n`);
    return valid ? 0 : 1;
  }
  if (empty) {
    io.stderr.write(`error: validate: ${emptyMessage(settings.dir)}\n`);
    return 1;
  }

  const lines = report.diagnostics.map((d) => formatDiagnostic(d, displayPath(settings.dir, d.file)));
  const counts = `${plural(report.documentCount, "manifest")} in ${plural(report.fileCount, "file")}`;
  if (valid) {
    lines.push(`OK: ${counts}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`);
  } else {
    lines.push(`invalid: ${counts}: ${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  }
  io.stdout.write(redactor.redact(lines.join("\n")) + "\n");
  return valid ? 0 : 1;
}
