/**
 * The schemas as files: editors read them directly, so they must stand on
 * their own (shared $defs copied identically into each kind's file), describe
 * every field, carry Dokploy's defaults, and compile from wherever the package
 * is installed.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileSchemas, findPackageRoot, manifestSchemas } from "../../../src/manifest/schema.ts";
import { closestMatch, editDistance } from "../../../src/manifest/suggest.ts";
import { MANIFEST_REGISTRY } from "../../../src/kinds/registry.ts";

const DIR = join(import.meta.dirname, "../../../manifests-schema");
const KIND_FILES = MANIFEST_REGISTRY.map((m) => m.schemaFile);
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(DIR, file), "utf8")) as Record<string, unknown>;

/** Every schema object reachable under a `properties` map, with its path. */
function fields(node: unknown, path = ""): Array<[string, Record<string, unknown>]> {
  if (typeof node !== "object" || node === null) return [];
  const out: Array<[string, Record<string, unknown>]> = [];
  const s = node as Record<string, unknown>;
  if (typeof s.properties === "object" && s.properties !== null) {
    for (const [k, v] of Object.entries(s.properties)) out.push([`${path}/${k}`, v as Record<string, unknown>]);
  }
  for (const [k, v] of Object.entries(s)) {
    if (k === "if") continue; // conditions, not fields
    if (typeof v === "object" && v !== null) out.push(...fields(v, k === "properties" ? path : path));
  }
  return out;
}

/** Follows a path of property names through properties, allOf/then and local $refs. */
function defaultAt(schema: Record<string, unknown>, path: string[], branch?: string): unknown {
  let node: Record<string, unknown> | undefined = schema;
  for (const key of path) {
    const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
    let next = props?.[key];
    if (!next && Array.isArray(node?.allOf)) {
      for (const b of node.allOf as Array<{ if?: { properties?: { type?: { const?: string } } }; then?: Record<string, unknown> }>) {
        if (branch !== undefined && b.if?.properties?.type?.const !== branch) continue;
        next = (b.then?.properties as Record<string, Record<string, unknown>> | undefined)?.[key];
        if (next) break;
      }
    }
    node = next;
  }
  return node?.default;
}

describe("manifests-schema files", () => {
  it("are draft 2020-12 with distinct $ids named after their file", () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".schema.json")).sort();
    expect(files).toEqual([...KIND_FILES, "manifest.schema.json"].sort());
    for (const file of files) {
      const s = read(file);
      expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(String(s.$id).endsWith(`/manifests-schema/${file}`)).toBe(true);
    }
  });

  it("carry identical shared $defs in every kind file (each file stands alone for editors)", () => {
    const [first, ...rest] = KIND_FILES.map((f) => read(f).$defs);
    for (const defs of rest) expect(defs).toEqual(first);
  });

  it("describe every field", () => {
    const missing: string[] = [];
    for (const file of [...KIND_FILES, "manifest.schema.json"]) {
      for (const [path, schema] of fields(read(file))) {
        if (typeof schema.description !== "string" || schema.description.length < 5) missing.push(`${file}${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each([
    ["application", ["spec", "replicas"], undefined, 1],
    ["application", ["spec", "autoDeploy"], undefined, true],
    ["application", ["spec", "state"], undefined, "running"],
    ["application", ["spec", "build", "type"], undefined, "nixpacks"],
    ["application", ["spec", "source", "buildPath"], "github", "/"],
    ["application", ["spec", "source", "triggerType"], "github", "push"],
    ["application", ["spec", "source", "giteaBuildPath"], "gitea", "/"],
    ["application", ["spec", "build", "dockerfile"], "dockerfile", "Dockerfile"],
    ["application", ["spec", "build", "railpackVersion"], "railpack", "0.15.4"],
    ["application", ["spec", "build", "herokuVersion"], "heroku_buildpacks", "24"],
    ["domain", ["spec", "port"], undefined, 3000],
    ["domain", ["spec", "path"], undefined, "/"],
    ["domain", ["spec", "https"], undefined, false],
    ["domain", ["spec", "certificateType"], undefined, "none"],
    ["domain", ["spec", "internalPath"], undefined, "/"],
    ["domain", ["spec", "stripPath"], undefined, false],
  ])("%s %j defaults to Dokploy's %j", (kind, path, branch, expected) => {
    expect(defaultAt(read(`${kind}.schema.json`), path as string[], branch as string | undefined)).toEqual(expected);
  });

  it("mark build secrets, the registry password and basic-auth passwords as x-secret", () => {
    expect(manifestSchemas().secretPaths.Application).toEqual(
      expect.arrayContaining([["spec", "source", "password"], ["spec", "buildSecrets", "*"], ["spec", "security", "*", "password"]]),
    );
    expect(manifestSchemas().secretPaths.Application).toHaveLength(3);
    expect(manifestSchemas().secretPaths.Project).toEqual([]);
  });

  it("compile once and are reused", () => {
    expect(manifestSchemas()).toBe(manifestSchemas());
  });
});

describe("package root", () => {
  it("is found from a nested directory (src/ or dist/) by package name, and compiles from there", () => {
    const root = mkdtempSync(join(tmpdir(), "dg-root-"));
    try {
      writeFileSync(join(root, "package.json"), JSON.stringify({ name: "dokploy-gitops" }));
      mkdirSync(join(root, "dist", "manifest"), { recursive: true });
      // A package.json of another name on the way up must not stop the search.
      writeFileSync(join(root, "dist", "package.json"), JSON.stringify({ type: "module" }));
      cpSync(DIR, join(root, "manifests-schema"), { recursive: true });
      expect(findPackageRoot(join(root, "dist", "manifest"))).toBe(root);
      const schemas = compileSchemas(join(findPackageRoot(join(root, "dist", "manifest")), "manifests-schema"));
      expect(schemas.validate({ apiVersion: "dokploy-gitops/v1", kind: "Project", metadata: { name: "shop" } })).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("fails clearly when there is no package root", () => {
    expect(() => findPackageRoot(tmpdir())).toThrow(/cannot find the dokploy-gitops package root/);
  });
});

describe("did you mean", () => {
  it.each([
    ["brnch", ["branch", "owner"], "branch"],
    ["replica", ["replicas", "resources"], "replicas"],
    ["application", ["Project", "Application"], "Application"],
    ["ownre", ["owner"], "owner"],
    ["xyz", ["branch"], undefined],
    ["id", ["name"], undefined],
  ])("%s -> %s", (word, candidates, expected) => {
    expect(closestMatch(word, candidates)).toBe(expected);
  });

  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("ownre", "owner")).toBe(1);
  });
});
