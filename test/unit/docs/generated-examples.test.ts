/**
 * The examples the docs show are what the tool prints: examples/pr-comment.md
 * and the README's `/status?format=text` are regenerated here from the real
 * planner, applier and renderers against the simulator
 * (scripts/gen-examples.ts), and must equal the committed copies. After an
 * intended change, run `npm run docs:generate`.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { PR_COMMENT_PATH, README_PATH, REGENERATE_EXAMPLES, readmeWithStatus, renderExamples } from "../../../scripts/gen-examples.ts";
import { SCENARIO_SECRETS_MAIN, SCENARIO_SECRETS_PR } from "../../../scripts/example-scenario.ts";

let generated: { prComment: string; statusText: string };
beforeAll(async () => {
  generated = await renderExamples();
}, 60_000);

describe("generated examples", () => {
  it("examples/pr-comment.md is the comment the real planner produces for the example pull request", () => {
    expect(readFileSync(PR_COMMENT_PATH, "utf8") === generated.prComment, `examples/pr-comment.md is stale: run ${REGENERATE_EXAMPLES}`).toBe(true);
  });

  it("README.md's status example is what /status?format=text prints after a real pass", () => {
    const readme = readFileSync(README_PATH, "utf8");
    expect(readme === readmeWithStatus(readme, generated.statusText), `README.md's status example is stale: run ${REGENERATE_EXAMPLES}`).toBe(true);
  });

  it("show every kind of plan step, and never a secret value", () => {
    for (const action of ["create", "update", "adopt", "conflict", "would prune"]) expect(generated.prComment).toContain(`| ${action} |`);
    expect(generated.prComment).toContain("(secret changed)");
    expect(generated.statusText).toMatch(/OutOfSync .*\n\s+~ \/spec\/replicas: live 5 -> desired 2/);
    for (const secret of [...Object.values(SCENARIO_SECRETS_MAIN), ...Object.values(SCENARIO_SECRETS_PR)]) {
      expect(generated.prComment).not.toContain(secret);
      expect(generated.statusText).not.toContain(secret);
    }
  });
});
