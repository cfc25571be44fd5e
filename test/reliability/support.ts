/**
 * Shared pieces of the reliability suite: the canary secrets every test
 * plants and the scan that proves they never leave the process, an
 * in-process reconcile pass against a simulator over loopback HTTP (fast
 * client timeouts and retries so hundreds of faulty runs stay quick),
 * duplicate detection, and unowned look-alike objects with byte-for-byte
 * snapshots.
 */
import { expect } from "vitest";
import { createDokployClient, type DokployClient } from "../../src/dokploy/client.ts";
import { isWriteEndpoint } from "../../src/dokploy/port.ts";
import { reconcilePass, type PassDeps } from "../../src/reconcile/pass.ts";
import type { PassResult, PassSettings } from "../../src/reconcile/types.ts";
import type { CallRecord, SimulatorHandle, SimulatorState } from "../../src/simulator/index.ts";
import { Random } from "../../src/simulator/random.ts";
import { Redactor } from "../../src/util/redact.ts";

/** Canary secrets: if any of these shows up in captured output, a secret leaked. */
export const CANARY = {
  apiKey: "canary-api-key-7Qm2xZ4v",
  fromEnv: "canary-fromenv-Lp9w3Rk8",
  webhookSecret: "canary-webhook-secret-Hx5n1Tc6",
  gitToken: "canary-git-token-Vb8s2Jd4",
  statusToken: "canary-status-token-Rf3k9Wq2",
} as const;

/** The env variable a manifest's `fromEnv` reference reads the canary from. */
export const CANARY_ENV = "RELIABILITY_CANARY";

/** Collects every string the tool produced in a test, and checks none carries a canary. */
export class CanaryScan {
  readonly #captured: Array<{ where: string; text: string }> = [];

  /** Records output (logs, status bodies, plan text, comments, error messages). */
  add(where: string, value: unknown): void {
    this.#captured.push({ where, text: typeof value === "string" ? value : JSON.stringify(value) ?? "" });
  }

  get size(): number {
    return this.#captured.length;
  }

  /** Fails naming the capture and the canary that leaked. */
  expectClean(): void {
    const leaks: string[] = [];
    for (const { where, text } of this.#captured) {
      for (const [name, value] of Object.entries(CANARY)) if (text.includes(value)) leaks.push(`${name} in ${where}`);
    }
    expect(leaks, "canary secrets found in captured output").toEqual([]);
  }
}

/** A pino-compatible logger that keeps every line (as JSON) for the canary scan. */
export function capturingLog(scan: CanaryScan, where: string): PassDeps["log"] {
  const line = (level: string) => (obj: unknown, msg?: string) => scan.add(`${where} log`, { level, ...(typeof obj === "object" ? obj : { msg: obj }), msg });
  return { info: line("info"), warn: line("warn"), debug: line("debug"), error: line("error") } as unknown as PassDeps["log"];
}

/** A client tuned for fault runs: short per-attempt timeout, quick retries, a breaker that recovers fast. */
export function faultClient(sim: Pick<SimulatorHandle, "url" | "apiKey">, requestTimeoutMs = 250): DokployClient {
  return createDokployClient({
    url: sim.url, apiKey: sim.apiKey, requestTimeoutMs,
    retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 20 },
    breaker: { failureThreshold: 50, coolDownMs: 20 },
  });
}

/** Apply-mode settings with tiny deploy polling (the test simulator builds in a few ms). */
export function applySettings(extra: Partial<PassSettings> = {}): PassSettings {
  return {
    instance: "default", mode: "apply", prune: false, allowEmpty: false, maxDeletions: 100,
    concurrency: 8, deployTimeoutMs: 20_000, waitForDeploys: true, deployPollIntervalMs: 5, ...extra,
  };
}

/** One reconcile pass in process; every log line and the result's message go to `scan`. */
export async function pass(api: DokployClient, root: string, settings: PassSettings, scan: CanaryScan, secretEnv: NodeJS.ProcessEnv = { [CANARY_ENV]: CANARY.fromEnv }): Promise<PassResult> {
  const redactor = new Redactor().add(CANARY.apiKey, ...Object.values(secretEnv));
  const result = await reconcilePass({ root, settings }, { api, log: capturingLog(scan, "pass"), redactor, secretEnv });
  scan.add("pass result", { message: result.message, reason: result.reason, resources: result.resources, outcomes: result.apply?.outcomes, plan: result.plan });
  return result;
}

/** Names that occur more than once where Dokploy should hold one object per identity. */
export function duplicates(state: SimulatorState, scope: (projectName: string) => boolean = () => true): string[] {
  const seen = new Map<string, number>();
  const count = (k: string): void => void seen.set(k, (seen.get(k) ?? 0) + 1);
  for (const p of state.projects) {
    if (!scope(p.name)) continue;
    count(`project ${p.name}`);
    for (const e of p.environments) {
      count(`environment ${p.name}/${e.name}`);
      for (const a of e.applications) {
        count(`application ${p.name}/${e.name}/${a.name}`);
        for (const d of a.domains) count(`domain ${p.name}/${e.name}/${a.name} ${d.host}${String(d.path ?? "/")}`);
      }
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
}

/** Every row of the state by id (projects, environments, applications, domains), as JSON text without child lists. */
export function rowsById(state: SimulatorState): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of state.projects) {
    const { environments, ...row } = p;
    out.set(p.projectId, JSON.stringify(row));
    for (const e of environments) {
      const { applications, ...erow } = e;
      out.set(e.environmentId, JSON.stringify(erow));
      for (const a of applications) {
        const { domains, deployments, ...arow } = a;
        out.set(a.applicationId, JSON.stringify({ ...arow, deployments: deployments.length }));
        for (const d of domains) out.set(d.domainId, JSON.stringify(d));
      }
    }
  }
  return out;
}

/** Write calls whose input names one of `ids`. */
export function writesToAny(calls: readonly CallRecord[], ids: ReadonlySet<string>): CallRecord[] {
  return calls.filter((c) => {
    if (c.method === "GET" && !isWriteEndpoint(c.endpoint)) return false;
    const body = (c.body ?? {}) as Record<string, unknown>;
    return ["projectId", "environmentId", "applicationId", "domainId"].some((k) => typeof body[k] === "string" && ids.has(body[k]));
  });
}

/** A seeded generator (the simulator's mulberry32), so a failing run can be replayed by its seed. */
export function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
