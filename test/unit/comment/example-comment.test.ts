/**
 * Keeps examples/pr-comment.md true: it must be exactly what `comment` posts
 * for the realistic plan fixture. After an intended rendering change,
 * regenerate it with
 *   UPDATE_EXAMPLES=1 npx vitest run test/unit/comment/example-comment.test.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planCommentBody } from "../../../src/comment/body.ts";
import { COMMENT_LIMITS } from "../../../src/comment/types.ts";
import { realisticPlan } from "../../helpers/plan-builders.ts";

const EXAMPLE = fileURLToPath(new URL("../../../examples/pr-comment.md", import.meta.url));

describe("examples/pr-comment.md", () => {
  it("is the comment posted for the realistic plan fixture", () => {
    const body = planCommentBody(realisticPlan(), { instance: "default", directory: "deploy", maxLength: COMMENT_LIMITS.github });
    if (process.env.UPDATE_EXAMPLES === "1") writeFileSync(EXAMPLE, body);
    const committed = readFileSync(EXAMPLE, "utf8");
    expect(committed, "examples/pr-comment.md is stale: regenerate it (see this test's header)").toBe(body);
  });
});
