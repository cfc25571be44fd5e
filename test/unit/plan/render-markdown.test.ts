import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { codeSpan, escapeMarkdown } from "../../../src/plan/render-shared.ts";
import { Redactor } from "../../../src/util/redact.ts";
import type { Action, PlanStep } from "../../../src/plan/types.ts";
import {
  application, change, environment, plan, project, realisticPlan, secretChange, step,
} from "../../helpers/plan-builders.ts";

describe("renderPlanMarkdown", () => {
  it("leads with a headline naming directory, instance and short revision, then the counts", () => {
    const md = renderPlanMarkdown(realisticPlan(), { directory: "deploy", instance: "ci" });
    const [title, , counts] = md.split("\n");
    expect(title).toBe("### Dokploy plan · `deploy` · instance `ci` · revision `3f9c2a7`");
    expect(counts).toBe("**2 to create · 2 to update · 0 to delete · 1 to adopt · 1 conflict · 3 unchanged** · 1 would prune · 9 API calls");
  });

  it("shows manifest sources as repository paths when the directory is known", () => {
    const p = plan([step("update", application("web"), { source: "apps/web.yaml:3", changes: [change("/spec/replicas", 1, 2)] })]);
    expect(renderPlanMarkdown(p, { directory: "deploy/" })).toContain("<sub>deploy/apps/web.yaml:3</sub>");
    expect(renderPlanMarkdown(p, { directory: "." })).toContain("<sub>apps/web.yaml:3</sub>");
  });

  it("accepts a custom headline", () => {
    expect(renderPlanMarkdown(realisticPlan(), { headline: "## Staging" }).startsWith("## Staging\n")).toBe(true);
  });

  it.each<[Action, string]>([
    ["create", "| 🟢 | `application/shop/production/web` | create |"],
    ["update", "| 🟡 | `application/shop/production/web` | update |"],
    ["adopt", "| 🔵 | `application/shop/production/web` | adopt |"],
    ["delete", "| 🔴 | `application/shop/production/web` | delete |"],
    ["orphan", "| ⚪ | `application/shop/production/web` | orphan |"],
    ["conflict", "| ⛔ | `application/shop/production/web` | conflict |"],
    ["would-prune", "| 🟠 | `application/shop/production/web` | would prune |"],
  ])("has a table row for a %s step", (action, row) => {
    expect(renderPlanMarkdown(plan([step(action, application("web"))]))).toContain(row);
  });

  it("folds unchanged resources into a collapsed list", () => {
    const md = renderPlanMarkdown(realisticPlan());
    expect(md).toContain("<details><summary>3 resources unchanged</summary>");
    expect(md).not.toMatch(/\| `project\/shop` \|/);
  });

  it("puts per-resource field diffs in collapsible diff blocks, secrets masked", () => {
    const md = renderPlanMarkdown(plan([
      step("update", application("web"), {
        changes: [
          change("/spec/env/LOG_LEVEL", "info", "debug"),
          { ...secretChange("/spec/env/DB_PASSWORD"), before: "hunter2-old", after: "hunter2-new" },
        ],
      }),
    ]));
    expect(md).toContain("<details><summary><code>application/shop/production/web</code> · update · 2 fields</summary>");
    expect(md).toContain('```diff\n- /spec/env/LOG_LEVEL: "info"\n+ /spec/env/LOG_LEVEL: "debug"\n! /spec/env/DB_PASSWORD: (secret changed)\n```');
    expect(md).not.toContain("hunter2");
  });

  it("puts conflicts, would-prune, guard refusals, unresolved secrets and warnings in an alert", () => {
    const md = renderPlanMarkdown(plan(
      [
        step("conflict", application("web"), { reasons: ["application/shop/production/web: exists but is not ours"] }),
        step("would-prune", application("old")),
        step("update", application("api"), { changes: [secretChange("/spec/env/KEY", "unresolved")] }),
      ],
      {
        refusals: [{ guard: "max-deletions", message: "12 deletions exceed --max-deletions 10" }],
        warnings: ["something to know"],
      },
    ));
    const alert = md.slice(md.indexOf("> [!WARNING]"), md.indexOf("| |"));
    expect(alert).toContain("**Refused by guard `max-deletions`:** 12 deletions exceed --max-deletions 10");
    expect(alert).toContain("**Conflict** `application/shop/production/web` (left untouched): exists but is not ours");
    expect(alert).toContain("**Would prune** `application/shop/production/old`");
    expect(alert).toContain("**Unresolved secret** `application/shop/production/api /spec/env/KEY`");
    expect(alert).toContain("> - something to know");
  });

  it("does not repeat an unresolved secret the planner already warned about", () => {
    const md = renderPlanMarkdown(plan([step("update", application("api"), { changes: [secretChange("/spec/env/KEY", "unresolved")] })], {
      warnings: ["application/shop/production/api: secret at /spec/env/KEY could not be resolved; it was not compared"],
    }));
    expect(md).not.toContain("**Unresolved secret**");
    expect(md.match(/could not be resolved/g)).toHaveLength(1);
  });

  it("does not repeat a conflict's reason among the warnings", () => {
    const reason = "application/shop/production/web: exists but is not ours";
    const md = renderPlanMarkdown(plan([step("conflict", application("web"), { reasons: [reason] })], { warnings: [reason, "other"] }));
    expect(md.match(/exists but is not ours/g)).toHaveLength(2); // the alert and the table row
    expect(md).toContain("> - other");
  });

  it("renders a short body when there is nothing to do", () => {
    const md = renderPlanMarkdown(plan([step("noop", project("shop")), step("noop", environment("production"))]), { directory: "." });
    expect(md).toContain("✅ **No changes.** Dokploy matches the manifests (2 resources unchanged · 7 API calls).");
    expect(md).not.toContain("<details>");
    expect(md.length).toBeLessThan(300);
  });

  it("escapes Markdown and HTML in user values", () => {
    const md = renderPlanMarkdown(plan([
      step("conflict", application("web"), { reasons: ["a | pipe, `tick`, <script>alert(1)</script> and *stars*"] }),
    ], { warnings: ["<img src=x onerror=alert(1)>"] }));
    expect(md).not.toContain("<script>");
    expect(md).not.toContain("<img");
    expect(md).toContain("a \\| pipe, \\`tick\\`, &lt;script&gt;");
    // the table row still has exactly 5 unescaped pipes
    const row = md.split("\n").find((l) => l.startsWith("| ⛔"))!;
    expect(row.replace(/\\\|/g, "").split("|")).toHaveLength(6);
  });

  it("keeps backticks in a diff value from closing the code block", () => {
    const md = renderPlanMarkdown(plan([step("update", application("web"), { changes: [change("/spec/command", "a", "```\n</details># hi")] })]));
    const open = md.indexOf("````diff");
    expect(open).toBeGreaterThan(0);
    expect(md.indexOf("\n````\n", open)).toBeGreaterThan(open);
  });

  it("masks secrets through the redactor", () => {
    const canary = "canary-9f8e7d6c";
    const md = renderPlanMarkdown(
      plan([step("update", application("web"), { changes: [change("/spec/env/X", canary, "y")], reasons: [canary] })], { warnings: [canary] }),
      { redactor: new Redactor().add(canary) },
    );
    expect(md).not.toContain(canary);
    expect(md).toContain("***");
  });

  describe("truncation", () => {
    const many = (n: number): PlanStep[] =>
      Array.from({ length: n }, (_, i) =>
        step("update", application(`app-${i}`), {
          changes: Array.from({ length: 10 }, (_, j) => change(`/spec/env/VAR_${j}`, "x".repeat(50), "y".repeat(50))),
        }),
      );

    it("stays under the limit, keeps headline and warnings, and says how many diffs were omitted", () => {
      const p = plan([...many(200), step("conflict", application("legacy"), { reasons: ["not ours"] })], {
        refusals: [{ guard: "max-deletions", message: "too many" }],
      });
      const md = renderPlanMarkdown(p, { maxLength: 20_000, directory: "deploy" });
      expect(md.length).toBeLessThanOrEqual(20_000);
      expect(md.startsWith("### Dokploy plan · `deploy`")).toBe(true);
      expect(md).toContain("**Refused by guard `max-deletions`:** too many");
      expect(md).toContain("**Conflict** `application/shop/production/legacy`");
      expect(md).toMatch(/Field diffs of \d+ resources omitted to fit the comment size limit/);
    });

    it("drops table rows too when even the table does not fit", () => {
      const md = renderPlanMarkdown(plan(many(500)), { maxLength: 5_000 });
      expect(md.length).toBeLessThanOrEqual(5_000);
      expect(md).toMatch(/…and \d+ more resources/);
      expect(md).toContain("500 to update");
    });

    it("uses the default limit of 60,000 characters", () => {
      const md = renderPlanMarkdown(plan(many(300)));
      expect(md.length).toBeLessThanOrEqual(60_000);
      expect(md.length).toBeGreaterThan(50_000);
    });

    it("does not truncate what fits", () => {
      expect(renderPlanMarkdown(realisticPlan())).not.toContain("omitted");
    });

    it("still respects an absurdly small limit", () => {
      expect(renderPlanMarkdown(realisticPlan(), { maxLength: 50 }).length).toBeLessThanOrEqual(50);
    });
  });
});

describe("markdown escaping helpers", () => {
  it.each([
    ["plain", "plain"],
    ["a|b", "a\\|b"],
    ["<b>", "&lt;b&gt;"],
    ["x & y", "x &amp; y"],
    ["`x`", "\\`x\\`"],
    ["line\nbreak", "line break"],
  ])("escapeMarkdown(%j) = %j", (input, out) => {
    expect(escapeMarkdown(input)).toBe(out);
  });

  it.each([
    ["web", false, "`web`"],
    ["a`b", false, "``a`b``"],
    ["`x", false, "`` `x ``"],
    ["a|b", true, "`a\\|b`"],
  ])("codeSpan(%j, table=%s) = %j", (input, inTable, out) => {
    expect(codeSpan(input, inTable)).toBe(out);
  });
});
