/**
 * Prometheus metrics of the daemon, in a registry of its own (never the
 * global one, so tests and embedders can run several daemons in a process).
 * Names follow Prometheus conventions: a `_total` counter with a `result`
 * label per pass, a duration histogram, and gauges for the current state.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PassObserver } from "../reconcile/loop.ts";
import { replacesResources } from "../reconcile/status-store.ts";
import type { PassResult, SyncStatus } from "../reconcile/types.ts";

/** One Dokploy API call, as the client's `onCall` reports it. */
export interface ApiCallEvent {
  endpoint: string;
  method: string;
  status: number | "network" | "timeout" | "circuit-open";
  durationMs: number;
  attempt: number;
}

/** Circuit breaker states, and the gauge value of each (0 closed, 1 half-open, 2 open). */
export type BreakerState = "closed" | "open" | "half-open";
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

const SYNC_STATUSES: readonly SyncStatus[] = ["Synced", "OutOfSync", "Missing", "Conflict", "Error"];

/** The metric set; `observePass` is fed by the loop, `observeApiCall`/`setBreakerState` by the client hooks. */
export interface DaemonMetrics extends PassObserver {
  readonly registry: Registry;
  observeApiCall(event: ApiCallEvent): void;
  setBreakerState(state: BreakerState): void;
  /** The exposition text for `GET /metrics`. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Creates the metrics in a fresh registry; `defaultMetrics` adds process/Node.js metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): DaemonMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const reconcileTotal = new Counter({
    name: "dokploy_gitops_reconcile_total",
    help: "Reconcile passes by result (succeeded or failed).",
    labelNames: ["result"] as const,
    registers,
  });
  const reconcileFailures = new Counter({
    name: "dokploy_gitops_reconcile_failures_total",
    help: "Failed reconcile passes by reason (ValidationFailed, DokployUnavailable, ...).",
    labelNames: ["reason"] as const,
    registers,
  });
  const reconcileDuration = new Histogram({
    name: "dokploy_gitops_reconcile_duration_seconds",
    help: "Duration of reconcile passes, from fetching the source to the last deploy followed.",
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  });
  const resources = new Gauge({
    name: "dokploy_gitops_resources",
    help: "Managed or conflicting resources by sync status, as of the last pass that read live state.",
    labelNames: ["sync"] as const,
    registers,
  });
  const drift = new Gauge({
    name: "dokploy_gitops_drift_resources",
    help: "Resources whose live state differs from git (OutOfSync), as of the last pass that read live state.",
    registers,
  });
  const apiCalls = new Counter({
    name: "dokploy_gitops_api_calls_total",
    help: "Dokploy API calls by endpoint and HTTP status (or network, timeout, circuit-open).",
    labelNames: ["endpoint", "status"] as const,
    registers,
  });
  const apiDuration = new Histogram({
    name: "dokploy_gitops_api_request_duration_seconds",
    help: "Latency of Dokploy API requests by endpoint.",
    labelNames: ["endpoint"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const lastSuccess = new Gauge({
    name: "dokploy_gitops_last_success_timestamp_seconds",
    help: "Unix time at which the last successful pass finished.",
    registers,
  });
  const revisionInfo = new Gauge({
    name: "dokploy_gitops_revision_info",
    help: "The revision last reconciled successfully (value is always 1).",
    labelNames: ["revision"] as const,
    registers,
  });
  const deploys = new Counter({
    name: "dokploy_gitops_deploys_total",
    help: "Deployments this tool queued, by result: queued when queued, then done, error or cancelled once a later read shows how it ended (timeout when apply gave up following).",
    labelNames: ["result"] as const,
    registers,
  });
  const breaker = new Gauge({
    name: "dokploy_gitops_breaker_state",
    help: "Dokploy client circuit breaker: 0 closed, 1 half-open, 2 open.",
    registers,
  });
  const deploysInFlight = new Gauge({
    name: "dokploy_gitops_deploys_in_flight",
    help: "Deployments this tool queued that have not ended yet (waiting in Dokploy's build queue or building).",
    registers,
  });
  /** Services with a deploy this tool queued whose end was not seen yet (by resource key). */
  const inFlight = new Set<string>();
  for (const result of ["succeeded", "failed"]) reconcileTotal.inc({ result }, 0);
  breaker.set(0);

  return {
    registry,
    contentType: registry.contentType,
    observePass(result: PassResult, durationMs: number): void {
      reconcileTotal.inc({ result: result.outcome });
      if (result.outcome === "failed") reconcileFailures.inc({ reason: result.reason });
      reconcileDuration.observe(durationMs / 1000);
      if (replacesResources(result)) {
        for (const sync of SYNC_STATUSES) {
          resources.set({ sync }, result.resources.filter((r) => r.sync === sync).length);
        }
        drift.set(result.resources.filter((r) => r.sync === "OutOfSync").length);
      }
      if (result.outcome === "succeeded") {
        lastSuccess.set(Date.parse(result.finishedAt) / 1000);
        if (result.revision) {
          revisionInfo.reset();
          revisionInfo.set({ revision: result.revision }, 1);
        }
      }
      const queuedNow = new Set<string>();
      for (const outcome of result.apply?.outcomes ?? []) {
        if (!outcome.deploy) continue;
        deploys.inc({ result: outcome.deploy.status });
        if (outcome.deploy.status === "queued") queuedNow.add(outcome.key);
        else inFlight.delete(outcome.key);
      }
      // A pass does not follow builds: a later pass's read of the service says how it ended.
      for (const r of result.resources) {
        if (!inFlight.has(r.key) || queuedNow.has(r.key)) continue;
        const status = r.deployment?.status;
        if (status === "done" || status === "error" || status === "cancelled") {
          deploys.inc({ result: status });
          inFlight.delete(r.key);
        }
      }
      for (const key of queuedNow) inFlight.add(key);
      deploysInFlight.set(inFlight.size);
    },
    observeApiCall(event: ApiCallEvent): void {
      apiCalls.inc({ endpoint: event.endpoint, status: String(event.status) });
      apiDuration.observe({ endpoint: event.endpoint }, event.durationMs / 1000);
    },
    setBreakerState(state: BreakerState): void {
      breaker.set(BREAKER_VALUE[state]);
    },
    render: () => registry.metrics(),
  };
}
