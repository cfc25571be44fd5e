/**
 * Runs `dokploy-gitops run` as a child process, the way users do, and gives
 * tests its bound URL (parsed from the "listening on" log line), the embedded
 * simulator's URL when there is one, its log lines, and a bounded stop.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DaemonStatus } from "../../src/reconcile/status-store.ts";
import { eventually } from "./eventually.ts";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/main.ts");

export interface SpawnedDaemon {
  child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:PORT` of the daemon's server. */
  url: string;
  /** The embedded simulator's URL (with `--simulator`). */
  simulatorUrl?: string;
  /** Parsed JSON log lines so far (stdout), and raw stderr. */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  /** `GET /status` as JSON (with the status token as bearer when the daemon was given one in its env). */
  status(headers?: Record<string, string>): Promise<DaemonStatus>;
  /** Sends `signal` and waits (bounded) for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  /** Extra environment (PATH and HOME are passed through). */
  env?: Record<string, string>;
  /** How long to wait for the "listening on" line. Default 20 s. */
  startTimeoutMs?: number;
}

/**
 * Collects a child's JSON log lines as they arrive (a line that is not JSON
 * is kept as `{raw}`); the returned array fills up while the child runs.
 */
export function collectJsonLines(stream: NodeJS.ReadableStream): Array<Record<string, unknown>> {
  const logs: Array<Record<string, unknown>> = [];
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  return logs;
}

/** Starts `node src/main.ts run ARGS`; always pass `--listen 127.0.0.1:0`. */
export async function spawnDaemon(args: string[], options: SpawnOptions = {}): Promise<SpawnedDaemon> {
  const child = spawn(process.execPath, [MAIN, "run", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const logs = collectJsonLines(child.stdout);
  const stderr: string[] = [];
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  let url: string;
  try {
    url = await eventually(
      () => {
        if (exitCode !== undefined) throw new Error(`daemon exited with ${exitCode} before listening: ${stderr.join("")}`);
        const line = logs.find((l) => typeof l.listen === "string");
        if (!line) throw new Error("no 'listening on' log line yet");
        return line.listen as string;
      },
      { timeoutMs: options.startTimeoutMs ?? 20_000 },
    );
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const sim = logs.find((l) => typeof l.simulator === "string")?.simulator as string | undefined;
  const token = options.env?.DOKPLOY_GITOPS_STATUS_TOKEN;
  const bearer: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

  const stop = async (signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<number | null> => {
    if (exitCode !== undefined) return exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    child, url, logs, stderr, stop,
    ...(sim ? { simulatorUrl: sim } : {}),
    status: async (headers = bearer) => {
      const res = await fetch(`${url}/status`, { headers });
      if (!res.ok) throw new Error(`GET /status: ${res.status} ${await res.text()}`);
      return (await res.json()) as DaemonStatus;
    },
  };
}
