/**
 * Properties of the Markdown renderer over arbitrary user text: whatever the
 * names, reasons and warnings contain, the output stays under its size limit,
 * opens no HTML tag of its own making, keeps every table row at four cells,
 * and never shows a secret the redactor knows.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { Redactor } from "../../../src/util/redact.ts";
import { ACTIONS, type Action } from "../../../src/plan/types.ts";
import { application, change, plan, step } from "../../helpers/plan-builders.ts";

const CANARY = "canary-prop-31337";
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("|", "`", "```", "<script>", "</details>", "<!--", "-->", "\n", "*_~", "[x](y)", "&lt;", CANARY),
);
const text = fc.array(nasty, { maxLength: 6 }).map((parts) => parts.join(""));

const arbPlan = fc.record({
  steps: fc.array(
    fc.record({
      action: fc.constantFrom<Action>(...ACTIONS),
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      reasons: fc.array(text, { maxLength: 3 }),
      changes: fc.array(fc.tuple(fc.stringMatching(/^[A-Z_]{1,12}$/), text, text), { maxLength: 5 }),
    }),
    { maxLength: 40 },
  ),
  warnings: fc.array(text, { maxLength: 4 }),
  maxLength: fc.integer({ min: 300, max: 20_000 }),
});

const ALLOWED_TAGS = /<\/?(details|summary|code|sub)>|<details>|<summary>/g;

/** The output outside fenced code blocks (inside them `<` is literal text). */
function prose(md: string): string {
  return md.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, "");
}

describe("renderPlanMarkdown properties", () => {
  it("holds for arbitrary user text", () => {
    fc.assert(
      fc.property(arbPlan, (p) => {
        const steps = p.steps.map((s, i) =>
          step(s.action, application(`${s.name}-${i}`), {
            reasons: s.reasons,
            changes: s.changes.map(([k, a, b]) => change(`/spec/env/${k}`, a, b)),
          }),
        );
        const md = renderPlanMarkdown(plan(steps, { warnings: p.warnings }), {
          maxLength: p.maxLength,
          redactor: new Redactor().add(CANARY),
        });
        expect(md.length).toBeLessThanOrEqual(p.maxLength);
        expect(md).not.toContain(CANARY);
        const outside = prose(md).replace(ALLOWED_TAGS, "");
        expect(outside).not.toMatch(/<[A-Za-z!/?]/);
        for (const line of md.split("\n").filter((l) => /^\| (🟢|🟡|🔵|🔴|⚪|⛔|🟠|▫️) \|/.test(l))) {
          expect(line.replace(/\\\|/g, "").split("|")).toHaveLength(6);
        }
      }),
      // Found in CI with a random seed: the last-resort cut split a footer tag (`<s`). Fixed seed + the regression case below.
      { numRuns: 300, seed: Number(process.env.PROPERTY_SEED ?? 20261121) },
    );
  });
});

describe("renderPlanMarkdown: last-resort cut", () => {
  it("never splits an HTML tag when a tiny budget forces a hard cut (regression)", () => {
    const md = renderPlanMarkdown(plan([step("orphan", application("a-0"), { reasons: [], changes: [] })], { warnings: [""] }), { maxLength: 514 });
    expect(md.length).toBeLessThanOrEqual(514);
    expect(prose(md).replace(ALLOWED_TAGS, "")).not.toMatch(/<[A-Za-z!/?]/);
    expect(md).toMatch(/…\(truncated\)\n$/);
  });
});
