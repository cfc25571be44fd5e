import { describe, expect, it } from "vitest";
import type { ApplyResult, StepOutcome } from "../../../src/apply/types.ts";
import type { ObservedState } from "../../../src/model/observed.ts";
import { resourceStatuses } from "../../../src/reconcile/resources.ts";
import { appDetail, liveApp, liveEnvironment, liveProject } from "../../helpers/live-builders.ts";
import { application, change, domain, plan, project, secretChange, step } from "../../helpers/plan-builders.ts";

/** Observed state holding one application `web` with the given status and deployments. */
function observedApp(id: string, opts: Parameters<typeof appDetail>[1]): ObservedState {
  const detail = appDetail("web", { applicationId: id, ...opts });
  return { projects: [liveProject("shop", { environments: [liveEnvironment("production", { isDefault: true, applications: [liveApp(detail)] })] })] };
}

const outcome = (key: string, action: string, extra: Partial<StepOutcome> = {}): StepOutcome => ({ key, action, status: "succeeded", durationMs: 1, ...extra });
const applied = (...outcomes: StepOutcome[]): ApplyResult => ({ outcomes, converged: true, transient: false });

describe("resourceStatuses: sync from the plan", () => {
  it.each([
    ["noop", "Synced"],
    ["create", "Missing"],
    ["update", "OutOfSync"],
    ["adopt", "OutOfSync"],
    ["conflict", "Conflict"],
    ["would-prune", "OutOfSync"],
  ] as const)("%s is %s", (action, sync) => {
    const [r] = resourceStatuses(plan([step(action, project("shop"), { reasons: ["project/shop: why"] })]), undefined);
    expect(r).toMatchObject({ kind: "Project", key: "Project/shop", project: "shop", name: "shop", sync, action });
  });

  it("lists drifted fields with desired and live values, secrets only as changed", () => {
    const s = step("update", project("shop"), { changes: [change("/spec/env/LOG", "info", "debug"), secretChange("/spec/env/TOKEN")] });
    const [r] = resourceStatuses(plan([s]), undefined);
    expect(r!.drift).toEqual([
      { path: "/spec/env/LOG", desired: "debug", live: "info" },
      { path: "/spec/env/TOKEN", secret: "changed" },
    ]);
  });

  it("gives the reasons of a conflict or a would-prune as its message", () => {
    const [r] = resourceStatuses(plan([step("conflict", project("shop"), { reasons: ["project/shop: not ours"] })]), undefined);
    expect(r!.message).toBe("project/shop: not ours");
  });
});

describe("resourceStatuses: after an apply", () => {
  it("is Synced when the step succeeded, Error with its message when it failed, and drops what was deleted", () => {
    const p = plan([step("update", project("shop")), step("create", application("web")), step("delete", domain("www"))]);
    const rs = resourceStatuses(p, undefined, applied(
      outcome("Project/shop", "update"),
      outcome("Application/shop/production/web", "create", { status: "failed", error: "application/shop/production/web: create failed: boom" }),
      outcome("Domain/shop/production/web/www", "delete"),
    ));
    expect(rs.map((r) => [r.key, r.sync])).toEqual([["Project/shop", "Synced"], ["Application/shop/production/web", "Error"]]);
    expect(rs[1]!.message).toMatch(/boom/);
  });
});

describe("resourceStatuses: application health", () => {
  const app = (action: "noop" | "update", id = "a-web") => step(action, application("web"), { dokployId: id });

  it.each([
    ["done, last deployment done", { applicationStatus: "done" as const }, "Healthy"],
    ["running (deploying)", { applicationStatus: "running" as const }, "Progressing"],
    ["error", { applicationStatus: "error" as const }, "Degraded"],
    ["idle after deployments, declared running", { applicationStatus: "idle" as const }, "Degraded"],
    ["idle and never deployed", { applicationStatus: "idle" as const, deployments: [] }, "Unknown"],
  ])("from live state: %s is %s", (_label, opts, health) => {
    const [r] = resourceStatuses(plan([app("noop")]), observedApp("a-web", opts));
    expect(r!.health).toBe(health);
  });

  it("is Suspended for an idle application declared stopped", () => {
    const s = app("noop");
    s.manifest = { kind: "Application", spec: { state: "stopped" } } as unknown as PlanStepManifest;
    const [r] = resourceStatuses(plan([s]), observedApp("a-web", { applicationStatus: "idle" }));
    expect(r!.health).toBe("Suspended");
  });

  it("after an apply, follows the deploy's result", () => {
    const done = resourceStatuses(plan([app("update")]), observedApp("a-web", { applicationStatus: "idle" }), applied(outcome("Application/shop/production/web", "update", { deploy: { status: "done", deploymentId: "d1" } })));
    expect(done[0]!.health).toBe("Healthy");
    const failed = resourceStatuses(plan([app("update")]), undefined, applied(outcome("Application/shop/production/web", "update", { status: "failed", deploy: { status: "error", deploymentId: "d2" } })));
    expect(failed[0]!.health).toBe("Degraded");
  });

  it("has no health for a conflict, and Unknown for a create without a deploy result", () => {
    expect(resourceStatuses(plan([step("conflict", application("web"))]), undefined)[0]!.health).toBeUndefined();
    expect(resourceStatuses(plan([step("create", application("web"))]), undefined)[0]!.health).toBe("Unknown");
  });
});

type PlanStepManifest = NonNullable<Parameters<typeof step>[2]>["manifest"];
