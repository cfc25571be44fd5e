/**
 * Builds never hold the reconciler back (issue 13): a new application whose
 * build fails, with two domains. After one pass both domains exist and are
 * recorded in the application's marker, the next plan is empty, /status shows
 * the application Degraded with the deployment's id and error, and later
 * passes do not queue the same failing deploy again; a redeploy asked for by
 * hand does.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDescription } from "../../../src/model/marker.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { tempDir } from "../../helpers/git-repo.ts";

const TOKEN = "failed-build-status-token";
const auth = { authorization: `Bearer ${TOKEN}` };
const WAIT = { timeoutMs: 30_000, intervalMs: 100 };
const APP = "Application/shop/production/web";

const MANIFESTS = `apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: web, project: shop, environment: production }
spec: { source: { type: docker, image: "registry.example.com/web:broken" } }
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: public, project: shop, environment: production, application: web }
spec: { host: shop.example.com }
---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: www, project: shop, environment: production, application: web }
spec: { host: www.shop.example.com }
`;

interface SimApp { applicationId: string; name: string; description: string | null; domains: Array<{ domainId: string; host: string }> }
interface SimCall { endpoint: string }

let dir: string;
let d: SpawnedDaemon;

async function simState(): Promise<SimApp[]> {
  const state = (await (await fetch(`${d.simulatorUrl}/__simulator/state`)).json()) as { projects: Array<{ environments: Array<{ applications: SimApp[] }> }> };
  return state.projects.flatMap((p) => p.environments.flatMap((e) => e.applications));
}

async function deployCalls(): Promise<number> {
  const calls = (await (await fetch(`${d.simulatorUrl}/__simulator/calls`)).json()) as SimCall[];
  return calls.filter((c) => c.endpoint === "application.deploy").length;
}

async function reconcile(query = ""): Promise<void> {
  const res = await fetch(`${d.url}/reconcile${query}`, { method: "POST", headers: auth });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  dir = tempDir("dg-failed-build-");
  const manifests = path.join(dir, "manifests");
  mkdirSync(manifests);
  writeFileSync(path.join(manifests, "shop.yaml"), MANIFESTS);
  // Suspended until the simulator is told which builds fail: the first pass must meet the failing build.
  d = await spawnDaemon(["--simulator", "--suspend", "--listen", "127.0.0.1:0", "--interval", "1h", "--source", manifests, "--work-dir", path.join(dir, "work")], { env: { DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN } });
  const failing = await fetch(`${d.simulatorUrl}/__simulator/fail-deploys`, { method: "POST", body: JSON.stringify({ imagePattern: "*broken*" }), headers: { "content-type": "application/json" } });
  expect(failing.status).toBe(200);
  expect((await fetch(`${d.url}/resume`, { method: "POST", headers: auth })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await d?.stop("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a failing build of a new application with two domains", () => {
  it("configures everything in one pass; the status says Degraded with the deployment's error", async () => {
    await eventually(async () => {
      const s = await d.status(auth);
      const app = s.resources.find((r) => r.key === APP);
      expect(app?.health).toBe("Degraded");
      expect(app?.deployment).toMatchObject({ status: "error", id: expect.any(String) });
    }, WAIT);
    const s = await d.status(auth);
    for (const name of ["public", "www"]) expect(s.resources.find((r) => r.key === `Domain/shop/production/web/${name}`)?.sync).toBe("Synced");
    const [app] = await simState();
    expect(app!.domains.map((x) => x.host).sort()).toEqual(["shop.example.com", "www.shop.example.com"]);
    // The marker is complete: both domains recorded with their ids, nothing dirty.
    const marker = parseDescription(app!.description).marker!;
    expect(marker).toMatchObject({ key: APP, id: app!.applicationId });
    expect(marker.dirty).toBeUndefined();
    expect(Object.fromEntries(Object.entries(marker.domains ?? {}).map(([k, v]) => [k, v.id]))).toEqual(
      Object.fromEntries(app!.domains.map((x) => [x.host === "shop.example.com" ? "public" : "www", x.domainId])),
    );
  });

  it("plans nothing more and does not queue the failing deploy again", async () => {
    const before = await deployCalls();
    expect(before).toBe(1);
    const previous = (await d.status(auth)).lastPass!.reconcileId;
    await reconcile();
    await eventually(async () => {
      const s = await d.status(auth);
      expect(s.lastPass!.reconcileId).not.toBe(previous);
      expect(s.resources.filter((r) => r.action !== "noop").map((r) => r.key)).toEqual([]);
    }, WAIT);
    expect(await deployCalls()).toBe(before);
  });

  it("deploys again when a redeploy is asked for", async () => {
    const before = await deployCalls();
    expect((await fetch(`${d.url}/reconcile?redeploy=not-a-key`, { method: "POST", headers: auth })).status).toBe(400);
    await reconcile(`?redeploy=${encodeURIComponent(APP)}`);
    await eventually(async () => expect(await deployCalls()).toBe(before + 1), WAIT);
  });
});
