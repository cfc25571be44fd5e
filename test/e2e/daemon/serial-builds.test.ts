/**
 * Builds never hold the reconciler back (issue 13), against a simulator that
 * builds as a Dokploy server does: one deploy at a time, 20 seconds each.
 * Commit A changes four applications (four deploys, queued one behind the
 * other: 80 s of builds); commit B, pushed 2 seconds later, changes only a
 * domain's host. B's change must be live while A's builds are still running
 * (it does not wait for them), and each application must be deployed exactly
 * once for A (B changes nothing that deploys). The latency itself is a
 * benchmark figure (bench/builds.ts), not an assertion here.
 */
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../../../src/simulator/index.ts";
import type { SimulatorHandle } from "../../../src/simulator/types.ts";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { createTestRepo, type TestRepo } from "../../helpers/git-repo.ts";

const SECRET = "serial-builds-webhook-secret";
const TOKEN = "serial-builds-status-token";
const APPS = ["a1", "a2", "a3", "a4"];

function manifests(version: string, host: string): Record<string, string> {
  const apps = APPS.map((a) => `---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: ${a}, project: shop, environment: production }
spec:
  source: { type: docker, image: "nginx:1.27" }
  env: { VERSION: "${version}" }
`).join("");
  return {
    "deploy/shop.yaml": `apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
${apps}---
apiVersion: dokploy-gitops/v1
kind: Domain
metadata: { name: public, project: shop, environment: production, application: a1 }
spec: { host: ${host} }
`,
  };
}

let sim: SimulatorHandle;
let repo: TestRepo;
let d: SpawnedDaemon;
let deliveries = 0;

function push(): Promise<Response> {
  const body = JSON.stringify({ ref: "refs/heads/main", delivery: `serial-${++deliveries}` });
  const sig = createHmac("sha256", SECRET).update(body).digest("hex");
  return fetch(`${d.url}/webhooks/github`, { method: "POST", body, headers: { "x-github-event": "push", "x-hub-signature-256": `sha256=${sig}` } });
}

function hosts(): string[] {
  return sim.control.state().projects.flatMap((p) => p.environments.flatMap((e) => e.applications.flatMap((a) => a.domains.map((x) => x.host))));
}

const deploysOf = (name: string): number => {
  const ids = new Set(sim.control.state().projects.flatMap((p) => p.environments.flatMap((e) => e.applications.filter((a) => a.name === name).map((a) => a.applicationId))));
  return sim.control.calls().filter((c) => c.endpoint === "application.deploy" && ids.has(String((c.body as { applicationId?: string } | undefined)?.applicationId))).length;
};

beforeAll(async () => {
  // Converged first with quick builds; then builds become a real server's: serial, 20 s.
  sim = await startSimulator({ deployDurationMs: 50, buildsConcurrency: 1 });
  repo = createTestRepo();
  repo.commit(manifests("0", "shop.example.com"));
  d = await spawnDaemon(["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", path.join(repo.dir, "work"), "--source", repo.url, "--path", "deploy", "--url", sim.url], {
    env: { DOKPLOY_API_KEY: sim.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: SECRET, DOKPLOY_GITOPS_STATUS_TOKEN: TOKEN },
  });
  await eventually(async () => {
    const s = await d.status({ authorization: `Bearer ${TOKEN}` });
    expect(s.resources.filter((r) => r.kind === "Application").map((r) => r.health)).toEqual(["Healthy", "Healthy", "Healthy", "Healthy"]);
  }, { timeoutMs: 30_000, intervalMs: 100 });
  sim.control.setBuilds({ deployDurationMs: 20_000, buildsConcurrency: 1 });
  sim.control.resetCalls();
}, 60_000);

afterAll(async () => {
  await d?.stop("SIGKILL");
  await sim?.close();
  repo?.cleanup();
});

describe("a domain change pushed while four 20-second builds wait in Dokploy's queue", () => {
  it("is live while the builds still run, and each application deploys once for the commit that changed it", async () => {
    repo.commit(manifests("1", "shop.example.com"));
    expect((await push()).status).toBe(202);
    await eventually(() => expect(APPS.map(deploysOf)).toEqual([1, 1, 1, 1]), { timeoutMs: 10_000, intervalMs: 50 });

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    repo.commit(manifests("1", "www.shop.example.com"));
    const pushed = performance.now();
    expect((await push()).status).toBe(202);
    await eventually(() => expect(hosts()).toEqual(["www.shop.example.com"]), { timeoutMs: 15_000, intervalMs: 20 });
    console.log(`domain change live ${Math.round(performance.now() - pushed)} ms after its webhook`);
    // A's builds (20 s each, one at a time) are still running: the change did not wait for them.
    const apps = sim.control.state().projects.flatMap((p) => p.environments.flatMap((e) => e.applications));
    expect(apps.some((a) => a.applicationStatus === "running")).toBe(true);

    // Builds still run one by one behind; B changed nothing that deploys: no application is queued twice.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(APPS.map(deploysOf)).toEqual([1, 1, 1, 1]);
  }, 30_000);
});
