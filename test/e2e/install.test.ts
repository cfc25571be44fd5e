/**
 * The README's install story, tried as a user would, outside the checkout:
 * `npm pack` the checkout (its `prepare` builds dist/), then, from an empty
 * temp directory, `npm install -g` the tarball into a temp prefix and run
 * the installed `dokploy-gitops`. Dependencies come from a registry on
 * 127.0.0.1 serving the lockfile's versions (test/helpers/local-registry.ts),
 * so nothing leaves the machine, and an empty npm cache, so nothing comes
 * from the developer's.
 *
 * The installed command is also run on every Node binary listed in
 * DOKPLOY_GITOPS_TEST_NODES (colon-separated; .ci/run sets it to a Node 22):
 * a supported Node must run it, an older one must refuse in one line.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN_NODE_VERSION, nodeVersionProblem } from "../../src/node-version.ts";
import { CLI_NODE, REPO_ROOT } from "../helpers/cli.ts";
import { startLocalRegistry, type LocalRegistry } from "../helpers/local-registry.ts";

const exec = promisify(execFile);
const root = mkdtempSync(path.join(tmpdir(), "dg-install-"));
const prefix = path.join(root, "prefix");
const home = path.join(root, "home");
const work = path.join(root, "work");
const bin = path.join(prefix, "bin", "dokploy-gitops");
const nodeDir = path.dirname(CLI_NODE);
let registry: LocalRegistry;

/** npm and the installed command see only this environment: no user config, no real registry, no inherited secrets. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${nodeDir}:${path.join(prefix, "bin")}:/usr/bin:/bin`,
    HOME: home,
    NO_COLOR: "1",
    npm_config_registry: registry.url,
    npm_config_cache: path.join(root, "npm-cache"),
    npm_config_userconfig: path.join(home, ".npmrc"),
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
    ...extra,
  };
}

beforeAll(async () => {
  mkdirSync(home);
  mkdirSync(work);
  registry = await startLocalRegistry(REPO_ROOT);
  cpSync(path.join(REPO_ROOT, "examples"), path.join(work, "examples"), { recursive: true });
  const npm = "npm";
  await exec(npm, ["pack", "--pack-destination", root], { cwd: REPO_ROOT, env: { ...process.env, ...env() }, timeout: 240_000 });
  const tarball = readdirSync(root).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${root}`);
  // From a directory outside the checkout, as the README says.
  await exec(npm, ["install", "-g", "--prefix", prefix, path.join(root, tarball)], { cwd: work, env: env(), timeout: 240_000 });
}, 300_000);
afterAll(async () => {
  await registry?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("installing the packed tool outside the checkout", () => {
  it("installs a dokploy-gitops command that answers --help", async () => {
    const { stdout } = await exec(bin, ["--help"], { cwd: work, env: env() });
    expect(stdout).toMatch(/^Usage: dokploy-gitops <command> \[options\]/);
    for (const command of ["validate", "plan", "apply", "run", "doctor"]) expect(stdout).toContain(`  ${command} `);
  });

  it("validates and plans the examples against its embedded simulator (the schemas and the simulator's spec are packaged)", async () => {
    const validate = await exec(bin, ["validate", "examples"], { cwd: work, env: env() });
    expect(validate.stdout).toMatch(/^OK: \d+ manifests in \d+ files\n$/);
    const plan = await exec(bin, ["plan", "examples", "--simulator"], { cwd: work, env: env(), timeout: 60_000 });
    expect(plan.stdout).toMatch(/^Plan: \d+ to create/m);
  });

  const nodes = (process.env.DOKPLOY_GITOPS_TEST_NODES ?? "").split(":").filter((n) => n !== "");
  it.each(nodes.length > 0 ? nodes : ["(none listed in DOKPLOY_GITOPS_TEST_NODES)"])("runs, or refuses in one line, on %s", async (node) => {
    if (!node.startsWith("/")) return; // nothing to try: the Node the suite runs on is covered above
    const version = (await exec(node, ["--version"])).stdout.trim();
    const run = exec(node, [bin, "validate", "examples"], { cwd: work, env: env() });
    if (nodeVersionProblem(version) === undefined) {
      expect((await run).stdout).toMatch(/^OK: /);
    } else {
      await expect(run).rejects.toMatchObject({ code: 1, stdout: "", stderr: `dokploy-gitops needs Node.js >= ${MIN_NODE_VERSION}; this is ${version}\n` });
    }
  });
});
