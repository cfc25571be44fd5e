/**
 * Loading: valid manifests become `Manifest` objects with identity, key,
 * positions and policies; positions in multi-document files are exact; the
 * directory walk reads the right files.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadManifestTexts, loadManifests, parseManifestText } from "../../../src/manifest/index.ts";
import { parseYamlText, pointerSegments, toPointer } from "../../../src/manifest/load.ts";

const PROJECT = `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: shop
`;

const MULTI = `# leading comment
apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: shop
  annotations:
    dokploy-gitops/deletion-policy: orphan
spec:
  env:
    LOG_LEVEL: info
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: web
  project: shop
  environment: production
  annotations:
    dokploy-gitops/adopt: "true"
spec:
  source:
    type: github
    owner: example
    repository: web
    branch: main
  args: [serve, --port, "3000"]
  env:
    TOKEN: {fromEnv: WEB_TOKEN}
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata:
  name: public
  project: shop
  environment: production
  application: web
spec:
  host: shop.example.com
`;

describe("valid manifests", () => {
  it("builds manifests with identity, key, source, policies and positions", () => {
    const report = loadManifestTexts([{ file: "shop/all.yaml", text: MULTI }]);
    expect(report.diagnostics).toEqual([]);
    expect(report.documentCount).toBe(3);
    expect(report.fileCount).toBe(1);
    const [project, app, domain] = report.desired!.manifests;
    expect(project!.key).toBe("Project/shop");
    expect(project!.deletionPolicy).toBe("orphan");
    expect(project!.adopt).toBe(false);
    expect(project!.source).toEqual({ file: "shop/all.yaml", line: 2, column: 1 });
    expect(app!.key).toBe("Application/shop/production/web");
    expect(app!.identity).toEqual({ kind: "Application", project: "shop", environment: "production", name: "web" });
    expect(app!.adopt).toBe(true);
    expect(app!.deletionPolicy).toBe("delete");
    expect(app!.source).toEqual({ file: "shop/all.yaml", line: 12, column: 1 });
    expect(domain!.key).toBe("Domain/shop/production/web/public");
    expect(domain!.source.line).toBe(30);
    // Positions by pointer: scalar values point at the value, block maps at their key.
    expect(app!.positionOf("/spec/source/branch")).toEqual({ file: "shop/all.yaml", line: 25, column: 13 });
    expect(app!.positionOf("/spec/source")).toEqual({ file: "shop/all.yaml", line: 21, column: 3 });
    expect(app!.positionOf("/spec/args/1")).toEqual({ file: "shop/all.yaml", line: 26, column: 17 });
    expect(app!.positionOf("/spec/env/TOKEN")).toEqual({ file: "shop/all.yaml", line: 28, column: 12 });
    expect(domain!.positionOf("/spec/host")).toEqual({ file: "shop/all.yaml", line: 38, column: 9 });
    // A missing field falls back to its nearest existing ancestor.
    expect(app!.positionOf("/spec/replicas")).toEqual({ file: "shop/all.yaml", line: 20, column: 1 });
  });

  it("orders desired manifests parents first, whatever the file order", () => {
    const report = loadManifestTexts([
      { file: "a.yaml", text: MULTI.split("---\n").reverse().join("---\n") },
    ]);
    expect(report.diagnostics).toEqual([]);
    expect(report.desired!.manifests.map((m) => m.kind)).toEqual(["Project", "Application", "Domain"]);
  });

  it("accepts an Application in the implicit production environment without an Environment manifest", () => {
    const report = loadManifestTexts([{ file: "a.yaml", text: MULTI }]);
    expect(report.desired).toBeDefined();
  });

  it("keeps specs as written (defaults are Dokploy's, applied by the planner)", () => {
    const report = loadManifestTexts([{ file: "a.yaml", text: MULTI }]);
    const app = report.desired!.manifests[1]!;
    expect(app.spec).toEqual({
      source: { type: "github", owner: "example", repository: "web", branch: "main" },
      args: ["serve", "--port", "3000"],
      env: { TOKEN: { fromEnv: "WEB_TOKEN" } },
    });
  });

  it("treats an empty or omitted Project spec as no settings", () => {
    const report = loadManifestTexts([{ file: "p.yaml", text: PROJECT + "spec:\n" }]);
    expect(report.diagnostics).toEqual([]);
    expect(report.desired!.manifests[0]!.spec).toEqual({});
  });

  it("reports every problem of a revision, sorted by file, line and column", () => {
    const bad = `${PROJECT}---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: {name: web, project: shop, environment: production}
spec:
  source: {type: docker, image: nginx}
  replicas: -2
  state: paused
`;
    const report = loadManifestTexts([
      { file: "b.yaml", text: bad },
      { file: "a.yaml", text: "" },
    ]);
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}:${d.code}`)).toEqual([
      "a.yaml:1:1:empty-file",
      "b.yaml:11:13:schema",
      "b.yaml:12:10:schema",
    ]);
    expect(report.desired).toBeUndefined();
    expect(report.fileCount).toBe(2);
  });

  it("drops empty documents between separators but still validates the rest", () => {
    const report = loadManifestTexts([{ file: "a.yaml", text: `---\n---\n${PROJECT}---\n` }]);
    expect(report.diagnostics).toEqual([]);
    expect(report.documentCount).toBe(1);
  });
});

describe("parseManifestText", () => {
  it("validates one file without cross-document rules", () => {
    const parsed = parseManifestText("x.yaml", MULTI.split("---\n")[1]!);
    // The Application alone: schema-valid, its missing project is a cross-document matter.
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.documents[0]!.manifest?.key).toBe("Application/shop/production/web");
  });

  it("reports the position of a YAML syntax error in a later document", () => {
    const parsed = parseYamlText("x.yaml", `${PROJECT}---\nkind: Project\nmetadata: [unclosed\n`);
    expect(parsed.diagnostics).toHaveLength(1);
    expect(parsed.diagnostics[0]).toMatchObject({ code: "yaml-syntax", line: 8 });
    expect(parsed.documents).toHaveLength(1);
  });
});

describe("JSON pointers", () => {
  it.each([
    ["", []],
    ["/spec/env/A", ["spec", "env", "A"]],
    ["/metadata/annotations/dokploy-gitops~1adopt", ["metadata", "annotations", "dokploy-gitops/adopt"]],
    ["/a~0b", ["a~b"]],
  ])("%s <-> %j", (pointer, segments) => {
    expect(pointerSegments(pointer)).toEqual(segments);
    expect(toPointer(segments)).toBe(pointer);
  });
});

describe("loadManifests (directory walk)", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function tree(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), "dg-load-"));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it("reads *.yaml and *.yml recursively, skipping hidden entries, node_modules and other extensions", async () => {
    const root = await tree({
      "shop/project.yml": PROJECT,
      "shop/apps/web.yaml": MULTI.split("---\n")[1]!,
      ".github/workflows/ci.yml": "on: push\n",
      ".gitlab-ci.yml": "stages: [test]\n",
      "node_modules/x/config.yaml": "a: 1\n",
      "notes.txt": "not yaml",
      "shop/README.md": "# docs",
    });
    const report = await loadManifests(root);
    expect(report.diagnostics).toEqual([]);
    expect(report.fileCount).toBe(2);
    expect(report.desired!.manifests.map((m) => m.source.file)).toEqual(["shop/project.yml", "shop/apps/web.yaml"]);
  });

  it("honours .dokploygitopsignore: directories, anchored paths and globs", async () => {
    const root = await tree({
      ".dokploygitopsignore": "# not manifests\nci/\ndeploy/*.tmpl.yaml\n*.draft.yml\n",
      "project.yaml": PROJECT,
      "ci/github.yml": "name: validate\non: [pull_request]\njobs: {}\n",
      "ci/gitlab/.gitlab-ci.yml": "stages: [validate]\n",
      "deploy/app.tmpl.yaml": "{{ template }}\n",
      "deploy/nested/app.tmpl.yaml": PROJECT.replace("shop", "other"),
      "x/y/wip.draft.yml": "garbage: [\n",
    });
    const report = await loadManifests(root);
    expect(report.diagnostics).toEqual([]);
    // deploy/*.tmpl.yaml is anchored and matches one level only: the nested file is read.
    expect(report.desired!.manifests.map((m) => m.key)).toEqual(["Project/other", "Project/shop"]);
  });

  it("supports the whole .gitignore syntax: negation, character classes, ** and escapes", async () => {
    const root = await tree({
      ".dokploygitopsignore": "drafts/*.yaml\n!drafts/keep.yaml\n  # an indented comment\nenv-[ab].yaml\n**/generated/**\nci/\n!ci/keep.yaml\n",
      "p.yaml": PROJECT,
      "drafts/one.yaml": "garbage: [\n",
      "drafts/keep.yaml": PROJECT.replace("shop", "kept"),
      "env-a.yaml": "garbage: [\n",
      "env-c.yaml": PROJECT.replace("shop", "env-c"),
      "x/generated/y/z.yaml": "garbage: [\n",
      // As in git, a file inside an ignored directory cannot be re-included.
      "ci/keep.yaml": "garbage: [\n",
    });
    const report = await loadManifests(root);
    expect(report.diagnostics).toEqual([]);
    expect(report.desired!.manifests.map((m) => m.key)).toEqual(["Project/kept", "Project/env-c", "Project/shop"]);
  });

  it("returns an empty desired state for a directory without manifests", async () => {
    const root = await tree({ "README.md": "nothing" });
    const report = await loadManifests(root);
    expect(report).toMatchObject({ diagnostics: [], documentCount: 0, fileCount: 0, desired: { manifests: [], fileCount: 0 } });
  });

  it("throws a clear error for a missing directory", async () => {
    await expect(loadManifests(join(tmpdir(), "dg-does-not-exist-1234"))).rejects.toThrow(/does not exist/);
  });

  it("loads the shipped examples without errors or warnings", async () => {
    const report = await loadManifests(join(import.meta.dirname, "../../../examples"));
    expect(report.diagnostics).toEqual([]);
    const keys = report.desired!.manifests.map((m) => m.key);
    expect(keys).toContain("Project/customer-support");
    expect(keys).toContain("Domain/shop/production/api/public");
    expect(keys).toEqual(expect.arrayContaining(["Postgres/customer-support/production/chatwoot-db", "Redis/customer-support/production/chatwoot-redis"]));
    const sources = new Set(report.desired!.manifests.flatMap((m) => (m.kind === "Application" ? [m.spec.source.type] : [])));
    expect([...sources].sort()).toEqual(["docker", "git", "github"]);
  });
});
