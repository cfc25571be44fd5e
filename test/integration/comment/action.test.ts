/**
 * The composite action's script (action.yml, step "Post the plan") run by
 * bash as GitHub would run it, from this checkout, against the simulator and
 * a fake GitHub: proves the inputs reach the CLI and the outputs and exit
 * codes are what the action documents.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../../src/simulator/index.ts";
import { startFakeProvider, type FakeProvider } from "../../helpers/fake-git-providers.ts";
import { LEGACY_BUILDS } from "../../helpers/simulator.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TOKEN = "ghs_action_journey_token";

interface ActionStep { name?: string; id?: string; run?: string; env?: Record<string, string> }
const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: ActionStep[] };
};
const postStep = action.runs.steps.find((s) => s.id === "comment")!;

let tmp: string;
let sim: SimulatorHandle;
let fake: FakeProvider;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "dg-action-"));
  writeFileSync(join(tmp, "project.yaml"), "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata:\n  name: shop\nspec: {}\n");
  writeFileSync(join(tmp, "event.json"), JSON.stringify({ pull_request: { number: 21, head: { sha: "c0ffee0000" } } }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  sim = await startSimulator(LEGACY_BUILDS);
  fake = await startFakeProvider("github", { token: TOKEN });
});
afterEach(async () => {
  await fake.close();
  await sim.close();
});

function runStep(inputs: Record<string, string>): Promise<{ code: number | null; output: Record<string, string>; stderr: string }> {
  const outputFile = join(tmp, `output-${Date.now()}-${Math.random()}`);
  writeFileSync(outputFile, "");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-e", "-c", postStep.run!], {
      cwd: ROOT,
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        HOME: tmp,
        GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/infra", GITHUB_EVENT_PATH: join(tmp, "event.json"),
        GITHUB_API_URL: fake.apiUrl, GITHUB_OUTPUT: outputFile,
        DOKPLOY_URL: sim.url, DOKPLOY_API_KEY: sim.apiKey, GITHUB_TOKEN: TOKEN, ACTION_PATH: ROOT,
        INPUT_DIRECTORY: tmp, INPUT_INSTANCE: "default", INPUT_VERSION: "", INPUT_PRUNE: "false", INPUT_DETAILED_EXITCODE: "false",
        ...inputs,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`action step did not finish within 25 s; stderr: ${stderr}`));
    }, 25_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const output = Object.fromEntries(readFileSync(outputFile, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split("=", 2) as [string, string]));
      resolve({ code, output, stderr });
    });
  });
}

describe("action.yml", () => {
  it("is a composite action with the documented inputs", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["directory", "dokploy-url", "dokploy-api-key", "instance", "github-token"]));
    expect(action.inputs["github-token"]!.default).toBe("${{ github.token }}");
    for (const v of ["DOKPLOY_URL", "DOKPLOY_API_KEY", "GITHUB_TOKEN", "INPUT_DIRECTORY"]) expect(postStep.env).toHaveProperty(v);
  });

  it("posts the comment and succeeds on changes, reporting them in its outputs", async () => {
    const res = await runStep({});
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.output).toEqual({ "exit-code": "2", "has-changes": "true" });
    expect(fake.comments.get(21)).toHaveLength(1);
    expect(sim.control.calls().every((c) => c.method === "GET")).toBe(true);
  });

  it("fails the step on changes when detailed-exitcode is true", async () => {
    const res = await runStep({ INPUT_DETAILED_EXITCODE: "true" });
    expect(res.code).toBe(2);
  });

  it("fails the step when posting fails", async () => {
    const res = await runStep({ GITHUB_TOKEN: "not-the-token" });
    expect(res.code).toBe(1);
    expect(res.output["exit-code"]).toBe("1");
    expect(res.stderr).toContain("HTTP 401: Bad credentials");
  });
});
