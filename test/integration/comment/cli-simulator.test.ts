/**
 * Journeys of `dokploy-gitops comment DIR` computing the plan against the
 * Dokploy simulator (child process, real HTTP on 127.0.0.1) and posting to a
 * fake GitHub. The simulator's call log proves the command reads only.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../../src/simulator/index.ts";
import { isWriteEndpoint } from "../../../src/dokploy/port.ts";
import { startFakeProvider, type FakeProvider } from "../../helpers/fake-git-providers.ts";
import { LEGACY_BUILDS } from "../../helpers/simulator.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TOKEN = "ghp_simulator_journey_token";
const CANARY = "canary-db-password-7f3e9a";

const PROJECT = `apiVersion: dokploy-gitops/v1
kind: Project
metadata:
  name: shop
spec:
  description: The shop
`;
const APP = `apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: web
  project: shop
  environment: production
spec:
  source:
    type: docker
    image: nginx:1.27
  env:
    LOG_LEVEL: info
    DB_PASSWORD:
      fromEnv: SHOP_DB_PASSWORD
`;
const BROKEN = `apiVersion: dokploy-gitops/v1
kind: Application
metadata:
  name: api
  project: shop
  environment: production
spec:
  replicas: two
`;

let tmp: string;
let sim: SimulatorHandle;
let fake: FakeProvider;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "dg-comment-sim-"));
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

function manifests(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/main.ts", "comment", ...args, "--url", sim.url, "--provider", "github", "--api-url", fake.apiUrl, "--repo", "acme/infra", "--pr", "4"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: tmp, NO_COLOR: "1", DOKPLOY_API_KEY: sim.apiKey, GITHUB_TOKEN: TOKEN, SHOP_DB_PASSWORD: CANARY },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`comment did not finish within 25 s; stderr: ${stderr}`));
    }, 25_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("comment DIR against the simulator", () => {
  it("posts the plan, then updates it, calling only read endpoints of Dokploy", async () => {
    const dir = manifests("ok", { "project.yaml": PROJECT, "web.yaml": APP });
    const first = await run([dir, "--detailed-exitcode", "--revision", "0123456789abcdef"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(2);
    const body = fake.comments.get(4)![0]!.body;
    expect(body).toContain("**2 to create");
    expect(body).toContain("revision `0123456`");
    expect(body).toContain("`application/shop/production/web`");

    const second = await run([dir]);
    expect(second.code).toBe(0);
    expect(fake.comments.get(4)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method !== "GET").map((r) => r.method)).toEqual(["POST", "PATCH"]);

    const calls = sim.control.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.method !== "GET" || isWriteEndpoint(c.endpoint))).toEqual([]);
  });

  it("plans against the embedded simulator with --simulator", async () => {
    const dir = manifests("embedded", { "project.yaml": PROJECT, "web.yaml": APP });
    const res = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["src/main.ts", "comment", dir, "--simulator", "--dry-run"], {
        cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: tmp, SHOP_DB_PASSWORD: CANARY }, stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error("comment --simulator did not finish within 25 s"));
      }, 25_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout });
      });
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^<!-- dokploy-gitops:plan instance=default dir=\S+ -->\n### Dokploy plan/);
    expect(res.stdout).toContain("! /spec/env/DB_PASSWORD: (secret set)");
    expect(res.stdout).not.toContain(CANARY);
  });

  it("never sends a resolved secret value to the code host", async () => {
    const dir = manifests("secret", { "project.yaml": PROJECT, "web.yaml": APP });
    const res = await run([dir]);
    expect(res.code).toBe(0);
    for (const r of fake.requests) expect(r.body).not.toContain(CANARY);
    expect(res.stdout + res.stderr).not.toContain(CANARY);
  });

  it("posts validation problems with file:line and exits 1 without calling Dokploy", async () => {
    const dir = manifests("broken", { "project.yaml": PROJECT, "api.yaml": BROKEN });
    const res = await run([dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/the manifests under .* are invalid/);
    const body = fake.comments.get(4)![0]!.body;
    expect(body).toContain("### ❌ Dokploy plan");
    expect(body).toMatch(/`[^`]*api\.yaml:\d+:\d+`/);
    expect(sim.control.calls().filter((c) => c.method !== "GET")).toEqual([]);
  });
});
