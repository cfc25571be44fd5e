/**
 * `--detailed-exitcode` (plan, comment): 0 only when Dokploy already matches
 * git. A plan with nothing but conflicts or refused prunes writes nothing, yet
 * apply fails on it, so it is not "no changes" (this returned 0 before).
 */
import { describe, expect, it } from "vitest";
import { detailedExitCode } from "../../../src/plan/render-shared.ts";
import { application, plan, project, step } from "../../helpers/plan-builders.ts";

const refusal = { guard: "max-deletions" as const, message: "3 deletions exceed --max-deletions 1" };

describe("detailedExitCode", () => {
  it.each([
    ["no steps at all", plan([]), 0],
    ["only no-ops", plan([step("noop", project("shop"))]), 0],
    ["only would-prune (pruning off: apply changes nothing)", plan([step("would-prune", project("blog"))]), 0],
    ["a create", plan([step("create", project("shop"))]), 2],
    ["an adoption", plan([step("adopt", application("web"))]), 2],
    ["only a conflict", plan([step("conflict", project("blog")), step("noop", project("shop"))]), 2],
    ["only refused prunes", plan([step("would-prune", project("blog"))], { refusals: [refusal] }), 2],
  ])("%s: exit %i", (_name, p, code) => {
    expect(detailedExitCode(p)).toBe(code);
  });
});
