/**
 * `/readyz` means ready: the journey of docs/operations.md's promise, with
 * the daemon as a child process against a simulator over HTTP. Started
 * suspended: 503 until resumed and a pass reached Dokploy. A wrong key: 503
 * with the reason, while `/healthz` stays 200. A good key: 200. Dokploy down
 * after a success: still 200, the body saying the daemon is retrying.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorHandle } from "../../../src/simulator/index.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";

/** The controls always need the status token (readiness itself stays open). */
const STATUS_TOKEN = "readyz-status-token";
const CONTROL = { method: "POST", headers: { authorization: `Bearer ${STATUS_TOKEN}` } };
import { eventually } from "../../helpers/eventually.ts";
import { startTestSimulator, TEST_API_KEY } from "../../helpers/simulator.ts";

const root = mkdtempSync(path.join(tmpdir(), "dg-readyz-"));
const manifests = path.join(root, "manifests");
mkdirSync(manifests);
writeFileSync(path.join(manifests, "project.yaml"), "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: readyz }\nspec: { description: readiness journey }\n");

let sim: SimulatorHandle;
const daemons: SpawnedDaemon[] = [];

async function start(name: string, apiKey: string, extra: string[] = []): Promise<SpawnedDaemon> {
  const d = await spawnDaemon(
    ["--source", manifests, "--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", path.join(root, name), "--url", sim.url, ...extra],
    { env: { DOKPLOY_API_KEY: apiKey, DOKPLOY_GITOPS_STATUS_TOKEN: STATUS_TOKEN } },
  );
  daemons.push(d);
  return d;
}

async function readyz(d: SpawnedDaemon): Promise<{ status: number; body: string }> {
  const res = await fetch(`${d.url}/readyz`);
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  for (const d of daemons) await d.stop();
  await sim?.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe("/readyz journey", () => {
  it("suspended: 503 until resumed, then 200 once a pass reached Dokploy; /healthz 200 throughout", async () => {
    const d = await start("suspended", TEST_API_KEY, ["--suspend"]);
    expect(await readyz(d)).toEqual({ status: 503, body: "not ready: suspended before the first reconciliation: POST /resume to start\n" });
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${d.url}/resume`, CONTROL)).status).toBe(200);
    await eventually(async () => expect(await readyz(d)).toEqual({ status: 200, body: "ok\n" }), { timeoutMs: 30_000 });
  });

  it("a wrong key: 503 naming the refused key, never the key itself; liveness unaffected", async () => {
    const wrong = "wrong-key-0123456789";
    const d = await start("wrong-key", wrong);
    const r = await eventually(async () => {
      const answer = await readyz(d);
      expect(answer.body).toMatch(/^not ready: Dokploy refuses the API key/);
      return answer;
    }, { timeoutMs: 30_000 });
    expect(r.status).toBe(503);
    expect(r.body).not.toContain(wrong);
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  });

  it("a good key: 200; Dokploy down after that: still 200, saying it retries", async () => {
    const d = await start("good-key", TEST_API_KEY);
    await eventually(async () => expect(await readyz(d)).toEqual({ status: 200, body: "ok\n" }), { timeoutMs: 30_000 });
    await sim.close();
    expect((await fetch(`${d.url}/reconcile`, CONTROL)).status).toBe(202);
    const r = await eventually(async () => {
      const answer = await readyz(d);
      expect(answer.body).toMatch(/^ok: Dokploy was unreachable on the last pass, retrying/);
      return answer;
    }, { timeoutMs: 30_000 });
    expect(r.status).toBe(200);
    expect((await d.status()).lastPass?.reason).toBe("DokployUnavailable");
  });
});
