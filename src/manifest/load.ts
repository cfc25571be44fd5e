/**
 * Reading manifests: find the YAML files under a root directory, parse each
 * (multi-document) file keeping the source positions, and map a JSON pointer
 * back to `line:column` so every later message can point at the exact field.
 * Parsing is pure (`parseYamlText`); only `findManifestFiles` and
 * `readManifestFiles` touch the file system.
 */
import { readFileSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from "yaml";
import type { Diagnostic, SourcePosition } from "../model/manifest.ts";
import { IGNORE_FILE, NO_IGNORE_RULES, parseIgnoreFile, type IgnoreRules } from "./ignore.ts";

/** How a position is wanted: at the value (default) or at the key naming it. */
export interface PositionOptions {
  /** Point at the key (`brnch:`) rather than its value, e.g. for an unknown field. */
  key?: boolean;
}

/** One YAML document of a file, parsed, with its positions. */
export interface ParsedDocument {
  /** Root-relative path with `/` separators. */
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  /** The document as plain data (`null` for an empty document). */
  value: unknown;
  /** Where the document's content starts. */
  source: SourcePosition;
  /**
   * Position of a field by JSON pointer. Scalars and flow collections point at
   * the value, block collections at their key; a pointer that does not exist
   * falls back to its nearest existing ancestor.
   */
  positionOf(pointer: string, options?: PositionOptions): SourcePosition;
}

/** A file after YAML parsing: its usable documents and the problems found. */
export interface ParsedYamlFile {
  file: string;
  /** Documents without YAML errors and with content (empty documents are dropped). */
  documents: ParsedDocument[];
  diagnostics: Diagnostic[];
}

/** Splits a JSON pointer into unescaped segments (`""` is the root). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Joins segments into a JSON pointer, escaping `~` and `/`. */
export function toPointer(segments: readonly string[]): string {
  return segments.map((s) => "/" + s.replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/**
 * Parses the text of one YAML file. Pure: no I/O, so tests and benchmarks can
 * feed text directly. A YAML error is reported at its position (the first
 * error of each document: later ones are usually its echo) and drops that
 * document; a file without any document is an error, since an empty manifest
 * file is almost always a mistake (a bad merge, a truncated write).
 */
export function parseYamlText(file: string, text: string): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  const documents: ParsedDocument[] = [];
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  let contentful = 0;
  list.forEach((doc, index) => {
    const first = doc.errors[0];
    if (first) {
      const pos = at(first.pos[0]);
      diagnostics.push({
        severity: "error",
        ...pos,
        code: "yaml-syntax",
        message: `YAML syntax error: ${cleanYamlMessage(first.message)}`,
      });
      contentful++;
      return;
    }
    for (const warning of doc.warnings) {
      diagnostics.push({ severity: "warning", ...at(warning.pos[0]), code: "yaml-warning", message: `YAML: ${cleanYamlMessage(warning.message)}` });
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === "")) return;
    contentful++;
    const contents = doc.contents;
    const start = at(contents.range?.[0] ?? doc.range[0]);
    documents.push({
      file,
      index,
      value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      source: start,
      positionOf: (pointer, options) => at(locate(doc, pointer, options?.key === true) ?? contents.range?.[0] ?? 0),
    });
  });
  if (contentful === 0) {
    diagnostics.push({
      severity: "error",
      file,
      line: 1,
      column: 1,
      code: "empty-file",
      message: "empty file: expected at least one manifest document (apiVersion, kind, metadata, spec)",
    });
  }
  return { file, documents, diagnostics };
}

/** The first line of a `yaml` error message, without its own position suffix. */
function cleanYamlMessage(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

/** Offset of the node a pointer names, or of its nearest existing ancestor. */
function locate(doc: Document.Parsed, pointer: string, wantKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let keyOffset = rangeStart(node);
  for (const segment of pointerSegments(pointer)) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment);
      if (!pair) return keyOffset;
      keyOffset = rangeStart(pair.key) ?? keyOffset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined || !/^\d+$/.test(segment)) return keyOffset;
      keyOffset = rangeStart(item) ?? keyOffset;
      node = item;
    } else {
      return keyOffset;
    }
  }
  if (wantKey) return keyOffset;
  if (isScalar(node) && node.range && node.range[1] > node.range[0]) return node.range[0];
  if ((isMap(node) || isSeq(node)) && node.flow) return rangeStart(node) ?? keyOffset;
  if (isAlias(node)) return rangeStart(node) ?? keyOffset;
  return keyOffset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/** A manifest file found under the root: its root-relative path and absolute path. */
export interface ManifestFile {
  file: string;
  path: string;
}

/**
 * Lists the `*.yaml`/`*.yml` files under `root`, sorted, skipping hidden
 * entries (dot-files such as `.gitlab-ci.yml` and dot-directories such as
 * `.git`), `node_modules`, symlinked directories (no cycles), and whatever the
 * root's `.dokploygitopsignore` matches.
 */
export async function findManifestFiles(root: string): Promise<{ files: ManifestFile[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  let rules: IgnoreRules = NO_IGNORE_RULES;
  const ignoreText = await readFile(join(root, IGNORE_FILE), "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (ignoreText !== undefined) {
    rules = parseIgnoreFile(ignoreText);
    for (const p of rules.problems) {
      diagnostics.push({ severity: "warning", file: IGNORE_FILE, line: p.line, column: p.column, code: "ignore-file", message: p.message });
    }
  }
  const files: ManifestFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        isDir = false; // never follow symlinked directories: no cycles
        isFile = target?.isFile() === true;
      }
      if (isDir) {
        if (!rules.ignores(relPath, true)) await walk(path, relPath);
      } else if (isFile && /\.ya?ml$/i.test(entry.name) && !rules.ignores(relPath, false)) {
        files.push({ file: relPath, path });
      }
    }
  };
  await walk(root, "");
  return { files, diagnostics };
}

/**
 * Reads the manifest files under `root` as `{file, text}` pairs, in path order.
 *
 * The reads are synchronous on purpose: manifests are small, and one
 * `readFileSync` costs a few microseconds where `fs/promises` takes four
 * thread-pool round trips through the event loop (open, stat, read, close).
 * Measured on 1,000 files: ~5 ms against ~26 ms at 32 in flight when idle,
 * and far worse when the loop is also handling the pass's HTTP reads. The
 * event loop is blocked for those few milliseconds, which nothing notices.
 */
export async function readManifestFiles(root: string): Promise<{ texts: Array<{ file: string; text: string }>; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await findManifestFiles(root);
  const texts = files.map((f) => ({ file: f.file, text: readFileSync(f.path, "utf8") }));
  return { texts, diagnostics };
}
