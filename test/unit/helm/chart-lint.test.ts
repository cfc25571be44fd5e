/**
 * `helm lint` (also `--strict`) on the chart, the chart's metadata against
 * package.json, and the promise that values.yaml documents every field.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMap, isScalar, parse, parseDocument, type YAMLMap } from "yaml";
import { CHART_DIR, REPO_ROOT, runHelm, writeValuesFile } from "../../helpers/helm.ts";
import { fullValues } from "./values.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dokploy-gitops-helm-lint-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("helm lint", () => {
  it.each([
    ["default values", [] as string[]],
    ["default values, --strict", ["--strict"]],
  ])("passes with %s", (_name, extra) => {
    const r = runHelm(["lint", CHART_DIR, ...extra]);
    expect(r.stderr + r.stdout).toContain("0 chart(s) failed");
    expect(r.status).toBe(0);
  });

  it("passes with the full set of values, --strict", () => {
    const r = runHelm(["lint", CHART_DIR, "--strict", "-f", writeValuesFile(dir, "full.json", fullValues())]);
    expect(r.stderr + r.stdout).toContain("0 chart(s) failed");
    expect(r.status).toBe(0);
  });

  it("fails on values the schema rejects (so lint really validates)", () => {
    const r = runHelm(["lint", CHART_DIR, "--strict", "--set", "mode=foo"]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("/mode");
  });
});

describe("chart metadata", () => {
  it("deploys the package's own version by default (appVersion = package.json version)", () => {
    const chart = parse(readFileSync(join(CHART_DIR, "Chart.yaml"), "utf8")) as { apiVersion: string; appVersion: string; name: string };
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string; name: string };
    expect(chart.apiVersion).toBe("v2");
    expect(chart.name).toBe(pkg.name);
    expect(chart.appVersion).toBe(pkg.version);
  });

  it("declares a draft-07 values schema", () => {
    const schema = JSON.parse(readFileSync(join(CHART_DIR, "values.schema.json"), "utf8")) as { $schema: string };
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  });
});

describe("values.yaml documentation", () => {
  /**
   * Every key is documented: it has a comment right above it, or it is a map
   * whose keys are all documented (a group heading such as `credentials.apiKey`).
   */
  function undocumented(map: YAMLMap, prefix: string): string[] {
    const missing: string[] = [];
    map.items.forEach((pair, i) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : "?";
      const path = prefix ? `${prefix}.${key}` : key;
      // The parser attaches a comment above a map's first key to the map itself.
      const comment = isScalar(pair.key) ? pair.key.commentBefore : undefined;
      const commented = Boolean((comment ?? (i === 0 ? map.commentBefore : undefined))?.trim());
      if (commented) return;
      if (isMap(pair.value) && pair.value.items.length > 0) {
        missing.push(...undocumented(pair.value, path));
      } else {
        missing.push(path);
      }
    });
    return missing;
  }

  it("has a comment for every field", () => {
    const doc = parseDocument(readFileSync(join(CHART_DIR, "values.yaml"), "utf8"));
    expect(isMap(doc.contents)).toBe(true);
    expect(undocumented(doc.contents as YAMLMap, "")).toEqual([]);
  });

  it("has a schema description for every property the schema declares", () => {
    const schema = JSON.parse(readFileSync(join(CHART_DIR, "values.schema.json"), "utf8")) as unknown;
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== "object" || node === null) return;
      const n = node as { description?: string; properties?: Record<string, unknown>; items?: unknown };
      if (path && !n.description) missing.push(path);
      for (const [k, v] of Object.entries(n.properties ?? {})) walk(v, path ? `${path}.${k}` : k);
      if (n.items) walk(n.items, `${path}[]`);
    };
    walk(schema, "");
    expect(missing).toEqual([]);
  });
});
