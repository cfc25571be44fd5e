/**
 * YAML that is not a manifest under the manifest root. The regression: a
 * Compose manifest is removed but its docker-compose.yml stays in the
 * repository; the file, an input while the manifest referenced it, was then
 * read as a manifest and failed the whole revision ("missing apiVersion"),
 * so one stray file stopped every deploy. Now it is skipped with one warning
 * naming it, while anything that looks like a manifest is still validated.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadManifestTexts, loadManifests } from "../../../src/manifest/index.ts";
import { runCliInProcess } from "../../helpers/cli-in-process.ts";

const PROJECT = "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: shop\n";
const STACK = `apiVersion: dokploy-gitops/v1
kind: Compose
metadata:
  name: helpdesk
  project: shop
  environment: production
spec:
  source:
    type: raw
    composeFile: ./helpdesk/docker-compose.yml
`;
const COMPOSE_FILE = `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
volumes:
  data: {}
`;

function lines(report: ReturnType<typeof loadManifestTexts>): string[] {
  return report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.code}`);
}

describe("a compose file whose stack was removed", () => {
  it("is an input, with no warning, while its Compose manifest references it", () => {
    const report = loadManifestTexts([
      { file: "shop.yaml", text: `${PROJECT}---\n${STACK}` },
      { file: "helpdesk/docker-compose.yml", text: COMPOSE_FILE },
    ]);
    expect(report.diagnostics).toEqual([]);
    expect(report.desired?.manifests.map((m) => m.kind)).toEqual(["Project", "Compose"]);
  });

  it("is skipped with one warning naming it once the manifest is gone; the revision stays valid", () => {
    const report = loadManifestTexts([
      { file: "shop.yaml", text: PROJECT },
      { file: "helpdesk/docker-compose.yml", text: COMPOSE_FILE },
    ]);
    expect(lines(report)).toEqual(["helpdesk/docker-compose.yml:1:1: warning: not-a-manifest"]);
    expect(report.diagnostics[0]!.message).toContain("not a manifest");
    expect(report.diagnostics[0]!.message).toContain(".dokploygitopsignore");
    expect(report.desired?.manifests.map((m) => m.kind)).toEqual(["Project"]);
    expect(report).toMatchObject({ documentCount: 1, fileCount: 1 });
  });
});

describe("which files are skipped", () => {
  it.each([
    ["a tool's config mapping", "extends: base\nrules:\n  max-line: 120\n"],
    ["several such documents", "a: 1\n---\nb: 2\n"],
    ["a list of mappings (an Ansible playbook)", "- hosts: all\n  tasks: []\n"],
  ])("skips %s with one warning", (_name, text) => {
    const report = loadManifestTexts([{ file: "shop.yaml", text: PROJECT }, { file: "other.yml", text }]);
    expect(lines(report)).toEqual(["other.yml:1:1: warning: not-a-manifest"]);
    expect(report.desired).toBeDefined();
  });

  it.each([
    ["an invalid manifest (has kind)", "apiVersion: dokploy-gitops/v1\nkind: Application\nmetadata:\n  name: web\n  project: shop\n", "stray.yaml:3:1: error: schema"],
    ["a mistyped kind key (metadata and spec present)", "apiVersion: dokploy-gitops/v1\nkindd: Project\nmetadata:\n  name: blog\n", "stray.yaml:1:1: error: schema"],
    ["a manifest without apiVersion and kind but with metadata", "metadata:\n  name: blog\nspec: {}\n", "stray.yaml:1:1: error: schema"],
    ["a list of manifests", "- apiVersion: dokploy-gitops/v1\n  kind: Project\n", "stray.yaml:1:1: error: non-mapping-document"],
    ["a scalar", "just some text\n", "stray.yaml:1:1: error: non-mapping-document"],
    ["a YAML syntax error", "services:\n  web: [\n", "stray.yaml:3:1: error: yaml-syntax"],
    ["a foreign document next to a manifest in one file", `${PROJECT}---\nservices: {}\n`, "stray.yaml:6:1: error: schema"],
  ])("still reports %s as an error at its line", (_name, text, expected) => {
    const report = loadManifestTexts([{ file: "shop.yaml", text: "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: other\n" }, { file: "stray.yaml", text }]);
    expect(lines(report)).toContain(expected);
    expect(report.diagnostics.some((d) => d.code === "not-a-manifest")).toBe(false);
    expect(report.desired).toBeUndefined();
  });
});

describe("on disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "dg-not-a-manifest-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a file listed in .dokploygitopsignore is not read, so it gives no warning", async () => {
    writeFileSync(join(dir, "shop.yaml"), PROJECT);
    mkdirSync(join(dir, "helpdesk"));
    writeFileSync(join(dir, "helpdesk", "docker-compose.yml"), COMPOSE_FILE);
    mkdirSync(join(dir, "ansible"));
    writeFileSync(join(dir, "ansible", "site.yml"), "- hosts: all\n");
    writeFileSync(join(dir, ".dokploygitopsignore"), "ansible/\n");
    const report = await loadManifests(dir);
    expect(report.diagnostics.map((d) => `${d.file}: ${d.code}`)).toEqual(["helpdesk/docker-compose.yml: not-a-manifest"]);
    expect(report.desired?.manifests).toHaveLength(1);
  });
});

describe("validate and plan output", () => {
  const dir = mkdtempSync(join(tmpdir(), "dg-not-a-manifest-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "shop.yaml"), PROJECT);
  mkdirSync(join(dir, "helpdesk"));
  writeFileSync(join(dir, "helpdesk", "docker-compose.yml"), COMPOSE_FILE);
  const warning = `${dir}/helpdesk/docker-compose.yml:1:1: warning: not a manifest (no apiVersion, kind, metadata or spec at the top level), skipped;`;

  it("validate prints one warning line naming the file, and passes", async () => {
    const r = await runCliInProcess(["validate", dir], {});
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split("\n");
    expect(out).toHaveLength(2);
    expect(out[0]).toContain(warning);
    expect(out[1]).toBe("OK: 1 manifest in 1 file, 1 warning");
  });

  it("plan prints the same warning line and plans the rest", async () => {
    const r = await runCliInProcess(["plan", dir, "--simulator"], {});
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n").filter((l) => l.includes("docker-compose.yml"))).toEqual([expect.stringContaining(warning)]);
    expect(r.stdout).toContain("project/shop");
  });
});

describe("plan of a directory without manifests", () => {
  const dir = mkdtempSync(join(tmpdir(), "dg-not-a-manifest-empty-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "docker-compose.yml"), COMPOSE_FILE);

  it("warns that no manifests were found (a wrong path must not read as \"No changes\" silently)", async () => {
    const r = await runCliInProcess(["plan", dir, "--simulator"], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: plan: no manifests found under ${dir} (*.yaml and *.yml files with apiVersion and kind); is the path right?\n`);
    const allowed = await runCliInProcess(["plan", dir, "--simulator", "--allow-empty"], {});
    expect(allowed.stderr).not.toContain("no manifests found");
  });
});
