/**
 * The documentation is tested: every shell block of README.md, docs/ and
 * examples/ runs here against the simulator (or carries a marker saying why
 * not), and every command and flag named in inline code exists. The blocks
 * and commands are discovered from the markdown and the CLI's own --help
 * (test/helpers/doc-commands.ts has the rules; docs/writing-docs.md explains
 * them to authors), so a page, command or flag added later is covered
 * without editing this file.
 *
 * How a documented command is run: in a scratch directory holding copies of
 * `examples/` (also as `deploy/`), with `--simulator` added where the
 * command has it (a `--url`, `--api-key` or `--api-key-file` of the example
 * is dropped), a git URL given to `--source` replaced by a local repository
 * holding the examples (under `--path` when given), absolute paths moved
 * into the scratch directory (a file that a `--*-file` flag names is created
 * there with a placeholder value), `comment` given `--dry-run`, and daemons
 * (`run`, `simulator`) given an ephemeral loopback port, waited for, and
 * stopped with SIGTERM. Each must exit 0 (2 with `--detailed-exitcode`).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverCli, REPO_ROOT, runCliInProcess, startCli, type CommandSurface } from "../helpers/cli.ts";
import {
  documentationPages, fencedBlocks, inlineSpans, invocation, isShellBlock, MARKER_KINDS, shellLines, shellWords, type DocBlock,
} from "../helpers/doc-commands.ts";
import { eventually } from "../helpers/eventually.ts";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.ts";

const PAGES = documentationPages(REPO_ROOT);
const BLOCKS = PAGES.flatMap((p) => fencedBlocks(REPO_ROOT, p));
const SHELL_BLOCKS = BLOCKS.filter(isShellBlock);
const RUN_BLOCKS = SHELL_BLOCKS.filter((b) => b.marker === undefined);
const DAEMONS = new Set(["run", "simulator"]);

const sandbox = mkdtempSync(path.join(tmpdir(), "dg-docs-"));
const repos = new Map<string, TestRepo>();
const cwd = process.cwd();
let surface: Map<string, CommandSurface>;

beforeAll(async () => {
  cpSync(path.join(REPO_ROOT, "examples"), path.join(sandbox, "examples"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "examples"), path.join(sandbox, "deploy"), { recursive: true });
  surface = new Map((await discoverCli()).map((c) => [c.name, c]));
  process.chdir(sandbox);
}, 60_000);
afterAll(() => {
  process.chdir(cwd);
  for (const r of repos.values()) r.cleanup();
  rmSync(sandbox, { recursive: true, force: true });
});

/** Every file under `dir`, as repository-relative paths under `prefix`. */
function filesOf(dir: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) Object.assign(out, filesOf(full, path.posix.join(prefix, entry)));
    else out[path.posix.join(prefix, entry)] = readFileSync(full, "utf8");
  }
  return out;
}

/** A local git remote holding the examples at `subdir` (the documented `--path`), standing in for a documented git URL. */
function exampleRepo(subdir: string): string {
  let repo = repos.get(subdir);
  if (!repo) {
    repo = createTestRepo();
    repo.commit(filesOf(path.join(REPO_ROOT, "examples"), subdir), "examples");
    repos.set(subdir, repo);
  }
  return repo.url;
}

/** The flag's value in `args`, `--flag value` or `--flag=value`. */
function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** Removes `flag` and its value. */
function withoutFlag(args: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) i++;
    else if (!args[i]!.startsWith(`${flag}=`)) out.push(args[i]!);
  }
  return out;
}

/** The documented arguments, adapted to run here (see the header). */
function adapt(args: string[]): string[] {
  const command = args[0]!;
  const flags = surface.get(command)?.flags ?? [];
  let out = args.map((a, i) => (i > 0 && a.startsWith("/") ? path.join(sandbox, a) : a));
  for (const f of ["--url", "--api-key", "--api-key-file"]) out = withoutFlag(out, f);
  if (flags.includes("--simulator") && !out.includes("--simulator")) out.push("--simulator");
  const source = flagValue(args, "--source");
  if (source !== undefined && /:\/\/|^[\w.-]+@[\w.-]+:/.test(source)) {
    out = [...withoutFlag(out, "--source"), "--source", exampleRepo(flagValue(args, "--path") ?? ".")];
  }
  // A file a flag reads (`--status-token-file /etc/...`, `--git-ssh-key FILE`) exists here, with a placeholder value.
  out.forEach((arg, i) => {
    const flag = out[i - 1];
    if (flag && /^--(.*-file|git-ssh-key|git-known-hosts)$/.test(flag) && !existsSync(path.resolve(sandbox, arg))) {
      mkdirSync(path.dirname(path.resolve(sandbox, arg)), { recursive: true });
      writeFileSync(path.resolve(sandbox, arg), "docs-test-placeholder-value\n", { mode: 0o600 });
    }
  });
  if (DAEMONS.has(command)) out = [...withoutFlag(out, "--listen"), "--listen", "127.0.0.1:0"];
  if (command === "comment" && !out.includes("--dry-run")) out.push("--dry-run");
  return out;
}

