/**
 * Journeys of `dokploy-gitops comment --plan-file` as a child process (Node 24
 * running src/main.ts) against fake code hosts on 127.0.0.1. The plan comes
 * from a file, so no Dokploy is involved.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderPlanJson } from "../../../src/plan/render-json.ts";
import { startFakeProvider, type FakeProvider } from "../../helpers/fake-git-providers.ts";
import { application, change, plan, project, realisticPlan, step } from "../../helpers/plan-builders.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TOKEN = "ghp_cli_journey_token_000";
let dir: string;
let fakes: FakeProvider[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dg-comment-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI with only the given environment (never the test runner's CI variables). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/main.ts", "comment", ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: dir, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`comment did not finish within 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function planFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function github(): Promise<FakeProvider> {
  const fake = await startFakeProvider("github", { token: TOKEN });
  fakes.push(fake);
  return fake;
}

const target = (fake: FakeProvider) => ["--provider", "github", "--api-url", fake.apiUrl, "--repo", "acme/infra", "--pr", "12"];

describe("comment --plan-file", () => {
  it("creates the comment, then updates it, with exit codes of plan --detailed-exitcode", async () => {
    const fake = await github();
    const file = planFile("changes.json", renderPlanJson(realisticPlan()));
    const first = await run(["deploy", "--plan-file", file, ...target(fake)], { GITHUB_TOKEN: TOKEN });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^comment: created GitHub comment \d+ on acme\/infra#12/m);
    expect(first.stdout).toContain("Plan: 2 to create, 2 to update");

    const second = await run(["deploy", "--plan-file", file, ...target(fake), "--detailed-exitcode"], { GITHUB_TOKEN: TOKEN });
    expect(second.code).toBe(2);
    expect(second.stdout).toMatch(/^comment: updated GitHub comment \d+/m);
    expect(fake.comments.get(12)).toHaveLength(1);
    expect(fake.comments.get(12)![0]!.body.startsWith("<!-- dokploy-gitops:plan instance=default dir=deploy -->\n### Dokploy plan · `deploy`")).toBe(true);

    const empty = planFile("empty.json", renderPlanJson(plan([step("noop", project("shop"))])));
    const third = await run(["deploy", "--plan-file", empty, ...target(fake), "--detailed-exitcode"], { GITHUB_TOKEN: TOKEN });
    expect(third.code).toBe(0);
    expect(fake.comments.get(12)).toHaveLength(1);
    expect(fake.comments.get(12)![0]!.body).toContain("**No changes.**");
  });

  it("detects GitHub Actions from the environment", async () => {
    const fake = await github();
    const event = planFile("event.json", JSON.stringify({ pull_request: { number: 77, head: { sha: "feedface00" } } }));
    const file = planFile("plan.json", renderPlanJson(realisticPlan()));
    const res = await run(["--plan-file", file], {
      GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/infra", GITHUB_EVENT_PATH: event, GITHUB_API_URL: fake.apiUrl, GITHUB_TOKEN: TOKEN,
    });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(fake.comments.get(77)).toHaveLength(1);
    expect(fake.requests.at(-1)!.path).toBe("/repos/acme/infra/issues/77/comments");
  });

  it("detects Gitea Actions from the environment", async () => {
    const fake = await startFakeProvider("gitea", { token: "gitea-token-123" });
    fakes.push(fake);
    const event = planFile("gitea-event.json", JSON.stringify({ pull_request: { number: 3 } }));
    const res = await run(["deploy", "--plan-file", planFile("g.json", renderPlanJson(realisticPlan()))], {
      GITEA_ACTIONS: "true", GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: fake.origin, GITHUB_REPOSITORY: "acme/infra",
      GITHUB_EVENT_PATH: event, GITEA_TOKEN: "gitea-token-123",
    });
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/^comment: created Gitea comment \d+ on acme\/infra#3/m);
    expect(fake.requests.at(-1)).toMatchObject({ method: "POST", path: "/api/v1/repos/acme/infra/issues/3/comments" });
  });

  it("detects GitLab CI from the environment", async () => {
    const fake = await startFakeProvider("gitlab", { token: "glpat-cli-123" });
    fakes.push(fake);
    const res = await run(["deploy", "--plan-file", planFile("l.json", renderPlanJson(realisticPlan()))], {
      GITLAB_CI: "true", CI_API_V4_URL: fake.apiUrl, CI_PROJECT_ID: "99", CI_MERGE_REQUEST_IID: "8", GITLAB_TOKEN: "glpat-cli-123",
    });
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/^comment: created GitLab comment \d+ on 99!8/m);
    expect(fake.requests.at(-1)).toMatchObject({ method: "POST", path: "/api/v4/projects/99/merge_requests/8/notes" });
    expect(fake.comments.get(8)).toHaveLength(1);
  });

  it("reports a provider's 4xx with status and message, token redacted, exit 1", async () => {
    const fake = await github();
    fake.failNext("POST", 422, { message: `Validation Failed for ${TOKEN}` });
    const file = planFile("p.json", renderPlanJson(realisticPlan()));
    const res = await run(["--plan-file", file, ...target(fake)], { GITHUB_TOKEN: TOKEN });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: comment: GitHub: POST http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/infra\/issues\/12\/comments failed: HTTP 422: Validation Failed for \*\*\*/);
    expect(res.stdout + res.stderr).not.toContain(TOKEN);
  });

  it("never sends a token that slipped into a plan file", async () => {
    const fake = await github();
    const leaky = plan([step("update", application("web"), { changes: [change("/spec/env/GH", "x", TOKEN)] })]);
    const res = await run(["--plan-file", planFile("leaky.json", renderPlanJson(leaky)), ...target(fake)], { GITHUB_TOKEN: TOKEN });
    expect(res.code).toBe(0);
    for (const r of fake.requests) expect(r.body).not.toContain(TOKEN);
    expect(res.stdout).not.toContain(TOKEN);
  });

  it("prints the body and posts nothing with --dry-run (no token needed)", async () => {
    const file = planFile("dry.json", renderPlanJson(realisticPlan()));
    const res = await run(["envs/prod", "--plan-file", file, "--dry-run"]);
    expect(res.code).toBe(0);
    expect(res.stdout.startsWith("<!-- dokploy-gitops:plan instance=default dir=envs/prod -->\n")).toBe(true);
  });

  it.each<[string, string[], Record<string, string>, RegExp]>([
    ["a missing plan file", ["--plan-file", "/nonexistent/plan.json", "--dry-run"], {}, /--plan-file: cannot read \/nonexistent\/plan.json: no such file/],
    ["no token", ["--plan-file", "PLAN", "--provider", "github", "--repo", "a/b", "--pr", "1"], {}, /no github token: set GITHUB_TOKEN/],
    ["no provider outside CI", ["--plan-file", "PLAN"], {}, /cannot tell where to comment/],
    ["an unknown flag", ["--plan-file", "PLAN", "--token", "x"], {}, /comment: unknown flag "--token" \(see dokploy-gitops comment --help\)/],
    ["a mismatched instance", ["--plan-file", "PLAN", "--dry-run", "--instance", "other"], {}, /--instance "other" does not match the plan file's instance "default"/],
  ])("fails clearly on %s", async (_name, args, env, message) => {
    const file = planFile("ok.json", renderPlanJson(realisticPlan()));
    const res = await run(args.map((a) => (a === "PLAN" ? file : a)), env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  it("rejects a plan file of another format version", async () => {
    const file = planFile("v2.json", JSON.stringify({ formatVersion: 2 }));
    const res = await run(["--plan-file", file, "--dry-run"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`error: comment: --plan-file ${file}: /formatVersion: this dokploy-gitops reads format 1, the file has 2`);
  });
});
