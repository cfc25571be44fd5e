/**
 * YAML files that are not manifests at all. A manifest repository also holds
 * other YAML: most often the docker-compose file of a stack whose Compose
 * manifest was removed (while the manifest exists the file is its input and
 * never read as a manifest), or a tool's config. Reading those as manifests
 * failed the whole revision with "missing apiVersion", so one stray file
 * stopped every deploy. A file none of whose documents has a manifest's
 * top-level fields is skipped instead, with one warning naming it, and
 * `.dokploygitopsignore` silences the warning.
 *
 * The test is deliberately narrow: a document with any of `apiVersion`,
 * `kind`, `metadata` or `spec` is a manifest attempt and is validated as one,
 * so a manifest with a mistyped `kind` key is still an error at its line,
 * never skipped (a skipped manifest would be pruned). Scalars and YAML syntax
 * errors are not skipped either: they cannot be told apart from a broken
 * manifest.
 */
import type { Diagnostic } from "../model/manifest.ts";
import { IGNORE_FILE } from "./ignore.ts";
import type { ParsedYamlFile } from "./load.ts";

/** Top-level fields of a manifest; a document with any of them is a manifest attempt. */
const MANIFEST_FIELDS = ["apiVersion", "kind", "metadata", "spec"];

function isForeignMapping(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !MANIFEST_FIELDS.some((f) => f in value);
}

/** A mapping without manifest fields, or a non-empty list of them (an Ansible playbook, say). */
function isForeignDocument(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(isForeignMapping);
  return isForeignMapping(value);
}

/**
 * The warning for a parsed file that is not a manifest file, or undefined when
 * it must be validated as manifests (any document looks like one, a YAML
 * error, or nothing but empty documents).
 */
export function foreignFileWarning(parsed: ParsedYamlFile): Diagnostic | undefined {
  if (parsed.documents.length === 0 || parsed.diagnostics.some((d) => d.severity === "error")) return undefined;
  if (!parsed.documents.every((d) => isForeignDocument(d.value))) return undefined;
  const first = parsed.documents[0]!.source;
  return {
    severity: "warning",
    file: parsed.file,
    line: first.line,
    column: first.column,
    code: "not-a-manifest",
    message: `not a manifest (no apiVersion, kind, metadata or spec at the top level), skipped; if it is one, add apiVersion and kind; if not, list it in ${IGNORE_FILE} to silence this warning`,
  };
}
