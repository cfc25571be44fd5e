/**
 * The simulator as a separate process for benchmarks: a real Dokploy runs on
 * another machine, so its request handling must not share the reconciler's
 * event loop (in-process, every simulated call would steal CPU time from the
 * engine being measured). Controlled over its loopback `/__simulator/` API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CallRecord, SimulatorState } from "../../src/simulator/index.ts";

/** Repository root (bench/lib/ is two levels down). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A simulator child process. */
export interface SimProcess {
  url: string;
  apiKey: string;
  pid: number;
  calls(): Promise<CallRecord[]>;
  resetCalls(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  state(): Promise<SimulatorState>;
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of the child simulator. */
export interface SimProcessOptions {
  latencyMs: number;
  deployDurationMs: number;
  seed?: number;
  apiKey?: string;
  /** Builds at once (default unlimited: the benchmarks written so far measure the API cost alone). */
  buildsConcurrency?: number | "unlimited";
}

/** Starts `dokploy-gitops simulator` on an ephemeral loopback port; resolves once it listens (bounded: 20 s). */
export async function startSimProcess(options: SimProcessOptions): Promise<SimProcess> {
  const apiKey = options.apiKey ?? "bench-simulator-key";
  const child: ChildProcess = spawn(process.execPath, [
    join(REPO_ROOT, "src/main.ts"), "simulator", "--listen", "127.0.0.1:0", "--api-key", apiKey,
    "--latency", String(options.latencyMs), "--deploy-duration", String(options.deployDurationMs), "--seed", String(options.seed ?? 1),
    "--builds-concurrency", String(options.buildsConcurrency ?? "unlimited"),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  // Never leave a simulator behind when the benchmark exits early (an error, Ctrl-C).
  const reap = (): void => void child.kill("SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => process.off("exit", reap));
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`simulator did not start within 20 s: ${stderr}`)), 20_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${stderr}`));
    });
  });
  const control = async (method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/__simulator${path}`, {
      method, signal: AbortSignal.timeout(120_000),
      ...(method === "POST" ? { body: JSON.stringify(body ?? {}), headers: { "content-type": "application/json" } } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator control ${path}: HTTP ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url, apiKey, pid: child.pid!,
    calls: async () => {
      const r = (await control("GET", "/calls")) as CallRecord[] | { calls: CallRecord[] };
      return Array.isArray(r) ? r : r.calls;
    },
    resetCalls: async () => void (await control("POST", "/calls/reset")),
    setLatency: async (ms) => void (await control("POST", "/latency", { ms })),
    state: async () => (await control("GET", "/state")) as SimulatorState,
    idle: async (timeoutMs = 60_000) => void (await control("POST", "/idle", { timeoutMs })),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
