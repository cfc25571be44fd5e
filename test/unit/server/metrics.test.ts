import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/metrics/metrics.ts";
import { passResult, resource } from "../../helpers/daemon-fakes.ts";

/** Parses Prometheus text exposition strictly enough to catch malformed output. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|[Nn]a[Nn]|[+-]Inf)$/;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const m = sample.exec(line);
    if (!m) throw new Error(`not a valid exposition line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ""}`, Number(m[3]));
  }
  return samples;
}

describe("metrics", () => {
  it("exposes pass, resource, API, deploy and breaker metrics in valid exposition format", async () => {
    const m = createMetrics({ defaultMetrics: true });
    m.observePass(
      passResult({
        revision: "abc",
        resources: [resource("Project/shop", "Synced"), resource("Application/shop/production/web", "OutOfSync")],
        apply: { converged: true, transient: false, outcomes: [{ key: "Application/shop/production/web", action: "update", status: "succeeded", durationMs: 5, deploy: { status: "done" } }] },
      }),
      1500,
    );
    m.observePass(passResult({ reason: "ValidationFailed" }), 20);
    m.observeApiCall({ endpoint: "project.all", method: "GET", status: 200, durationMs: 12, attempt: 1 });
    m.observeApiCall({ endpoint: "project.all", method: "GET", status: "timeout", durationMs: 30000, attempt: 2 });
    m.setBreakerState("open");

    const samples = parseExposition(await m.render());
    expect(samples.get('dokploy_gitops_reconcile_total{result="succeeded"}')).toBe(1);
    expect(samples.get('dokploy_gitops_reconcile_total{result="failed"}')).toBe(1);
    expect(samples.get('dokploy_gitops_reconcile_failures_total{reason="ValidationFailed"}')).toBe(1);
    expect(samples.get("dokploy_gitops_reconcile_duration_seconds_count")).toBe(2);
    // The failed validation kept the resources of the last good pass.
    expect(samples.get('dokploy_gitops_resources{sync="Synced"}')).toBe(1);
    expect(samples.get('dokploy_gitops_resources{sync="OutOfSync"}')).toBe(1);
    expect(samples.get("dokploy_gitops_drift_resources")).toBe(1);
    expect(samples.get('dokploy_gitops_api_calls_total{endpoint="project.all",status="200"}')).toBe(1);
    expect(samples.get('dokploy_gitops_api_calls_total{endpoint="project.all",status="timeout"}')).toBe(1);
    expect(samples.get('dokploy_gitops_api_request_duration_seconds_count{endpoint="project.all"}')).toBe(2);
    expect(samples.get('dokploy_gitops_revision_info{revision="abc"}')).toBe(1);
    expect(samples.get('dokploy_gitops_deploys_total{result="done"}')).toBe(1);
    expect(samples.get("dokploy_gitops_breaker_state")).toBe(2);
    expect(samples.get("dokploy_gitops_last_success_timestamp_seconds")).toBeGreaterThan(1_600_000_000);
    expect([...samples.keys()].some((k) => k.startsWith("process_"))).toBe(true);
  });

  it("keeps separate registries per instance", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.observePass(passResult(), 1);
    expect(parseExposition(await b.render()).get('dokploy_gitops_reconcile_total{result="succeeded"}')).toBe(0);
  });
});
