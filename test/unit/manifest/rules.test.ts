/**
 * Cross-document rules and warnings: duplicates report both positions,
 * references resolve through the implicit `production` environment, a schema
 * error does not cascade into "not declared" errors, literal secrets and
 * ignored fields are warnings that keep the revision valid.
 */
import { describe, expect, it } from "vitest";
import { formatDiagnostic, loadManifestTexts } from "../../../src/manifest/index.ts";

const doc = (kind: string, metadata: string, spec = ""): string =>
  `apiVersion: dokploy-gitops/v1\nkind: ${kind}\nmetadata: ${metadata}\n${spec ? `spec:\n${spec}` : ""}`;
const project = (name: string) => doc("Project", `{name: ${name}}`);
const environment = (name: string, p = "shop") => doc("Environment", `{name: ${name}, project: ${p}}`);
const app = (name: string, env = "production", spec = "  source: {type: docker, image: nginx}\n") =>
  doc("Application", `{name: ${name}, project: shop, environment: ${env}}`, spec);
const domain = (name: string, application: string, host: string, extra = "", env = "production") =>
  doc("Domain", `{name: ${name}, project: shop, environment: ${env}, application: ${application}}`, `  host: ${host}\n${extra}`);

function run(...docs: string[]) {
  const report = loadManifestTexts([{ file: "m.yaml", text: docs.join("---\n") }]);
  return { report, lines: report.diagnostics.map((d) => `${formatDiagnostic(d)} [${d.code}]`) };
}

describe("cross-document rules", () => {
  it("names the first declaration in a duplicate-identity error", () => {
    const { lines } = run(project("shop"), app("web"), app("web"));
    expect(lines).toEqual([
      'm.yaml:13:18: error: Application/web: /metadata/name: Application/shop/production/web is already declared at m.yaml:7:18 [duplicate-identity]',
    ]);
  });

  it("allows the same name under different parents", () => {
    const { report } = run(project("shop"), environment("staging"), app("web"), app("web", "staging"));
    expect(report.diagnostics).toEqual([]);
  });

  it("accepts production without a manifest but not other environments", () => {
    const { lines } = run(project("shop"), app("web", "production"), app("api", "qa"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('environment "qa" of project "shop" is not declared by any manifest');
  });

  it("reports only the first missing ancestor of a reference", () => {
    const { lines } = run(domain("public", "web", "a.example.com"));
    expect(lines).toEqual([
      'm.yaml:3:35: error: Domain/public: /metadata/project: project "shop" is not declared by any manifest [unknown-reference]',
    ]);
  });

  it("does not cascade a schema error of a parent into its children", () => {
    const { report } = run(project("shop"), app("web", "production", "  source: {type: docker}\n"), domain("public", "web", "a.example.com"));
    expect(report.diagnostics.map((d) => d.code)).toEqual(["schema"]);
  });

  it("compares domain hosts case-insensitively and paths exactly (default /)", () => {
    const { report } = run(
      project("shop"),
      app("web"),
      app("api"),
      domain("one", "web", "Shop.Example.com"),
      domain("two", "api", "shop.example.com", "  path: /api\n"),
      domain("three", "api", "shop.example.COM", "  path: /\n"),
    );
    const dup = report.diagnostics.filter((d) => d.code === "duplicate-domain");
    expect(dup).toHaveLength(1);
    expect(dup[0]!.message).toContain("already routed by Domain/shop/production/web/one at m.yaml:");
    expect(dup[0]!.resource).toBe("Domain/three");
  });
});

describe("warnings", () => {
  it("warns about literal secrets without showing them, and stays valid", () => {
    const spec = `  source: {type: docker, image: ghcr.io/acme/web, username: bot, password: s3cr3t-value}
  env: {PLAIN: hello}
`;
    const gitSpec = `  source: {type: git, url: "https://git.example.com/a.git", branch: main}
  buildSecrets:
    NPM_TOKEN: npm_abcdefgh
    SAFE: {fromEnv: NPM_TOKEN}
`;
    const { report, lines } = run(project("shop"), app("web", "production", spec), app("api", "production", gitSpec));
    expect(report.desired).toBeDefined();
    expect(report.diagnostics.map((d) => [d.severity, d.code, d.pointer])).toEqual([
      ["warning", "literal-secret", "/spec/source/password"],
      ["warning", "literal-secret", "/spec/buildSecrets/NPM_TOKEN"],
    ]);
    for (const line of lines) {
      expect(line).toContain("use {fromEnv: NAME} or {fromFile: /path}");
      expect(line).not.toContain("s3cr3t-value");
      expect(line).not.toContain("npm_abcdefgh");
    }
  });

  it("never echoes a value of env, buildArgs or buildSecrets in an error", () => {
    const spec = `  source: {type: docker, image: nginx}
  env:
    PASSWORD: "line1\\nsup3r-secret"
`;
    const { lines } = run(project("shop"), app("web", "production", spec));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("got a string with a line break");
    expect(lines[0]).not.toContain("sup3r-secret");
  });

  it("warns about fields Dokploy ignores", () => {
    const docker = `  source: {type: docker, image: nginx}
  build: {type: dockerfile}
`;
    const { report } = run(
      project("shop"),
      app("web", "production", docker),
      domain("a", "web", "a.example.com", "  stripPath: true\n"),
      domain("b", "web", "b.example.com", "  certificateType: letsencrypt\n"),
    );
    expect(report.desired).toBeDefined();
    expect(report.diagnostics.map((d) => [d.code, d.pointer])).toEqual([
      ["ignored-field", "/spec/build"],
      ["ignored-field", "/spec/stripPath"],
      ["ignored-field", "/spec/certificateType"],
    ]);
  });
});
