/**
 * The invalid-manifest corpus: one small file per mistake under
 * test/fixtures/manifests/invalid/, each loaded together with base.yaml (which
 * declares shop, shop/staging and shop/production/web). Every case must give
 * exactly one error, at the exact file:line:column, with its key words: one
 * clear message per problem, not a pile of schema noise.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifestTexts } from "../../../src/manifest/index.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/manifests");
const BASE = readFileSync(join(FIXTURES, "base.yaml"), "utf8");

function load(name: string) {
  const file = `${name}.yaml`;
  return loadManifestTexts([
    { file: "base.yaml", text: BASE },
    { file, text: readFileSync(join(FIXTURES, "invalid", file), "utf8") },
  ]);
}

/** [fixture, exact FILE:LINE:COLUMN, diagnostic code, key words of the message]. */
const CASES: Array<[string, string, string, string[]]> = [
  ["annotation-adopt-boolean", "annotation-adopt-boolean.yaml:6:27", "schema", ["\"true\" or \"false\"", "quoted", "got true"]],
  ["annotation-deletion-policy", "annotation-deletion-policy.yaml:6:37", "schema", ["\"delete\" or \"orphan\"", "got \"keep\""]],
  ["annotation-typo", "annotation-typo.yaml:6:5", "schema", ["invalid key \"dokploy-gitops/adpot\"", "did you mean \"dokploy-gitops/adopt\""]],
  ["application-missing-environment", "application-missing-environment.yaml:3:1", "schema", ["missing required field \"environment\""]],
  ["application-missing-spec", "application-missing-spec.yaml:1:1", "schema", ["missing required field \"spec\""]],
  ["application-with-application-ref", "application-with-application-ref.yaml:7:3", "schema", ["not allowed on an Application"]],
  ["args-not-strings", "args-not-strings.yaml:13:18", "schema", ["expected a string, {ref: Kind/name, field: NAME} or {format, args}", "got 8080"]],
  ["auto-deploy-string", "auto-deploy-string.yaml:13:15", "schema", ["expected boolean", "got \"yes\""]],
  ["branch-with-space", "branch-with-space.yaml:12:13", "schema", ["expected a branch name", "got \"feature one\""]],
  ["build-type-typo", "build-type-typo.yaml:14:11", "schema", ["expected one of dockerfile", "got \"dockerfle\"", "did you mean \"dockerfile\""]],
  ["build-wrong-companion", "build-wrong-companion.yaml:15:5", "schema", ["unknown field \"dockerfile\"", "for build type \"nixpacks\"", "publishDirectory"]],
  ["comments-only", "comments-only.yaml:1:1", "empty-file", ["empty file", "at least one manifest document"]],
  ["cpu-bad-value", "cpu-bad-value.yaml:14:15", "schema", ["cores (0.5, 2) or millicores (500m)", "got \"500mc\""]],
  ["docker-missing-image", "docker-missing-image.yaml:8:3", "schema", ["missing required field \"image\"", "for source type \"docker\""]],
  ["domain-custom-cert-no-resolver", "domain-custom-cert-no-resolver.yaml:8:1", "schema", ["missing required field \"customCertResolver\"", "certificateType is \"custom\""]],
  ["domain-missing-application", "domain-missing-application.yaml:3:1", "schema", ["missing required field \"application\""]],
  ["domain-missing-host", "domain-missing-host.yaml:8:1", "schema", ["missing required field \"host\""]],
  ["domain-path-no-slash", "domain-path-no-slash.yaml:10:9", "schema", ["a path starting with /", "got \"api\""]],
  ["domain-port-range", "domain-port-range.yaml:10:9", "schema", ["integer from 1 to 65535", "got 70000"]],
  ["domain-underscore-host", "domain-underscore-host.yaml:9:9", "schema", ["RFC 1123 hostname", "no underscore", "got \"my_app.example.com\""]],
  ["domain-wildcard-host", "domain-wildcard-host.yaml:9:9", "schema", ["RFC 1123 hostname", "no wildcard", "got \"*.example.com\""]],
  ["duplicate-domain", "duplicate-domain.yaml:19:9", "duplicate-domain", ["host \"SHOP.example.com\" with path \"/\"", "already routed by Domain/shop/production/web/one", "at duplicate-domain.yaml:9:9"]],
  ["duplicate-identity", "duplicate-identity.yaml:4:9", "duplicate-identity", ["Project/shop is already declared at base.yaml:6:9"]],
  ["empty-file", "empty-file.yaml:1:1", "empty-file", ["empty file"]],
  ["env-bad-key", "env-bad-key.yaml:14:5", "schema", ["invalid key \"1ST_KEY\"", "variable name"]],
  ["env-list-value", "env-list-value.yaml:14:12", "schema", ["expected a string, number, boolean, {fromEnv: NAME}, {fromFile: /path}, {ref: Kind/name, field: NAME} or {format, args}", "got a list"]],
  ["env-multiline-value", "env-multiline-value.yaml:14:11", "schema", ["single-line string", "got a string with a line break"]],
  ["env-null-value", "env-null-value.yaml:14:5", "schema", ["{fromEnv: NAME}", "got null"]],
  ["environment-missing-project", "environment-missing-project.yaml:3:1", "schema", ["missing required field \"project\""]],
  ["git-bad-url", "git-bad-url.yaml:10:10", "schema", ["expected a git URL", "got \"example.com/api\""]],
  ["gitea-foreign-field", "gitea-foreign-field.yaml:13:5", "schema", ["unknown field \"branch\"", "for source type \"gitea\"", "giteaBranch"]],
  ["github-missing-branch", "github-missing-branch.yaml:8:3", "schema", ["missing required field \"branch\"", "for source type \"github\""]],
  ["github-unknown-field", "github-unknown-field.yaml:13:5", "schema", ["unknown field \"brnch\"", "did you mean \"branch\""]],
  ["memory-bad-unit", "memory-bad-unit.yaml:14:18", "schema", ["bytes (integer) or a quantity such as 512Mi", "got \"512MB\""]],
  ["missing-api-version", "missing-api-version.yaml:1:1", "schema", ["missing required field \"apiVersion\"", "\"dokploy-gitops/v1\""]],
  ["application-delete-volumes", "application-delete-volumes.yaml:8:5", "schema", ["invalid key \"dokploy-gitops/delete-volumes\"", "dokploy-gitops/adopt, dokploy-gitops/deletion-policy, dokploy-gitops/adopt-children)"]],
  ["compose-command-unsafe", "compose-command-unsafe.yaml:13:12", "schema", ["the arguments after `docker`", "got \"compose up -d; curl example.com\""]],
  ["compose-delete-volumes-boolean", "compose-delete-volumes-boolean.yaml:8:36", "schema", ["\"true\" or \"false\"", "quoted", "got true"]],
  ["compose-docker-source", "compose-docker-source.yaml:9:11", "schema", ["expected one of raw, github, git, gitlab, bitbucket, gitea", "got \"docker\""]],
  ["compose-github-build-path", "compose-github-build-path.yaml:13:5", "schema", ["unknown field \"buildPath\"", "for source type \"github\"", "composePath"]],
  ["compose-name-too-long", "compose-name-too-long.yaml:4:9", "schema", ["at most 56 characters", "Docker Swarm caps at 63"]],
  ["compose-raw-absolute-path", "compose-raw-absolute-path.yaml:10:18", "schema", ["a path relative to this manifest's file", "got \"/srv/helpdesk.compose.yml\""]],
  ["compose-raw-file-and-content", "compose-raw-file-and-content.yaml:11:5", "schema", ["not allowed together with \"composeFile\""]],
  ["compose-raw-missing-file", "compose-raw-missing-file.yaml:8:3", "schema", ["missing required field \"composeFile\" or \"content\"", "for source type \"raw\""]],
  ["compose-type-invalid", "compose-type-invalid.yaml:13:16", "schema", ["\"docker-compose\" or \"stack\"", "got \"swarm\""]],
  ["compose-with-application-ref", "compose-with-application-ref.yaml:7:3", "schema", ["not allowed on a Compose"]],
  ["domain-application-and-compose", "domain-application-and-compose.yaml:21:3", "schema", ["not allowed together with \"compose\"", "exactly one of application and compose"]],
  ["domain-application-with-service-name", "domain-application-with-service-name.yaml:10:3", "schema", ["not allowed on a domain of an application"]],
  ["domain-compose-bad-service-name", "domain-compose-bad-service-name.yaml:24:16", "schema", ["a compose service name", "got \"rails web\""]],
  ["domain-compose-missing-service-name", "domain-compose-missing-service-name.yaml:22:1", "schema", ["missing required field \"serviceName\"", "domain of a compose"]],
  ["missing-kind", "missing-kind.yaml:1:1", "schema", ["missing required field \"kind\"", "Project, Environment, Application, Compose, Postgres, MySQL, MariaDB, Mongo, Redis, LibSQL, Domain"]],
  ["missing-metadata", "missing-metadata.yaml:1:1", "schema", ["missing required field \"metadata\""]],
  ["missing-name", "missing-name.yaml:3:1", "schema", ["missing required field \"name\""]],
  ["missing-source", "missing-source.yaml:7:1", "schema", ["missing required field \"source\""]],
  ["name-too-long", "name-too-long.yaml:4:9", "schema", ["lowercase DNS label", "at most 63 characters"]],
  ["application-name-too-long", "application-name-too-long.yaml:4:9", "schema", ["at most 56 characters", "Docker service name"]],
  ["name-trailing-hyphen", "name-trailing-hyphen.yaml:4:9", "schema", ["lowercase DNS label", "got \"shop-\""]],
  ["name-uppercase", "name-uppercase.yaml:4:9", "schema", ["lowercase DNS label", "got \"Shop2\""]],
  ["non-mapping-list", "non-mapping-list.yaml:1:1", "non-mapping-document", ["expected a mapping", "got a list"]],
  ["non-mapping-scalar", "non-mapping-scalar.yaml:2:1", "non-mapping-document", ["expected a mapping", "got \"just some text\""]],
  ["project-with-parent", "project-with-parent.yaml:5:3", "schema", ["not allowed on a Project", "has no parent"]],
  ["replicas-negative", "replicas-negative.yaml:13:13", "schema", ["expected integer >= 0", "got -1"]],
  ["replicas-string", "replicas-string.yaml:13:13", "schema", ["expected integer >= 0", "got \"two\""]],
  ["resources-unknown-field", "resources-unknown-field.yaml:14:5", "schema", ["unknown field \"memory\"", "memoryLimit"]],
  ["secret-ref-bad-env-name", "secret-ref-bad-env-name.yaml:15:16", "schema", ["environment variable name", "got \"my-token\""]],
  ["secret-ref-both", "secret-ref-both.yaml:14:12", "schema", ["exactly one of {fromEnv: NAME} or {fromFile: /path}"]],
  ["secret-ref-relative-file", "secret-ref-relative-file.yaml:15:17", "schema", ["absolute file path", "got \"secrets/token\""]],
  ["secret-ref-unknown-key", "secret-ref-unknown-key.yaml:15:7", "schema", ["unknown field \"fromVault\"", "fromEnv, fromFile"]],
  ["spec-not-a-map", "spec-not-a-map.yaml:5:7", "schema", ["expected a map", "got \"hello\""]],
  ["state-invalid", "state-invalid.yaml:13:10", "schema", ["\"running\" or \"stopped\"", "got \"paused\""]],
  ["trigger-type-invalid", "trigger-type-invalid.yaml:13:18", "schema", ["\"push\" or \"tag\"", "got \"merge\""]],
  ["unknown-api-version", "unknown-api-version.yaml:1:13", "unknown-api-version", ["unknown apiVersion \"dokploy-gitops/v2\"", "expected \"dokploy-gitops/v1\""]],
  ["unknown-application", "unknown-application.yaml:7:16", "unknown-reference", ["application \"apii\" in shop/production is not declared"]],
  ["unknown-environment", "unknown-environment.yaml:6:16", "unknown-reference", ["environment \"stagin\" of project \"shop\" is not declared", "did you mean \"staging\""]],
  ["unknown-kind", "unknown-kind.yaml:2:7", "unknown-kind", ["unknown kind \"application\"", "did you mean \"Application\""]],
  ["unknown-metadata-field", "unknown-metadata-field.yaml:5:3", "schema", ["unknown field \"labels\"", "name, annotations"]],
  ["unknown-project", "unknown-project.yaml:5:12", "unknown-reference", ["project \"shopp\" is not declared", "did you mean \"shop\""]],
  ["unknown-source-type", "unknown-source-type.yaml:9:11", "schema", ["expected one of github, git, docker", "got \"svn\""]],
  ["unknown-top-level-field", "unknown-top-level-field.yaml:5:1", "schema", ["unknown field \"specs\"", "did you mean \"spec\""]],
  ["watch-paths-not-list", "watch-paths-not-list.yaml:13:17", "schema", ["expected list", "got \"src/**\""]],
  ["yaml-bad-indent", "yaml-bad-indent.yaml:4:9", "yaml-syntax", ["YAML syntax error", "Nested mappings"]],
  ["yaml-duplicate-key", "yaml-duplicate-key.yaml:5:3", "yaml-syntax", ["YAML syntax error", "Map keys must be unique"]],
  ["yaml-unclosed-quote", "yaml-unclosed-quote.yaml:5:1", "yaml-syntax", ["YAML syntax error", "Missing closing"]],
];

describe("invalid manifest corpus", () => {
  it("has a fixture for every case and a case for every fixture", () => {
    const files = readdirSync(join(FIXTURES, "invalid")).map((f) => f.replace(/\.yaml$/, "")).sort();
    expect(CASES.map((c) => c[0]).sort()).toEqual(files);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it("base.yaml alone is valid", () => {
    const report = loadManifestTexts([{ file: "base.yaml", text: BASE }]);
    expect(report.diagnostics).toEqual([]);
    expect(report.desired?.manifests).toHaveLength(3);
  });

  it.each(CASES)("%s → %s", (name, location, code, words) => {
    const report = load(name);
    const errors = report.diagnostics.filter((d) => d.severity === "error");
    expect(errors, JSON.stringify(errors, null, 2)).toHaveLength(1);
    const [error] = errors;
    expect(`${error!.file}:${error!.line}:${error!.column}`).toBe(location);
    expect(error!.code).toBe(code);
    for (const word of words) expect(error!.message).toContain(word);
    expect(report.desired).toBeUndefined();
  });
});
