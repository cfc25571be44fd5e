/**
 * `dokploy-gitops export` against the simulator over HTTP: its flags, the
 * directory it refuses, what it says it wrote, and that it only reads.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWriteEndpoint } from "../../../src/dokploy/port.ts";
import { renderDescription } from "../../../src/model/marker.ts";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { runCliInProcess } from "../../helpers/cli-in-process.ts";
import { startTestSimulator } from "../../helpers/simulator.ts";

const KEY = "canary-export-key-Jd82kQ";
let sim: SimulatorHandle;
const root = mkdtempSync(join(tmpdir(), "dg-export-cli-"));
let n = 0;
const fresh = (): string => join(root, `out-${++n}`);

beforeAll(async () => {
  sim = await startTestSimulator({ apiKey: KEY });
  sim.control.seed({
    projects: [
      {
        name: "shop", description: "Online shop", env: "LOG_LEVEL=info",
        environments: [
          { name: "production", applications: [{ name: "web", sourceType: "docker", dockerImage: "nginx:1", env: "STRIPE_KEY=sk_live_canary", domains: [{ host: "shop.example.com" }] }] },
          { name: "staging", applications: [{ name: "web", sourceType: "docker", dockerImage: "nginx:1" }] },
        ],
      },
      { name: "legacy", description: renderDescription("", { v: 1, instance: "other", key: "Project/legacy", id: "x" }) },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
});

const exportTo = (args: string[]) => runCliInProcess(["export", "--url", sim.url, ...args], { DOKPLOY_API_KEY: KEY });

describe("dokploy-gitops export", () => {
  it("writes every project it may, reading only, and says what it wrote and what it left out", async () => {
    const out = fresh();
    sim.control.resetCalls();
    const r = await exportTo(["--out", out, "--adopt"]);
    expect(r.code, r.stderr).toBe(0);
    expect(sim.control.calls().filter((c) => c.method !== "GET" || isWriteEndpoint(c.endpoint))).toEqual([]);
    expect(r.stdout).toContain("1 Project, 2 Environment, 2 Application, 1 Domain (4 files).\n6 marked dokploy-gitops/adopt: \"true\"; 0 already managed by this instance.");
    expect(r.stdout).toContain(`Left out (1):\n  project/legacy: managed by another dokploy-gitops instance ("other"); left out with everything in it`);
    expect(r.stdout).toContain(`2 secrets written as {fromEnv: NAME}: the names are in ${join(out, ".env.example")}`);
    for (const f of ["shop/project.yaml", "shop/production/web.yaml", "shop/staging/web.yaml", ".env.example"]) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, "shop/production/web.yaml"), "utf8")).toContain('dokploy-gitops/adopt: "true"');
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
    expect(readFileSync(join(out, "shop/production/web.yaml"), "utf8")).not.toContain("sk_live_canary");
  });

  it("without --adopt, writes no adopt annotation", async () => {
    const out = fresh();
    const r = await exportTo(["--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("0 already managed by this instance; 6 not (without --adopt, plan reports them as conflicts).");
    expect(readFileSync(join(out, "shop/project.yaml"), "utf8")).not.toContain("dokploy-gitops/adopt");
  });

  it("refuses a non-empty directory without --force, and writes into it with --force", async () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, "README.md"), "mine\n");
    const refused = await exportTo(["--out", out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--out: "${out}" is not empty (1 entry); export into an empty directory, or pass --force`);
    expect(existsSync(join(out, "shop"))).toBe(false);
    const forced = await exportTo(["--out", out, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, "README.md"), "utf8")).toBe("mine\n");
    expect(existsSync(join(out, "shop/project.yaml"))).toBe(true);
  });

  it("exports one environment with --environment, and keeps --plain-env keys literal", async () => {
    const out = fresh();
    const r = await exportTo(["--out", out, "--environment", "shop/production", "--plain-env", "LOG_*"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, "shop/staging"))).toBe(false);
    expect(readFileSync(join(out, "shop/project.yaml"), "utf8")).toContain("LOG_LEVEL: info");
  });

  it.each([
    [["--project", "nope"], "error: --project nope: no such project\nerror: projects the key can see: legacy, shop"],
    [["--environment", "shop/qa"], "error: --environment shop/qa: no such environment (the project has production, staging)"],
    [["--environment", "shop"], "error: export: --environment: expected PROJECT/ENVIRONMENT such as shop/staging, got \"shop\""],
    [["--plain-env", "A-B"], "error: export: --plain-env: expected a variable name or a glob of one"],
    [["somewhere"], "error: export: export takes no positional arguments (got somewhere); name the directory with --out"],
  ])("refuses %j with a clear message", async (args, message) => {
    const out = fresh();
    const r = await exportTo(["--out", out, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });

  it("says what went wrong, without a stack trace, when it cannot write or cannot read", async () => {
    const blocker = join(root, "a-file");
    writeFileSync(blocker, "");
    const unwritable = await exportTo(["--out", join(blocker, "sub")]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^error: export: cannot write .*a-file\/sub\/\S+: ENOTDIR\n$/);
    const unreachable = await runCliInProcess(["export", "--url", "http://127.0.0.1:1", "--out", fresh()], { DOKPLOY_API_KEY: KEY });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: export: reading http:\/\/127\.0\.0\.1:1 failed: /);
    expect(unreachable.stderr).not.toContain("    at ");
  }, 60_000);

  it("documents every flag in --help", async () => {
    const r = await runCliInProcess(["export", "--help"], {});
    expect(r.code).toBe(0);
    for (const flag of ["--project", "--environment", "--out", "--adopt", "--force", "--plain-env", "--url", "--api-key-file"]) expect(r.stdout).toContain(flag);
  });
});
