/**
 * What a release promises, checked before one is cut: the version is the
 * same everywhere it is written (docs/releasing.md lists the places), the
 * supported Node range is the same in package.json and in the entry point's
 * check, and the release workflow publishes what the docs say it does.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { VERSION } from "../../../src/cli/index.ts";
import { MIN_NODE_VERSION, nodeVersionProblem } from "../../../src/node-version.ts";
import { REPO_ROOT } from "../../helpers/cli.ts";

const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { version: string; engines: { node: string }; scripts: Record<string, string>; files: string[] };

describe("the version", () => {
  it("is the same in package.json, --version, the chart, the compose example and the CI examples", () => {
    expect(VERSION).toBe(pkg.version);
    expect((parse(read("helm/dokploy-gitops/Chart.yaml")) as { appVersion: string }).appVersion).toBe(pkg.version);
    expect(read("examples/dokploy-compose/docker-compose.yml")).toContain(`image: ghcr.io/dokploy-gitops/dokploy-gitops:${pkg.version}\n`);
    for (const file of ["examples/ci/gitea-workflow.yml", "examples/ci/gitlab-ci.yml", "examples/ci/github-workflow.yml"]) {
      for (const m of read(file).matchAll(/dokploy-gitops@v?(\d+\.\d+\.\d+)/g)) expect(m[1], file).toBe(pkg.version);
    }
  });
});

describe("the supported Node versions", () => {
  it("are the same in package.json's engines and the entry point's check", () => {
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
  });

  it.each([
    ["v20.20.2", `dokploy-gitops needs Node.js >= ${MIN_NODE_VERSION}; this is v20.20.2`],
    ["22.18.9", `dokploy-gitops needs Node.js >= ${MIN_NODE_VERSION}; this is v22.18.9`],
    ["v22.19.0", undefined],
    ["v22.23.5", undefined],
    ["v24.21.0", undefined],
    ["v26.0.0-nightly2026", undefined],
  ])("%s: %s", (version, problem) => {
    expect(nodeVersionProblem(version)).toBe(problem);
  });
});

describe(".github/workflows/release.yml", () => {
  type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
  type Job = { needs?: string; permissions?: Record<string, string>; steps: Step[] };
  const workflow = parse(read(".github/workflows/release.yml")) as { on: { push: { tags: string[] } }; jobs: Record<string, Job> };
  const runs = (job: Job): string => job.steps.map((s) => s.run ?? "").join("\n");

  it("runs on a version tag, after the whole CI passed on it and the tag matched package.json", () => {
    expect(workflow.on.push.tags).toEqual(["v*.*.*"]);
    expect(runs(workflow.jobs.verify!)).toContain("bash .ci/run");
    expect(runs(workflow.jobs.verify!)).toContain(`"$GITHUB_REF_NAME" != "v$version"`);
    expect(workflow.jobs.npm!.needs).toBe("verify");
    expect(workflow.jobs.image!.needs).toBe("verify");
  });

  it("publishes to npm with provenance, and the tarball to a GitHub release", () => {
    const npm = workflow.jobs.npm!;
    expect(npm.permissions).toMatchObject({ "id-token": "write" });
    expect(runs(npm)).toContain("npm publish --provenance --access public");
    expect(runs(npm)).toMatch(/gh release create .*dokploy-gitops-\*\.tgz/);
  });

  it("pushes a multi-arch image built from the Dockerfile to ghcr.io", () => {
    const image = workflow.jobs.image!;
    expect(image.permissions).toMatchObject({ packages: "write" });
    const build = image.steps.find((s) => s.uses?.startsWith("docker/build-push-action@"))!;
    expect(build.with).toMatchObject({ context: ".", platforms: "linux/amd64,linux/arm64", push: true });
    expect(image.steps.find((s) => s.uses?.startsWith("docker/metadata-action@"))!.with!.images).toBe("${{ steps.facts.outputs.image }}");
    expect(runs(image)).toContain("image=ghcr.io/${GITHUB_REPOSITORY,,}");
  });

  it("publishes what the package needs at run time (the built code, the schemas, the simulator's spec)", () => {
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "manifests-schema", "src/simulator/spec"]));
    expect(pkg.scripts.prepare).toContain("tsc");
  });
});