/** The daemon's status token as the command gives it (a file flag or the env), for reading /status. */
function statusAuth(args: string[], env: Record<string, string>): Record<string, string> {
  const file = flagValue(args, "--status-token-file");
  const token = file !== undefined ? readFileSync(path.resolve(sandbox, file), "utf8").trim() : env.DOKPLOY_GITOPS_STATUS_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Runs a daemon the way the docs show it, until it serves (and, for `run`, finished a pass); then SIGTERM. */
async function runDaemon(args: string[], env: Record<string, string>): Promise<void> {
  const { child, done } = startCli(args, { cwd: sandbox, env, timeoutMs: 60_000 });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  try {
    const url = await eventually(() => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) throw new Error(`not listening yet:\n${out}`);
      return m[1]!;
    }, { timeoutMs: 30_000 });
    if (args[0] === "run") {
      await eventually(async () => {
        const status = (await (await fetch(`${url}/status`, { headers: statusAuth(args, env) })).json()) as { lastPass?: { outcome: string; message: string } | null };
        expect(status.lastPass, out).toBeTruthy();
        expect(status.lastPass!.outcome, status.lastPass!.message).toBe("succeeded");
      }, { timeoutMs: 40_000, intervalMs: 100 });
    }
  } finally {
    child.kill("SIGTERM");
  }
  const result = await done;
  expect(result.code, `${args.join(" ")}\n${result.stdout}\n${result.stderr}`).toBe(0);
}

describe("the documentation's shell blocks", () => {
  it("are found (the discovery works)", () => {
    expect(PAGES).toContain("README.md");
    expect(RUN_BLOCKS.length).toBeGreaterThanOrEqual(4);
  });

  it.each(SHELL_BLOCKS.filter((b) => b.marker).map((b) => [`${b.file}:${b.line}`, b] as const))("%s: its marker names a known kind and a reason", (_where, block) => {
    const marker = block.marker!;
    expect(MARKER_KINDS as readonly string[], `unknown marker kind "${marker.kind}"`).toContain(marker.kind);
    expect(marker.reason.length, "a marker needs a reason").toBeGreaterThan(10);
    if (marker.kind === "tested-by") expect(existsSync(path.join(REPO_ROOT, marker.reason.split(/\s/)[0]!)), marker.reason).toBe(true);
  });

  it.each(RUN_BLOCKS.map((b) => [`${b.file}:${b.line}`, b] as const))("%s runs against the simulator", { timeout: 180_000 }, async (_where, block: DocBlock) => {
    const env: Record<string, string> = {};
    for (const line of shellLines(block.body)) {
      Object.assign(env, line.env);
      const call = invocation(line);
      if (call.kind === "setup" || call.kind === "env") continue;
      if (call.kind === "other") {
        throw new Error(`${block.file}:${block.line}: "${line.text}" runs ${call.program}, which this test cannot run: mark the block (<!-- docs-test: KIND: reason -->, see docs/writing-docs.md)`);
      }
      if (call.release) throw new Error(`${block.file}:${block.line}: "${line.text}" needs a published release: mark the block <!-- docs-test: needs-release: ... -->`);
      expect(surface.has(call.args[0]!), `${block.file}:${block.line}: unknown command in "${line.text}"`).toBe(true);
      const args = adapt(call.args);
      if (DAEMONS.has(args[0]!)) {
        await runDaemon(args, env);
        continue;
      }
      const r = await runCliInProcess(args, { ...env, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }, 120_000);
      const allowed = args.includes("--detailed-exitcode") ? [0, 2] : [0];
      expect(allowed, `${block.file}:${block.line}: dokploy-gitops ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`).toContain(r.code);
    }
  });
});

/** `dokploy-gitops COMMAND ...` (or a span starting with a command) found in inline code and untagged blocks. */
function namedCommands(): Array<{ where: string; command: string; rest: string }> {
  const found: Array<{ where: string; command: string; rest: string }> = [];
  const commands = [...surface.keys()];
  const texts = [
    ...PAGES.flatMap((p) => inlineSpans(REPO_ROOT, p).map((s) => ({ where: `${p}:${s.line}`, text: s.text, startsWithCommand: true }))),
    ...BLOCKS.filter((b) => b.lang === "" || isShellBlock(b)).map((b) => ({
      where: `${b.file}:${b.line}`,
      // Shell comments are prose ("installs the dokploy-gitops command"), not commands.
      text: (isShellBlock(b) ? b.body.replace(/(^|\s)#.*$/gm, "") : b.body).replace(/\n\s+/g, " "),
      startsWithCommand: false,
    })),
  ];
  for (const { where, text, startsWithCommand } of texts) {
    for (const m of text.matchAll(/(?:^|[\s(])(?:npx (?:--yes )?)?dokploy-gitops(?:@\S+)? ([a-z][a-z-]*)([^\n]*)/g)) found.push({ where, command: m[1]!, rest: m[2]! });
    const first = shellWords(text)[0];
    if (startsWithCommand && first && commands.includes(first) && /\s(--|\[)/.test(text)) found.push({ where, command: first, rest: text.slice(first.length) });
  }
  return found;
}

describe("commands and flags named in the documentation", () => {
  it("exist: every `dokploy-gitops COMMAND --flag` is a real command with that flag", () => {
    const problems: string[] = [];
    const named = namedCommands();
    expect(named.length).toBeGreaterThan(10);
    for (const { where, command, rest } of named) {
      const c = surface.get(command);
      if (!c) {
        problems.push(`${where}: unknown command "dokploy-gitops ${command}"`);
        continue;
      }
      // Flags up to the next program of a pipeline (`| jq`, `&& docker ...`).
      const own = rest.split(/\s(?:\||&&|;)\s/)[0]!;
      for (const m of own.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)/g)) {
        if (!c.flags.includes(m[1]!) && m[1] !== "--help") problems.push(`${where}: "dokploy-gitops ${command}" has no flag ${m[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
