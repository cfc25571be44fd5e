/**
 * `dokploy-gitops doctor` against the simulator over HTTP: each question of
 * a first run answered on its own line, the exit code saying whether the
 * tool can work, and the key never printed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_FOR_DOKPLOY, accessFinding, versionFinding } from "../../../src/cli/doctor-checks.ts";
import { DOKPLOY_VERSION, type SimulatorHandle } from "../../../src/simulator/index.ts";
import { runCliInProcess, type InProcessResult } from "../../helpers/cli.ts";
import { startTestSimulator, TEST_API_KEY } from "../../helpers/simulator.ts";

function doctor(argv: string[], env: NodeJS.ProcessEnv): Promise<InProcessResult> {
  return runCliInProcess(["doctor", ...argv], env);
}

let sim: SimulatorHandle;
let other: Server;
let otherUrl: string;
beforeAll(async () => {
  sim = await startTestSimulator();
  other = createServer((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("<h1>Not Found</h1>"));
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim?.close();
  await new Promise((resolve) => other?.close(resolve));
});

describe("doctor", () => {
  it("is built for the Dokploy version the simulator reproduces", () => {
    expect(BUILT_FOR_DOKPLOY).toBe(DOKPLOY_VERSION);
  });

  it("a good key: four ok lines, exit 0", async () => {
    const r = await doctor([], { DOKPLOY_URL: sim.url, DOKPLOY_API_KEY: TEST_API_KEY });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 4).map((l) => l.slice(0, 15))).toEqual(["ok    url      ", "ok    key      ", "ok    version  ", "ok    access   "]);
    expect(r.stdout).toContain(`the key from DOKPLOY_API_KEY is accepted`);
    expect(r.stdout).toContain(`Dokploy ${BUILT_FOR_DOKPLOY}, the version this tool is built for`);
    expect(r.stdout).not.toContain(TEST_API_KEY);
  });

  it("a refused key: names where the key came from and every reason Dokploy hides behind 401, never the key", async () => {
    const wrong = "wrong-key-abcdef";
    const r = await doctor(["-o", "json"], { DOKPLOY_URL: sim.url, DOKPLOY_API_TOKEN: wrong });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout) as { ok: boolean; findings: Array<{ check: string; status: string; message: string }> };
    expect(body.ok).toBe(false);
    expect(body.findings.map((f) => [f.check, f.status])).toEqual([["url", "ok"], ["key", "fail"], ["version", "skipped"], ["access", "skipped"]]);
    expect(body.findings[1]!.message).toMatch(/^Dokploy refuses the key from DOKPLOY_API_TOKEN \(401\): it is unknown, expired or disabled, or its rate limit is used up/);
    expect(r.stdout).not.toContain(wrong);
  });

  it("nothing listening, or not a Dokploy: the URL line says which", async () => {
    const closed = await startTestSimulator();
    const url = closed.url;
    await closed.close();
    const down = await doctor([], { DOKPLOY_URL: url, DOKPLOY_API_KEY: TEST_API_KEY });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(new RegExp(`^FAIL  url      cannot reach ${url}: connection refused \\(ECONNREFUSED\\)\\n`));
    const notDokploy = await doctor(["--url", `${otherUrl}/api`], { DOKPLOY_API_KEY: TEST_API_KEY });
    expect(notDokploy.stdout).toMatch(/^FAIL {2}url {6}.* answers, but not as Dokploy: \/api\/health gave 404 \(give the base URL, without \/api\)/);
  });

  it("runs against the embedded simulator", async () => {
    const r = await doctor(["--simulator"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("doctor: ready to plan and apply");
  });
});

describe("doctor's classifications", () => {
  it("a different Dokploy version is a warning, not a failure", () => {
    expect(versionFinding("v0.31.0")).toEqual({ check: "version", status: "warn", message: `Dokploy v0.31.0; this tool is built for ${BUILT_FOR_DOKPLOY}: its API may differ, so review a plan before the first apply` });
  });

  it.each([
    ["a member without write permissions", { project: { create: false, delete: false }, service: { create: false, read: true, delete: false }, deployment: { read: true, create: false } }, /^read-only: enough for validate, plan and comment/],
    ["a member who may deploy", { service: { read: true, create: false }, deployment: { create: true } }, /^may write some things \(deployment\.create\): apply fails on the rest/],
    ["an unexpected answer", null, /^read-only/],
  ])("%s", (_name, permissions, message) => {
    expect(accessFinding(permissions).message).toMatch(message);
  });
});
