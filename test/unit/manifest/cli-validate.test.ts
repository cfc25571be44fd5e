/**
 * `dokploy-gitops validate`: output formats, exit codes and usage errors.
 * Most cases run the command in-process; two journeys spawn the real entry
 * point (`node src/main.ts`) as a child process.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";

const REPO = join(import.meta.dirname, "../../..");
const INVALID = "test/fixtures/manifests/cli-invalid";

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (c: Buffer) => out.push(c.toString()));
  stderr.on("data", (c: Buffer) => err.push(c.toString()));
  const cwd = process.cwd();
  process.chdir(REPO);
  try {
    const code = await runCli(["validate", ...argv], { env: {}, stdout, stderr });
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.chdir(cwd);
  }
}

describe("validate (in-process)", () => {
  it("prints OK and exits 0 for the examples", async () => {
    const r = await run(["examples"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^OK: \d+ manifests in \d+ files\n$/);
  });

  it("prints every problem, one per line, then a summary, and exits 1", async () => {
    const r = await run([INVALID]);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      `${INVALID}/domain.yaml:7:16: error: Domain/public: /metadata/application: application "wbe" in shop/production is not declared by any manifest (did you mean "web"?)`,
      `${INVALID}/shop.yaml:17:13: error: Application/web: /spec/replicas: expected integer >= 0, got "two"`,
      "invalid: 3 manifests in 2 files: 2 errors, 0 warnings",
    ]);
    expect(r.stdout).not.toContain("hunter2-literal");
  });

  it("prints JSON with root-relative files for --output json", async () => {
    const r = await run(["--output", "json", INVALID]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({ valid: false, root: INVALID, manifests: 3, files: 2 });
    expect(body.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", file: "domain.yaml", line: 7, column: 16, code: "unknown-reference", resource: "Domain/public", pointer: "/metadata/application" }),
      expect.objectContaining({ severity: "error", file: "shop.yaml", line: 17, column: 13, code: "schema", pointer: "/spec/replicas" }),
    ]);
  });

  it("exits 0 with -o json on valid manifests", async () => {
    const r = await run(["-o", "json", "examples"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, root: "examples", diagnostics: [] });
  });

  it.each([
    [["--bogus"], /validate: unknown flag "--bogus" \(see dokploy-gitops validate --help\)/],
    [["--output", "xml", "examples"], /validate: --output: expected text or json, got "xml"/],
    [["a", "b"], /expected at most one directory, got 2/],
    [["does-not-exist"], /directory "does-not-exist" does not exist/],
    [["README.md"], /"README.md" is not a directory/],
  ])("rejects %j with a clear error and exit 1", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("fails on a directory without manifests unless --allow-empty (a mistyped path must not pass CI)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-validate-empty-"));
    try {
      writeFileSync(join(dir, "notes.txt"), "not yaml\n");
      const r = await run([dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: validate: no manifests found under ${dir} (*.yaml and *.yml files with apiVersion and kind; pass --allow-empty if an empty directory is intended)\n`);
      const json = await run(["-o", "json", dir]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, manifests: 0 });
      const allowed = await run(["--allow-empty", dir]);
      expect(allowed).toMatchObject({ code: 0, stdout: "OK: 0 manifests in 0 files\n" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints help and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: dokploy-gitops validate [DIR]");
  });
});

describe("validate (child process journeys)", () => {
  const exec = promisify(execFile);
  // src/main.ts needs Node 24 (type stripping): prefer the node@24 devDependency over whatever runs vitest.
  const node24 = join(REPO, "node_modules/node/bin/node");
  const node = existsSync(node24) ? node24 : process.execPath;
  const cli = (args: string[]) => exec(node, ["src/main.ts", "validate", ...args], { cwd: REPO, timeout: 20_000 });

  it("exits 0 on the examples", async () => {
    const { stdout } = await cli(["examples/"]);
    expect(stdout).toMatch(/^OK: \d+ manifests in \d+ files\n$/);
  });

  it("exits 1 and lists the problems on invalid manifests", async () => {
    const failure = await cli([INVALID]).then(
      () => undefined,
      (err: { code?: number; stdout?: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(`${INVALID}/shop.yaml:17:13: error: Application/web: /spec/replicas:`);
  });
});
