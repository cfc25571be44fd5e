/**
 * Loading a revision's manifests: read every YAML file under a root, validate
 * each document against its kind's schema, apply the cross-document rules,
 * and hand out the desired state only when nothing is wrong. A broken revision
 * applies nothing (validate the whole revision before the first write).
 */
import { stat } from "node:fs/promises";
import { readInputFile } from "./inputs.ts";
import type { Diagnostic, DesiredState, LoadResult } from "../model/manifest.ts";
import { kindRank } from "../kinds/registry.ts";
import { resolveInputs, type ReadInput } from "./inputs.ts";
import { foreignFileWarning } from "./foreign.ts";
import { parseYamlText, readManifestFiles } from "./load.ts";
import { crossDocumentRules, documentRules } from "./rules.ts";
import { referenceRules } from "./references.ts";
import { manifestSchemas } from "./schema.ts";
import { validateDocument, type CheckedDocument } from "./validate.ts";

export { IGNORE_FILE, parseIgnoreFile } from "./ignore.ts";
export type { CheckedDocument } from "./validate.ts";

/** One file after parsing and per-document validation, before cross-document rules. */
export interface ParsedManifestFile {
  file: string;
  documents: CheckedDocument[];
  diagnostics: Diagnostic[];
  /** Not a manifest file (see foreign.ts): no documents, one warning, not counted as a manifest file. */
  skipped?: boolean;
}

/** A `LoadResult` plus the counts a report needs even when the revision is invalid. */
export interface ManifestLoadReport extends LoadResult {
  /** Documents found (valid or not), excluding empty ones. */
  documentCount: number;
  /** Manifest files read (files skipped as not manifests excluded). */
  fileCount: number;
}

/**
 * Parses and validates the text of one file, with everything that needs only
 * that file (YAML syntax, schema, per-document rules). Pure, so tests and the
 * benchmark can run it without a file system.
 */
export function parseManifestText(file: string, text: string): ParsedManifestFile {
  const schemas = manifestSchemas();
  const parsed = parseYamlText(file, text);
  const foreign = foreignFileWarning(parsed);
  if (foreign) return { file, documents: [], diagnostics: [foreign], skipped: true };
  const diagnostics = [...parsed.diagnostics];
  const documents: CheckedDocument[] = [];
  for (const doc of parsed.documents) {
    const result = validateDocument(doc, schemas);
    documents.push(result.checked);
    diagnostics.push(...result.diagnostics, ...documentRules(result.checked));
  }
  return { file, documents, diagnostics };
}

/**
 * Applies the cross-document rules to parsed files and assembles the result:
 * every diagnostic sorted by file, line and column, and the desired state
 * (manifests in dependency order) only when there is no error.
 */
export function checkManifests(all: readonly ParsedManifestFile[], extra: readonly Diagnostic[] = [], readInput: ReadInput = () => undefined): ManifestLoadReport {
  // Files a manifest references (a compose file, a mount's content) are its inputs, not manifests.
  const inputs = resolveInputs(all.flatMap((f) => f.documents), readInput);
  const files = all.filter((f) => !inputs.inputFiles.has(f.file));
  const documents = files.flatMap((f) => f.documents);
  // A document YAML could not parse is missing from the revision: references to it would be reported as
  // "not declared by any manifest", a second, false error. Until the YAML is fixed, only the syntax error is shown.
  const unparsable = files.some((f) => f.diagnostics.some((d) => d.code === "yaml-syntax"));
  const cross = [...crossDocumentRules(documents), ...referenceRules(documents)].filter((d) => !(unparsable && d.code === "unknown-reference"));
  const diagnostics = sortDiagnostics([...extra, ...inputs.diagnostics, ...files.flatMap((f) => f.diagnostics), ...cross]);
  const fileCount = files.filter((f) => !f.skipped).length;
  const report: ManifestLoadReport = { diagnostics, documentCount: documents.length, fileCount };
  if (!diagnostics.some((d) => d.severity === "error")) {
    const manifests = documents.map((d) => inputs.withInputs(d.manifest!)).sort((a, b) => kindRank(a.kind) - kindRank(b.kind));
    const desired: DesiredState = { manifests, fileCount };
    report.desired = desired;
  }
  return report;
}

/** Loads manifests from in-memory texts (root-relative file names): pure. Texts a manifest references are its inputs. */
export function loadManifestTexts(texts: ReadonlyArray<{ file: string; text: string }>): ManifestLoadReport {
  const byFile = new Map(texts.map((t) => [t.file, t.text]));
  return checkManifests(texts.map((t) => parseManifestText(t.file, t.text)), [], (file) => byFile.get(file));
}

/**
 * Loads and validates every manifest under `root` (see `findManifestFiles`
 * for which files are read). Returns `desired` only when there are no
 * error-severity diagnostics. Throws only when `root` itself is unusable.
 */
/**
 * Parsed files of earlier loads, keyed by path and reused while the text is
 * unchanged. The daemon loads the whole repository on every pass; parsing
 * YAML with positions is most of a quiet pass's cost (bench/daemon.ts: ~300
 * MB allocated and ~1 s of CPU per pass for 1,000 files), and a commit
 * usually changes a few files. Results are shared between loads, so nothing
 * downstream may mutate a manifest (the planner is pure; nothing does).
 */
export class ManifestCache {
  #byFile = new Map<string, { text: string; parsed: ParsedManifestFile }>();

  /** The parse of `text` for `file`, from the cache when the text is the same. */
  parse(file: string, text: string): ParsedManifestFile {
    const hit = this.#byFile.get(file);
    if (hit && hit.text === text) return hit.parsed;
    const parsed = parseManifestText(file, text);
    this.#byFile.set(file, { text, parsed });
    return parsed;
  }

  /** Forgets files not in `files` (removed from the repository), so the cache stays the repository's size. */
  keepOnly(files: ReadonlySet<string>): void {
    for (const file of this.#byFile.keys()) if (!files.has(file)) this.#byFile.delete(file);
  }
}

export async function loadManifests(root: string, options: { cache?: ManifestCache } = {}): Promise<ManifestLoadReport> {
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new Error(`manifest directory "${root}" does not exist`);
  if (!info.isDirectory()) throw new Error(`manifest path "${root}" is not a directory`);
  const { texts, diagnostics } = await readManifestFiles(root);
  const cache = options.cache;
  cache?.keepOnly(new Set(texts.map((t) => t.file)));
  return checkManifests(
    texts.map((t) => (cache ? cache.parse(t.file, t.text) : parseManifestText(t.file, t.text))),
    diagnostics,
    (file) => readInputFile(root, file),
  );
}

/** Orders diagnostics by file, line and column (then code and message, for stable output). */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return diagnostics.sort(
    (a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message),
  );
}

/** Formats one diagnostic as `FILE:LINE:COLUMN: SEVERITY: KIND/NAME: message` (the resource part only when known). */
export function formatDiagnostic(d: Diagnostic, file: string = d.file): string {
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.resource !== undefined ? `${d.resource}: ` : ""}${d.message}`;
}
