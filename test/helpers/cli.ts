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
