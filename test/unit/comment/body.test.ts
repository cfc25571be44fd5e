import { describe, expect, it } from "vitest";
import { commentMarker, diagnosticsCommentBody, isMarkedComment, normalizeCommentDirectory, planCommentBody } from "../../../src/comment/body.ts";
import { Redactor } from "../../../src/util/redact.ts";
import type { Diagnostic } from "../../../src/model/manifest.ts";
import { application, change, plan, realisticPlan, step } from "../../helpers/plan-builders.ts";

describe("comment marker", () => {
  it("names the instance and directory", () => {
    expect(commentMarker("default", "deploy")).toBe("<!-- dokploy-gitops:plan instance=default dir=deploy -->");
  });

  it.each([
    ["", "."], [".", "."], ["./", "."], ["./deploy/", "deploy"], ["envs\\prod", "envs/prod"], ["a/b", "a/b"],
  ])("normalises the directory %j to %j", (input, out) => {
    expect(normalizeCommentDirectory(input)).toBe(out);
  });

  it("differs per directory and per instance, and is the same for spellings of one directory", () => {
    expect(commentMarker("default", "a")).not.toBe(commentMarker("default", "b"));
    expect(commentMarker("default", "a")).not.toBe(commentMarker("staging", "a"));
    expect(commentMarker("default", "./a/")).toBe(commentMarker("default", "a"));
  });

  it("cannot be ended early by a directory name", () => {
    const m = commentMarker("default", "weird -->dir with space");
    expect(m.match(/-->/g)).toHaveLength(1);
    expect(m).toContain("dir=weird%20-%2D%3Edir%20with%20space -->");
  });

  it("identifies a comment by its first line only", () => {
    const m = commentMarker("default", "deploy");
    expect(isMarkedComment(`${m}\n### plan`, m)).toBe(true);
    expect(isMarkedComment(`\n  ${m}\r\nbody`, m)).toBe(true);
    expect(isMarkedComment(`quoting:\n${m}`, m)).toBe(false);
    expect(isMarkedComment(commentMarker("default", "deploy/sub"), m)).toBe(false);
  });
});

describe("planCommentBody", () => {
  it("starts with the marker, then the Markdown plan", () => {
    const body = planCommentBody(realisticPlan(), { instance: "default", directory: "deploy", maxLength: 65_536 });
    const [first, second] = body.split("\n");
    expect(first).toBe(commentMarker("default", "deploy"));
    expect(second).toBe("### Dokploy plan · `deploy` · instance `default` · revision `3f9c2a7`");
  });

  it("stays under the provider's limit", () => {
    const big = plan(Array.from({ length: 150 }, (_, i) =>
      step("update", application(`app-${i}`), { changes: Array.from({ length: 20 }, (_, j) => change(`/spec/env/V${j}`, "a".repeat(40), "b".repeat(40))) })));
    const body = planCommentBody(big, { instance: "default", directory: ".", maxLength: 65_536 });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain("omitted to fit the comment size limit");
    expect(planCommentBody(big, { instance: "default", directory: ".", maxLength: 1_000_000 })).not.toContain("omitted");
  });

  it("masks what the redactor knows", () => {
    const canary = "canary-body-5678";
    const body = planCommentBody(plan([step("update", application("web"), { changes: [change("/spec/env/A", canary, "b")] })]), {
      instance: "default", directory: ".", maxLength: 65_536, redactor: new Redactor().add(canary),
    });
    expect(body).not.toContain(canary);
  });
});

describe("diagnosticsCommentBody", () => {
  const diag = (over: Partial<Diagnostic>): Diagnostic => ({
    severity: "error", file: "deploy/web.yaml", line: 3, column: 5, code: "schema", message: "spec.replicas: expected an integer, got \"two\"", ...over,
  });

  it("lists every problem with file:line:column and the resource", () => {
    const body = diagnosticsCommentBody(
      [diag({ resource: "Application/web", pointer: "/spec/replicas" }), diag({ severity: "warning", file: "deploy/x.yaml", line: 1, column: 1, message: "a | pipe <b>" })],
      { instance: "default", directory: "deploy", maxLength: 65_536, revision: "abcdef0123456789" },
    );
    expect(body.split("\n")[0]).toBe(commentMarker("default", "deploy"));
    expect(body).toContain("### ❌ Dokploy plan · `deploy` · instance `default` · revision `abcdef0`");
    expect(body).toContain("**The manifests are invalid: 1 error, 1 warning.**");
    expect(body).toContain("| `deploy/web.yaml:3:5` | `Application/web` | spec.replicas: expected an integer, got \"two\" (`/spec/replicas`) |");
    expect(body).toContain("a \\| pipe &lt;b&gt;");
  });

  it("stays under the limit with thousands of problems", () => {
    const many = Array.from({ length: 5_000 }, (_, i) => diag({ line: i + 1 }));
    const body = diagnosticsCommentBody(many, { instance: "default", directory: ".", maxLength: 65_536 });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/…and \d+ more problems; run `dokploy-gitops validate`/);
  });
});
