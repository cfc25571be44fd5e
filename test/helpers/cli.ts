/**
 * Runs the real entry point (`node src/main.ts <args>`) as a child process,
 * the way a user or a CI job runs it: its own environment (nothing inherited
 * unless passed), captured stdout/stderr, the exit code or the signal that
 * ended it, and a bounded timeout so a hung command fails its test instead of
 * the suite. `src/main.ts` needs Node 24 (type stripping), so the node@24
 * devDependency is preferred over whatever node runs vitest.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the child's working directory). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

const NODE24 = join(REPO_ROOT, "node_modules/node/bin/node");

/** The node binary that runs `src/main.ts` directly. */
export const CLI_NODE = existsSync(NODE24) ? NODE24 : process.execPath;

/** What a finished CLI run left behind. */
export interface CliResult {
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /**
   * Extra environment. The child gets only PATH, HOME and NO_COLOR=1 besides
   * these, so a test states every variable the command may read (no key or
   * secret leaks in from the developer's shell).
   */
  env?: Record<string, string | undefined>;
  /** Kill the child and reject after this long (default 60 s). */
  timeoutMs?: number;
  /** Working directory (default the repository root). */
  cwd?: string;
}

/** A started CLI process: the child (for signals) and its eventual result. */
export interface RunningCli {
  child: ChildProcess;
  /** Resolves when the process has exited and its output streams are closed. */
  done: Promise<CliResult>;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Starts `dokploy-gitops <args>` and returns at once, for tests that act on
 * the process while it runs (the crash test kills it mid-apply).
 */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(CLI_NODE, [join(REPO_ROOT, "src/main.ts"), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: childEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dokploy-gitops ${args.join(" ")}: did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Runs `dokploy-gitops <args>` to completion. */
export function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** What an in-process run left behind. */
export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `dokploy-gitops <args>` in this process (`runCli` with captured
 * streams): milliseconds instead of a Node start per call, for tests that
 * run hundreds of invocations. Rejects when it takes longer than `timeoutMs`
 * (a command that started serving instead of failing).
 */
export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<InProcessResult> {
  const { runCli } = await import("../../src/cli/index.ts");
  const { PassThrough } = await import("node:stream");
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (b: Buffer) => (out += b.toString()));
  stderr.on("data", (b: Buffer) => (err += b.toString()));
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`dokploy-gitops ${args.join(" ")}: still running after ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
  });
  try {
    const code = await Promise.race([runCli(args, { env: { NO_COLOR: "1", ...env }, stdout, stderr }), hung]);
    return { code, stdout: out, stderr: err };
  } finally {
    clearTimeout(timer);
  }
}

/** One command of the CLI as its `--help` describes it. */
export interface CommandSurface {
  name: string;
  help: string;
  /** Every `--flag` and `-f` the help names. */
  flags: string[];
}

/**
 * The CLI's surface, discovered from its own help: the commands listed by
 * `dokploy-gitops --help` and the flags each command's `--help` names. Tests
 * built on it cover a command or flag added later without being edited.
 */
export async function discoverCli(): Promise<CommandSurface[]> {
  const top = await runCliInProcess(["--help"]);
  const section = top.stdout.split(/^Commands:$/m)[1] ?? "";
  const names = [...section.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]!);
  const out: CommandSurface[] = [];
  for (const name of names) {
    const help = (await runCliInProcess([name, "--help"])).stdout;
    const flags = new Set<string>();
    for (const m of help.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])/g)) flags.add(m[1]!);
    out.push({ name, help, flags: [...flags].sort() });
  }
  return out;
}
