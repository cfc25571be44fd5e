/**
 * The commands the documentation shows, found generically so that a page or
 * command added later is covered without editing the docs test. The rules
 * (written for authors in docs/writing-docs.md):
 *
 * - Every fenced block tagged `sh`, `bash`, `shell`, `console` or `zsh` in
 *   README.md, docs/ and examples/ is run, unless the line just before it is
 *   a marker `<!-- docs-test: KIND: reason -->` with KIND one of
 *   `real-server`, `needs-release`, `not-runnable` or `tested-by` (its reason
 *   starts with the test file that runs it).
 * - In a run block, `npm ...` lines are the project's own setup and skipped;
 *   `export A=B` and `A=B cmd` set the environment; every other line must be
 *   a dokploy-gitops invocation (`dokploy-gitops`, `npx dokploy-gitops`,
 *   `node dist/main.js`). `npx dokploy-gitops@VERSION` needs a published
 *   release, so a block using it must be marked `needs-release`.
 * - Inline code and untagged blocks naming `dokploy-gitops COMMAND` (or a
 *   table cell starting with a command) are checked, not run: the command
 *   and each of its flags must exist.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** A marker's kinds: why a block is not run here. */
export const MARKER_KINDS = ["real-server", "needs-release", "not-runnable", "tested-by"] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

/** One fenced block of a page. */
export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  marker?: { kind: string; reason: string };
}

const SHELL_LANGS = new Set(["sh", "bash", "shell", "console", "zsh"]);

/** True for a block the docs test runs (or requires a marker for). */
export function isShellBlock(block: DocBlock): boolean {
  return SHELL_LANGS.has(block.lang);
}

/** README.md, every page under docs/ and examples/ (recursively), repository-relative. */
export function documentationPages(repo: string): string[] {
  const pages = ["README.md"];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(repo, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) pages.push(rel);
    }
  };
  walk("docs");
  walk("examples");
  return pages.sort();
}

const MARKER = /^<!--\s*docs-test:\s*([a-z-]+)\s*:\s*(.*?)\s*-->$/;

/** The fenced blocks of a page, with the marker on the line before each (blank lines between are allowed). */
export function fencedBlocks(repo: string, file: string): DocBlock[] {
  const lines = readFileSync(path.join(repo, file), "utf8").split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trim().startsWith(fence); j++) body.push(lines[j]!.slice(indent));
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === "") k--;
    const m = k >= 0 ? MARKER.exec(lines[k]!.trim()) : null;
    blocks.push({ file, line: i + 1, lang: open[3] ?? "", body: body.join("\n"), ...(m ? { marker: { kind: m[1]!, reason: m[2]! } } : {}) });
    i = j;
  }
  return blocks;
}

/** The inline code spans of a page (outside fenced blocks), with their line numbers. */
export function inlineSpans(repo: string, file: string): Array<{ line: number; text: string }> {
  const lines = readFileSync(path.join(repo, file), "utf8").split("\n");
  const spans: Array<{ line: number; text: string }> = [];
  let inFence = false;
  lines.forEach((l, i) => {
    if (/^\s*(`{3,}|~{3,})/.test(l)) inFence = !inFence;
    if (inFence) return;
    for (const m of l.matchAll(/(?<!`)`([^`\n]+)`(?!`)/g)) spans.push({ line: i + 1, text: m[1]!.replace(/\\\|/g, "|") });
  });
  return spans;
}

/** One shell line of a block, split into words (quotes honoured), with its leading assignments. */
export interface ShellLine {
  text: string;
  env: Record<string, string>;
  words: string[];
}

/** Splits a shell word list (single and double quotes, no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/**
 * The logical lines of a shell block: `\` continuations joined, comments
 * dropped, `&&` and `;` split, leading `A=B` assignments (and `export`)
 * taken as environment.
 */
export function shellLines(body: string): ShellLine[] {
  const joined = body.replace(/\\\n\s*/g, " ");
  const out: ShellLine[] = [];
  for (const raw of joined.split("\n")) {
    const line = raw.replace(/^\s*\$\s+/, "").replace(/\s+#.*$/, "").replace(/^\s*#.*$/, "").trim();
    if (line === "") continue;
    for (const part of line.split(/\s*(?:&&|;)\s*/)) {
      const words = shellWords(part);
      const env: Record<string, string> = {};
      if (words[0] === "export") words.shift();
      while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
        const [name, ...value] = words.shift()!.split("=");
        env[name!] = value.join("=");
      }
      out.push({ text: part, env, words });
    }
  }
  return out;
}

/** How a line invokes the tool: the arguments after the program, or why it is something else. */
export type Invocation =
  | { kind: "tool"; args: string[]; release?: string }
  | { kind: "setup" }
  | { kind: "env" }
  | { kind: "other"; program: string };

/** Classifies a shell line: the tool, an npm setup step, only assignments, or another program. */
export function invocation(line: ShellLine): Invocation {
  const w = line.words;
  if (w.length === 0) return { kind: "env" };
  if (w[0] === "npm") return { kind: "setup" };
  if (w[0] === "node" && w[1] === "dist/main.js") return { kind: "tool", args: w.slice(2) };
  let i = 0;
  if (w[0] === "npx") {
    i = 1;
    while (w[i]?.startsWith("-")) i++;
  }
  const program = w[i] ?? "";
  const m = /^dokploy-gitops(?:@(.+))?$/.exec(program);
  if (m) return { kind: "tool", args: w.slice(i + 1), ...(m[1] ? { release: m[1] } : {}) };
  return { kind: "other", program: w[0]! };
}
