/**
 * The daemon as the container runs it: compiled JavaScript (`tsc` output,
 * built once into `.tmp/bench-dist/`, which git ignores), not the `.ts`
 * sources. Node's type stripping loads a TypeScript parser and keeps the
 * sources' transforms around, which would add ~25 MiB to every RSS figure
 * that no user pays.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../../test/helpers/eventually.ts";
import { collectJsonLines } from "../../test/helpers/daemon.ts";
import { REPO_ROOT } from "./sim-process.ts";

/** Where the benchmarks build the compiled daemon. */
export const BENCH_DIST = join(REPO_ROOT, ".tmp", "bench-dist");

/** Compiles `src/` into BENCH_DIST (bounded: 5 min). */
export function buildBenchDist(): void {
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(REPO_ROOT, "tsconfig.build.json"), "--outDir", BENCH_DIST], { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`tsc failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
}

/** Variables of the image's `ENV` that shape the daemon's memory: a benchmark without them measures a process no user runs. */
const RUNTIME_ENV = /^(NODE_OPTIONS|MALLOC_\w+)$/;

/**
 * `NODE_OPTIONS` and `MALLOC_*` as the Dockerfile's `ENV` instructions set
 * them (read, not copied, so the benchmark follows the image).
 */
export function imageRuntimeEnv(dockerfile = join(REPO_ROOT, "Dockerfile")): Record<string, string> {
  const text = readFileSync(dockerfile, "utf8").replace(/\\\r?\n/g, " ");
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*ENV\s+(.*)$/.exec(line);
    if (!m) continue;
    for (const pair of m[1]!.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      const value = pair[2]!.startsWith('"') ? pair[2]!.slice(1, -1).replace(/\\(.)/g, "$1") : pair[2]!;
      if (RUNTIME_ENV.test(pair[1]!)) env[pair[1]!] = value;
    }
  }
  if (env.NODE_OPTIONS === undefined) throw new Error(`${dockerfile}: no ENV NODE_OPTIONS=... found; the benchmark would not run the daemon as the image does`);
  return env;
}

/** A running compiled daemon. */
export interface DaemonProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts `node .tmp/bench-dist/main.js run ARGS` and waits (bounded) for its "listening" line. */
export async function startDaemonProcess(args: string[], env: Record<string, string>): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [join(BENCH_DIST, "main.js"), "run", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const reap = (): void => void child.kill("SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => process.off("exit", reap));
  const logs = collectJsonLines(child.stdout);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  try {
    const url = await eventually(() => {
      if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}: ${stderr}`);
      const line = logs.find((l) => typeof l.listen === "string");
      if (!line) throw new Error("no 'listening on' line yet");
      return line.listen as string;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    return { child, url, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
