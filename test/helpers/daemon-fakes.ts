/**
 * Small builders for daemon tests: pass results and a silent logger. The
 * pass is scripted, never a mock of our own modules.
 */
import { pino, type Logger } from "pino";
import type { PassReason, PassResult, ResourceStatus } from "../../src/reconcile/types.ts";

/** A logger that discards everything (tests assert on behaviour, not log lines). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** A pass result with sensible defaults; override what the test is about. */
export function passResult(overrides: Partial<PassResult> & { reason?: PassReason } = {}): PassResult {
  const now = new Date().toISOString();
  const reason = overrides.reason ?? "ReconciliationSucceeded";
  return {
    reconcileId: "test",
    revision: "rev-1",
    startedAt: now,
    finishedAt: now,
    outcome: reason === "ReconciliationSucceeded" || reason === "DriftDetected" ? "succeeded" : "failed",
    reason,
    message: reason,
    transient: reason === "DokployUnavailable",
    diagnostics: [],
    resources: [],
    apiCalls: 3,
    apiCallsByEndpoint: { "project.all": 1 },
    ...overrides,
  };
}

/** A resource status row. */
export function resource(key: string, sync: ResourceStatus["sync"], extra: Partial<ResourceStatus> = {}): ResourceStatus {
  const [kind, project, ...rest] = key.split("/");
  return {
    kind: kind as ResourceStatus["kind"],
    key,
    project: project!,
    name: rest.at(-1) ?? project!,
    sync,
    ...extra,
  };
}
