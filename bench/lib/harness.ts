/**
 * Runs reconcile passes for benchmarks the way the daemon does (the real
 * `reconcilePass`, the real undici client over loopback HTTP) and turns the
 * simulator's call log into the figures the benchmarks print.
 */
import { availableParallelism, freemem, loadavg, totalmem } from "node:os";
import { poolSize } from "../../src/reconcile/plan-revision.ts";
import { createDokployClient, type DokployClient } from "../../src/dokploy/client.ts";
import { isWriteEndpoint } from "../../src/dokploy/port.ts";
import { reconcilePass } from "../../src/reconcile/pass.ts";
import type { PassResult, PassSettings } from "../../src/reconcile/types.ts";
import type { CallRecord } from "../../src/simulator/index.ts";
import { Redactor } from "../../src/util/redact.ts";

/** A logger that drops everything (benchmarks measure the engine, not pino). */
export const SILENT_LOG = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** Engine settings of the benchmarks: apply mode, concurrency 8, follow deploys. */
export function benchSettings(concurrency = 8, extra: Partial<PassSettings> = {}): PassSettings {
  return {
    instance: "default", mode: "apply", prune: false, allowEmpty: false, maxDeletions: 10,
    concurrency, deployTimeoutMs: 300_000, waitForDeploys: true, ...extra,
  };
}

/** A client like the CLI's and the daemon's: a pool sized for the reads and writes a pass keeps in flight. */
export function benchClient(url: string, apiKey: string, engine: Pick<PassSettings, "concurrency" | "readConcurrency"> = benchSettings()): DokployClient {
  return createDokployClient({ url, apiKey, requestTimeoutMs: 60_000, connections: poolSize(engine) });
}

/** One timed pass. */
export async function timedPass(api: DokployClient, root: string, settings: PassSettings, revision?: string): Promise<{ result: PassResult; ms: number }> {
  const started = performance.now();
  const result = await reconcilePass(
    { root, settings, ...(revision ? { revision } : {}) },
    { api, log: SILENT_LOG, redactor: new Redactor(), secretEnv: {} },
  );
  return { result, ms: performance.now() - started };
}

/** Calls per endpoint, sorted by name. */
export function byEndpoint(calls: readonly CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of [...calls].sort((a, b) => a.endpoint.localeCompare(b.endpoint))) out[c.endpoint] = (out[c.endpoint] ?? 0) + 1;
  return out;
}

/** Calls that change something on the server. */
export function writes(calls: readonly CallRecord[]): CallRecord[] {
  return calls.filter((c) => c.method !== "GET" || isWriteEndpoint(c.endpoint));
}

/** One line per endpoint, aligned. */
export function formatCounts(counts: Record<string, number>, indent = "    "): string {
  const width = Math.max(0, ...Object.keys(counts).map((k) => k.length));
  return Object.entries(counts).map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join("\n");
}

/** The machine the figures were taken on (they scale with it). */
export function machine(): string {
  const gib = (b: number): string => (b / 1024 ** 3).toFixed(1);
  return `${availableParallelism()} CPUs, ${gib(totalmem())} GiB RAM (${gib(freemem())} free), Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
}

/** Milliseconds as seconds with 2 decimals. */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A short pass summary for the output. */
export function outcomeLine(r: PassResult): string {
  return `${r.outcome} (${r.reason}): ${r.message}`;
}
