import { describe, expect, it } from "vitest";
import { CallStats } from "../../../src/dokploy/stats.ts";

describe("CallStats", () => {
  it("counts attempts, errors and latency per endpoint", () => {
    const s = new CallStats();
    s.record({ endpoint: "project.all", method: "GET", status: 200, durationMs: 5, attempt: 1 });
    s.record({ endpoint: "project.all", method: "GET", status: 500, durationMs: 7, attempt: 1 });
    s.record({ endpoint: "project.all", method: "GET", status: "timeout", durationMs: 30, attempt: 2 });
    s.record({ endpoint: "project.create", method: "POST", status: 400, durationMs: 1, attempt: 1 });
    s.record({ endpoint: "project.create", method: "POST", status: "circuit-open", durationMs: 0, attempt: 1 });
    expect(s.snapshot()).toEqual({
      total: 5,
      byEndpoint: {
        "project.all": { calls: 3, errors: 2, totalMs: 42 },
        "project.create": { calls: 2, errors: 2, totalMs: 1 },
      },
    });
  });

  it("returns a snapshot that later records do not change", () => {
    const s = new CallStats();
    s.record({ endpoint: "health", method: "GET", status: 200, durationMs: 1, attempt: 1 });
    const snap = s.snapshot();
    s.record({ endpoint: "health", method: "GET", status: 200, durationMs: 1, attempt: 1 });
    expect(snap.byEndpoint.health?.calls).toBe(1);
  });
});
