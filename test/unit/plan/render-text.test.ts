import { describe, expect, it } from "vitest";
import { renderPlanText, planSummaryLine } from "../../../src/plan/render-text.ts";
import { Redactor } from "../../../src/util/redact.ts";
import type { Action } from "../../../src/plan/types.ts";
import {
  application, change, domain, environment, plan, project, realisticPlan, secretChange, step,
} from "../../helpers/plan-builders.ts";

describe("renderPlanText", () => {
  it.each<[Action, string, string]>([
    ["create", "+", "will be created"],
    ["update", "~", "1 field to update"],
    ["adopt", "±", "will be adopted"],
    ["delete", "-", "will be deleted"],
    ["orphan", "⊘", "will be orphaned"],
    ["conflict", "!", "conflict: left untouched"],
    ["would-prune", "?", "would prune"],
  ])("lists a %s step with its symbol %s", (action, symbol, words) => {
    const text = renderPlanText(plan([step(action, application("web"), { changes: [change("/spec/replicas", 1, 2)] })]));
    expect(text).toContain(`  ${symbol} application/shop/production/web  (${words}`);
  });

  it("does not list no-ops, only counts them", () => {
    const text = renderPlanText(plan([
      step("noop", project("shop")),
      step("update", application("web"), { changes: [change("/spec/env/LOG_LEVEL", "info", "debug")] }),
    ]));
    expect(text).not.toContain("project/shop");
    expect(text).toContain("1 unchanged");
  });

  it("shows field diffs Terraform style", () => {
    const text = renderPlanText(plan([
      step("update", application("web"), {
        changes: [
          change("/spec/env/LOG_LEVEL", "info", "debug"),
          change("/spec/command", undefined, "npm start"),
          change("/spec/args", ["--x"], undefined),
        ],
      }),
    ]));
    expect(text).toContain('      ~ /spec/env/LOG_LEVEL: "info" -> "debug"');
    expect(text).toContain('      + /spec/command: "npm start"');
    expect(text).toContain('      - /spec/args: ["--x"]');
  });

  it.each([
    ["changed", "replace", "(secret changed)"],
    ["unchanged", "replace", "(secret unchanged)"],
    ["unresolved", "replace", "(secret unresolved"],
    ["changed", "add", "(secret set)"],
    ["changed", "remove", "(secret removed)"],
  ] as const)("shows a %s secret (%s) as %s and never a value", (secret, op, words) => {
    const c = { ...secretChange("/spec/env/TOKEN", secret, op), before: "old-secret-value", after: "new-secret-value" };
    const text = renderPlanText(plan([step("update", application("web"), { changes: [c] })]));
    expect(text).toContain(`/spec/env/TOKEN: ${words}`);
    expect(text).not.toContain("secret-value");
  });

  it("prints the summary line with counts in a fixed order and the API calls", () => {
    expect(planSummaryLine(realisticPlan())).toBe(
      "Plan: 2 to create, 2 to update, 1 to adopt, 0 to delete, 0 to orphan, 1 conflict, 1 would prune, 3 unchanged. 9 API calls.",
    );
    const p = plan([step("conflict", project("a")), step("conflict", project("b"))], { apiCalls: 1 });
    expect(planSummaryLine(p)).toContain("2 conflicts, 0 would prune, 0 unchanged. 1 API call.");
  });

  it("ends with exactly one summary line", () => {
    const text = renderPlanText(realisticPlan());
    expect(text.match(/^Plan: /gm)).toHaveLength(1);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^Plan: /);
  });

  it("says so when there is nothing to do", () => {
    const text = renderPlanText(plan([step("noop", project("shop")), step("noop", environment("production"))]));
    expect(text).toContain("No changes. Dokploy matches the manifests.");
    expect(text).toContain("2 unchanged");
  });

  it("shows deploy, start and stop notes", () => {
    const text = renderPlanText(plan([
      step("create", application("web")),
      step("update", application("api"), { changes: [change("/spec/state", "running", "stopped")], lifecycle: "stop" }),
      step("noop", application("jobs"), { lifecycle: "start" }),
    ]));
    expect(text).toContain("→ deploys the new application");
    expect(text).toContain("→ stops the application");
    expect(text).toContain("→ starts the application");
  });

  it("puts conflict reasons, guard refusals and warnings in plain sight", () => {
    const text = renderPlanText(plan(
      [step("conflict", application("web"), { reasons: ["application/shop/production/web: exists but is not ours"] })],
      {
        refusals: [{ guard: "max-deletions", message: "the plan deletes 12 objects, more than --max-deletions 10" }],
        warnings: ["two live applications claim Application/shop/production/api"],
      },
    ));
    expect(text).toContain("· exists but is not ours");
    expect(text).toContain("Refused by guard max-deletions: the plan deletes 12 objects");
    expect(text).toContain("Warning: two live applications claim");
  });

  it("does not repeat a conflict's reason among the warnings (the planner lists it in both)", () => {
    const reason = "application/shop/production/web: exists but is not ours";
    const text = renderPlanText(plan([step("conflict", application("web"), { reasons: [reason] })], { warnings: [reason] }));
    expect(text.match(/exists but is not ours/g)).toHaveLength(1);
  });

  it("is not an empty plan when only a guard refused something", () => {
    const text = renderPlanText(plan([], { refusals: [{ guard: "empty-revision", message: "the revision has no manifests" }] }));
    expect(text).not.toContain("No changes");
    expect(text).toContain("Refused by guard empty-revision");
  });

  it("colours only when asked", () => {
    const p = plan([step("create", domain("www"))]);
    expect(renderPlanText(p)).not.toContain("\x1b[");
    expect(renderPlanText(p, { color: true })).toContain("\x1b[32m+\x1b[0m");
  });

  it("passes everything through the redactor (defence in depth)", () => {
    const canary = "canary-s3cr3t-value";
    const p = plan([step("update", application("web"), { changes: [change("/spec/env/OOPS", "x", canary)], reasons: [canary] })], {
      warnings: [`leaked ${canary}`],
    });
    const text = renderPlanText(p, { redactor: new Redactor().add(canary), color: true });
    expect(text).not.toContain(canary);
    expect(text).toContain("***");
  });
});

describe("renderPlanText: informational warnings", () => {
  it("still says there are no changes when only warnings remain", () => {
    const text = renderPlanText(plan([], { warnings: ["2 secret reference(s) are not set here; the embedded simulator uses placeholder values"] }));
    expect(text).toContain("No changes. Dokploy matches the manifests.");
    expect(text).toContain("Warning: 2 secret reference(s)");
  });
});
