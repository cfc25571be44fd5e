import { describe, expect, it } from "vitest";
import { parsePlanJson, PlanFormatError, renderPlanJson } from "../../../src/plan/render-json.ts";
import { renderPlanMarkdown } from "../../../src/plan/render-markdown.ts";
import { Redactor } from "../../../src/util/redact.ts";
import type { AnyManifest } from "../../../src/model/manifest.ts";
import { application, change, plan, realisticPlan, secretChange, step } from "../../helpers/plan-builders.ts";

describe("renderPlanJson", () => {
  it("is versioned and starts with formatVersion", () => {
    const text = renderPlanJson(realisticPlan());
    expect(text.startsWith('{\n  "formatVersion": 1,\n  "instance": "default",')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("is stable: the same plan renders byte for byte the same", () => {
    expect(renderPlanJson(realisticPlan())).toBe(renderPlanJson(realisticPlan()));
  });

  it("replaces manifests with their source file:line", () => {
    const manifest = { source: { file: "apps/web.yaml", line: 12, column: 1 }, spec: { secretish: "nope" } } as unknown as AnyManifest;
    const doc = JSON.parse(renderPlanJson(plan([step("update", application("web"), { manifest })])));
    expect(doc.steps[0].source).toBe("apps/web.yaml:12");
    expect(doc.steps[0].manifest).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain("secretish");
  });

  it("never writes values of a secret field, even if a bug put them there", () => {
    const c = { ...secretChange("/spec/env/TOKEN"), before: "old-token-value", after: "new-token-value" };
    const text = renderPlanJson(plan([step("update", application("web"), { changes: [c] })]));
    expect(text).not.toContain("token-value");
    expect(text).toContain('"secret": "changed"');
  });

  it("passes strings through the redactor", () => {
    const canary = "canary-json-1234";
    const text = renderPlanJson(plan([step("update", application("web"), { changes: [change("/spec/env/A", "x", canary)] })]), {
      redactor: new Redactor().add(canary),
    });
    expect(text).not.toContain(canary);
  });
});

describe("parsePlanJson", () => {
  it("round-trips a plan: rendering the parsed plan gives the same output", () => {
    const p = realisticPlan();
    const parsed = parsePlanJson(renderPlanJson(p));
    expect(renderPlanJson(parsed)).toBe(renderPlanJson(p));
    expect(renderPlanMarkdown(parsed)).toBe(renderPlanMarkdown(p));
    expect(parsed.steps[3]).toMatchObject({ key: "Application/shop/production/web", action: "update", deploy: true });
  });

  it("keeps parent links and markers", () => {
    const p = plan([step("create", application("web"), {
      parentKey: "Environment/shop/production", parentDokployId: "env-1",
      marker: { v: 1, instance: "default", key: "Application/shop/production/web", domains: { www: { host: "shop.example.com", path: "/" } } },
    })]);
    const parsed = parsePlanJson(renderPlanJson(p));
    expect(parsed.steps[0]).toMatchObject({ parentKey: "Environment/shop/production", parentDokployId: "env-1", marker: p.steps[0]!.marker });
  });

  const valid = (): Record<string, unknown> => JSON.parse(renderPlanJson(realisticPlan()));

  it.each<[string, (d: Record<string, unknown>) => unknown, RegExp]>([
    ["not JSON", () => "{nope", /plan file: not valid JSON/],
    ["an array", () => [], /plan file: \/: expected an object, got \[\]/],
    ["no formatVersion", (d) => ({ ...d, formatVersion: undefined }), /\/formatVersion: expected 1 \(is this a dokploy-gitops plan file\?\), got nothing/],
    ["a newer formatVersion", (d) => ({ ...d, formatVersion: 2 }), /reads format 1, the file has 2/],
    ["no steps", (d) => ({ ...d, steps: undefined }), /\/steps: expected an array, got nothing/],
    ["an unknown action", (d) => { (d.steps as Record<string, unknown>[])[2]!.action = "explode"; return d; }, /\/steps\/2\/action: expected one of create, update, adopt, noop, conflict, delete, orphan, would-prune, got "explode"/],
    ["a bad change op", (d) => { ((d.steps as Record<string, unknown>[])[2]!.changes as Record<string, unknown>[])[0]!.op = "move"; return d; }, /\/steps\/2\/changes\/0\/op: expected one of add, remove, replace/],
    ["a kind mismatch", (d) => { (d.steps as Record<string, unknown>[])[0]!.kind = "Domain"; return d; }, /\/steps\/0\/identity\/kind: expected "Domain"/],
    ["a negative count", (d) => { (d.summary as { counts: Record<string, unknown> }).counts.create = -1; return d; }, /\/summary\/counts\/create: expected a non-negative integer, got -1/],
    ["a bad guard", (d) => ({ ...d, refusals: [{ guard: "vibes", message: "x" }] }), /\/refusals\/0\/guard: expected one of empty-revision, max-deletions/],
  ])("rejects %s with a precise message", (_name, mutate, message) => {
    const result = mutate(valid());
    const text = typeof result === "string" ? result : JSON.stringify(result);
    expect(() => parsePlanJson(text)).toThrow(PlanFormatError);
    expect(() => parsePlanJson(text)).toThrow(message);
  });

  it("drops values of secret fields found in a file", () => {
    const d = valid();
    (d.steps as Record<string, unknown>[])[3]!.changes = [{ path: "/spec/env/K", op: "replace", secret: "changed", before: "leak", after: "leak" }];
    const parsed = parsePlanJson(JSON.stringify(d));
    expect(parsed.steps[3]!.changes[0]).toEqual({ path: "/spec/env/K", op: "replace", secret: "changed" });
  });
});
