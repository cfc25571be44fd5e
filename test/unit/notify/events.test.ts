/**
 * The pure half of notifications: which events a pass raises, and what the
 * tracker announces across passes (once on start, once on clear, re-notify,
 * grouping), plus the rate limiter.
 */
import { describe, expect, it } from "vitest";
import type { ApplyResult } from "../../../src/apply/types.ts";
import { passEvents, type PassEvents } from "../../../src/notify/events.ts";
import { RateLimiter } from "../../../src/notify/rate-limit.ts";
import { EventTracker } from "../../../src/notify/tracker.ts";
import { passResult, resource } from "../../helpers/daemon-fakes.ts";
import { application, change, plan, step } from "../../helpers/plan-builders.ts";

const WEB = "Application/shop/production/web";

function applyResult(outcomes: ApplyResult["outcomes"]): ApplyResult {
  return { outcomes, converged: outcomes.every((o) => o.status !== "failed"), transient: false };
}

describe("passEvents", () => {
  it("a source failure raises only source-unreachable, and observes nothing else", () => {
    const e = passEvents(passResult({ reason: "SourceFailed", message: "source: git fetch failed: could not resolve host" }), { mode: "apply" });
    expect(e.active.map((a) => a.key)).toEqual(["source-unreachable"]);
    expect([...e.observed]).toEqual(["source-unreachable"]);
  });

  it("a failed deploy names the resource, the deployment id and the error, and fails the pass", () => {
    const p = plan([step("update", application("web"), { changes: [change("/spec/env/A", "1", "2")] })]);
    const result = passResult({
      reason: "ApplyFailed", message: "1 step(s) failed; first: application/shop/production/web: deploy failed", plan: p,
      apply: applyResult([{ key: WEB, action: "update", status: "failed", error: "deploy failed", deploy: { deploymentId: "dep-42", status: "error", message: "build exited with 1" }, durationMs: 5 }]),
      resources: [resource(WEB, "Error", { health: "Degraded" })],
    });
    const e = passEvents(result, { mode: "apply" });
    expect(e.active.map((a) => a.key)).toEqual(["pass-failed", `deploy-failed:${WEB}`]);
    const deploy = e.active[1]!;
    expect(deploy).toMatchObject({ resource: WEB, deploymentId: "dep-42" });
    expect(deploy.message).toBe("application/shop/production/web: deploy failed (deployment dep-42): build exited with 1");
  });

  it("detect mode reports each drifted resource with its fields; apply mode reports corrected drift at the same revision only", () => {
    const drifted = resource(WEB, "OutOfSync", { drift: [{ path: "/spec/replicas", desired: 2, live: 1 }] });
    const detect = passEvents(passResult({ reason: "DriftDetected", plan: plan([]), resources: [drifted] }), { mode: "detect" });
    expect(detect.active).toEqual([expect.objectContaining({ key: `drift-detected:${WEB}`, message: "application/shop/production/web: drifted (/spec/replicas)" })]);

    const p = plan([step("update", application("web"), { changes: [change("/spec/replicas", 1, 2)] })]);
    const apply = applyResult([{ key: WEB, action: "update", status: "succeeded", durationMs: 1 }]);
    const atSame = passEvents(passResult({ revision: "r1", plan: p, apply, resources: [resource(WEB, "Synced")] }), { mode: "apply", previousApplied: "r1" });
    expect(atSame.active.map((a) => a.key)).toEqual([`drift-corrected:${WEB}`]);
    const afterPush = passEvents(passResult({ revision: "r2", plan: p, apply, resources: [resource(WEB, "Synced")] }), { mode: "apply", previousApplied: "r1" });
    expect(afterPush.active).toEqual([]);
  });

  it("a guard refusal raises prune-refused with the guard's message", () => {
    const p = plan([], { refusals: [{ guard: "max-deletions", message: "the plan deletes 12 objects, more than --max-deletions 10" }] });
    const e = passEvents(passResult({ reason: "PruneRefused", plan: p }), { mode: "apply" });
    expect(e.active.find((a) => a.type === "prune-refused")?.message).toBe("prune refused by the max-deletions guard: the plan deletes 12 objects, more than --max-deletions 10");
  });
});

function events(active: PassEvents["active"], observed: PassEvents["observed"] = new Set(["pass-failed", "deploy-failed", "source-unreachable"])): PassEvents {
  return { revision: "abc", observed, active };
}
const failed = { key: "pass-failed", type: "pass-failed" as const, message: "reconciliation failed (ApplyFailed): boom" };

describe("EventTracker", () => {
  it("announces an event once when it starts and once when it clears, and repeats it after the re-notify interval", () => {
    let now = 0;
    const t = new EventTracker({ renotifyMs: 3_600_000, now: () => now });
    expect(t.observe(events([failed])).map((n) => [n.state, n.repeat, n.text])).toEqual([["firing", false, failed.message]]);
    for (let i = 0; i < 50; i++) {
      now += 60_000;
      expect(t.observe(events([failed]))).toEqual([]);
    }
    now += 600_000; // 60 minutes since it was announced
    expect(t.observe(events([failed])).map((n) => n.repeat)).toEqual([true]);
    now += 1_000;
    expect(t.observe(events([])).map((n) => [n.state, n.text])).toEqual([["resolved", "recovered: reconciliation succeeded again"]]);
    expect(t.observe(events([]))).toEqual([]);
  });

  it("does not clear an event the pass could not see (a source failure says nothing about deploys)", () => {
    const t = new EventTracker({ renotifyMs: 0 });
    const deploy = { key: `deploy-failed:${WEB}`, type: "deploy-failed" as const, resource: WEB, message: "web: deploy failed" };
    t.observe(events([deploy]));
    expect(t.observe(events([], new Set(["source-unreachable"])))).toEqual([]);
    expect(t.activeKeys).toEqual([deploy.key]);
    expect(t.observe(events([])).map((n) => n.text)).toEqual(["application/shop/production/web: deploy recovered"]);
  });

  it("groups more than three events of one kind into one notice", () => {
    const t = new EventTracker({ renotifyMs: 0 });
    const many = Array.from({ length: 40 }, (_, i) => ({ key: `deploy-failed:Application/shop/production/a${i}`, type: "deploy-failed" as const, resource: `Application/shop/production/a${i}`, message: `a${i}: deploy failed` }));
    const notices = t.observe(events(many));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ total: 40, text: "40 deploys failed: application/shop/production/a0, application/shop/production/a1, application/shop/production/a2 and 37 more" });
    expect(notices[0]!.events).toHaveLength(20);
  });

  it("stays silent when a corrected drift ends", () => {
    const t = new EventTracker({ renotifyMs: 0 });
    const corrected = { key: `drift-corrected:${WEB}`, type: "drift-corrected" as const, resource: WEB, message: "web: drift corrected" };
    expect(t.observe(events([corrected], new Set(["drift-corrected"])))).toHaveLength(1);
    expect(t.observe(events([], new Set(["drift-corrected"])))).toEqual([]);
  });
});

describe("RateLimiter", () => {
  it("lets a burst through, then one per period, and counts what it dropped", () => {
    let now = 0;
    const r = new RateLimiter({ burst: 3, refillMs: 1_000, now: () => now });
    expect([r.take(), r.take(), r.take(), r.take(), r.take()]).toEqual([0, 0, 0, undefined, undefined]);
    now += 1_000;
    expect(r.take()).toBe(2);
    expect(r.take()).toBeUndefined();
    now += 10_000;
    expect([r.take(), r.take(), r.take(), r.take()]).toEqual([1, 0, 0, undefined]);
  });
});
