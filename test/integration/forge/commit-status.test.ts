/**
 * Commit statuses from `dokploy-gitops run` (a child process, a real git
 * repository, the embedded simulator) to fake GitHub, Gitea and GitLab APIs
 * on 127.0.0.1: pending then success on a good push, failure on a broken one
 * and on a failed deploy, one context per instance, and a forge that fails
 * costs the pass nothing (the error is counted in the metrics).
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnDaemon, type SpawnedDaemon } from "../../helpers/daemon.ts";
import { eventually } from "../../helpers/eventually.ts";
import { startFakeProvider, type FakeProvider, type FakeProviderKind } from "../../helpers/fake-git-providers.ts";
import { createTestRepo, type TestRepo } from "../../helpers/git-repo.ts";

const TOKEN = "forge-status-token-5d1c";
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

function manifests(image: string): Record<string, string> {
  return {
    "deploy/app.yaml": `apiVersion: dokploy-gitops/v1
kind: Project
metadata: { name: shop }
---
apiVersion: dokploy-gitops/v1
kind: Application
metadata: { name: web, project: shop, environment: production }
spec:
  source: { type: docker, image: "${image}" }
`,
  };
}
const BROKEN = { "deploy/app.yaml": "apiVersion: dokploy-gitops/v1\nkind: Project\nmetadata: { name: shop }\nspec:\n  colour: blue\n" };

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function forge(kind: FakeProviderKind): Promise<FakeProvider> {
  const f = await startFakeProvider(kind, { token: TOKEN });
  cleanups.push(() => f.close());
  return f;
}

function repo(): TestRepo {
  const r = createTestRepo();
  cleanups.push(r.cleanup);
  return r;
}

let n = 0;
async function daemon(r: TestRepo, f: FakeProvider, extra: string[] = []): Promise<SpawnedDaemon> {
  const d = await spawnDaemon([
    "--listen", "127.0.0.1:0", "--interval", "1h", "--simulator", "--work-dir", path.join(r.dir, `daemon-${++n}`),
    "--source", r.url, "--path", "deploy", "--deploy-timeout", "10s", "--public-url", "https://gitops.example.com",
    "--commit-status", "--commit-status-forge", f.kind, "--commit-status-api-url", f.apiUrl, "--commit-status-repo", f.kind === "gitlab" ? "acme/platform/infra" : "acme/infra",
    ...extra,
  ], { env: { DOKPLOY_GITOPS_COMMIT_STATUS_TOKEN: TOKEN, DOKPLOY_GITOPS_STATUS_TOKEN: STATUS_TOKEN } });
  cleanups.push(() => d.stop("SIGKILL"));
  return d;
}

const STATUS_TOKEN = "status-token-for-commit-status-tests";
const reconcile = (d: SpawnedDaemon) => fetch(`${d.url}/reconcile`, { method: "POST", headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
const statesFor = (f: FakeProvider, sha: string) => f.statuses.filter((s) => s.sha === sha).map((s) => s.state);

describe("commit statuses", () => {
  it.each(["github", "gitea", "gitlab"] as const)("%s: pending then success on a good push, failure on a broken one", async (kind) => {
    const f = await forge(kind);
    const r = repo();
    const good = r.commit(manifests("nginx:1.27"));
    const d = await daemon(r, f);
    const failure = kind === "gitlab" ? "failed" : "failure";

    // Pending while reconciling, pending again while its deploy builds (the pass does not wait), then success.
    await eventually(() => expect(statesFor(f, good)).toEqual(["pending", "pending", "success"]), WAIT);
    expect(f.statuses.filter((s) => s.sha === good)[1]!.description).toMatch(/; 1 deploy in progress$/);
    const done = f.statuses.at(-1)!;
    expect(done).toMatchObject({ context: "dokploy-gitops/default", targetUrl: "https://gitops.example.com/", description: "2 created" });
    const path = f.requests.at(-1)!.path;
    expect(path).toBe(kind === "gitlab" ? `/api/v4/projects/acme%2Fplatform%2Finfra/statuses/${good}` : `${kind === "gitea" ? "/api/v1" : ""}/repos/acme/infra/statuses/${good}`);

    const broken = r.commit(BROKEN);
    await reconcile(d);
    await eventually(() => expect(statesFor(f, broken)).toEqual(["pending", failure]), WAIT);
    expect(f.statuses.at(-1)!.description).toMatch(/^ValidationFailed: 1 manifest error: app\.yaml:5:3: Project\/shop: \/spec\/colour: unknown field "colour"/);
    // The same revision again posts nothing new; the next good one does (posts go out in order).
    await reconcile(d);
    await eventually(() => expect(d.logs.filter((l) => String(l.msg).startsWith("reconciliation failed")).length).toBe(2), WAIT);
    const fixed = r.commit(manifests("nginx:1.28"));
    await reconcile(d);
    await eventually(() => expect(statesFor(f, fixed)).toEqual(["pending", "pending", "success"]), WAIT);
    expect(statesFor(f, broken)).toEqual(["pending", failure]);
    expect(f.statuses.at(-1)!.description).toBe("1 updated");
    // The token went only into the auth header.
    for (const req of f.requests) expect(req.body).not.toContain(TOKEN);
    expect(d.logs.map((l) => JSON.stringify(l)).join("\n")).not.toContain(TOKEN);
  }, 60_000);

  it("says which deploy failed", async () => {
    const f = await forge("github");
    const r = repo();
    const good = r.commit(manifests("nginx:1.27"));
    const d = await daemon(r, f);
    await eventually(() => expect(statesFor(f, good)).toEqual(["pending", "pending", "success"]), WAIT);
    await fetch(`${d.simulatorUrl}/__simulator/fail-deploys`, { method: "POST", body: JSON.stringify({ imagePattern: "*broken*" }), headers: { "content-type": "application/json" } });
    const bad = r.commit(manifests("nginx:broken"));
    await reconcile(d);
    await eventually(() => expect(statesFor(f, bad)).toEqual(["pending", "pending", "failure"]), WAIT);
    expect(f.statuses.at(-1)!.description).toBe("1 deploy failed: web");
  }, 60_000);

  it("keeps one context per instance, and a failing forge costs the pass nothing but a counted error", async () => {
    const f = await forge("github");
    const r = repo();
    const sha = r.commit(manifests("nginx:1.27"));
    const a = await daemon(r, f, ["--instance", "alpha"]);
    const b = await daemon(r, f, ["--instance", "beta"]);
    await eventually(() => {
      const contexts = f.statuses.filter((s) => s.sha === sha && s.state === "success").map((s) => s.context).sort();
      expect(contexts).toEqual(["dokploy-gitops/alpha", "dokploy-gitops/beta"]);
    }, WAIT);
    await a.stop();
    await b.stop();

    f.failNext("POST", 502, { message: "Bad gateway" }, 1_000);
    const down = await daemon(r, f, ["--instance", "gamma"]);
    await eventually(async () => expect((await down.status()).revision.applied).toBe(sha), WAIT);
    expect((await down.status()).lastPass).toMatchObject({ outcome: "succeeded" });
    await eventually(async () => {
      const metrics = await (await fetch(`${down.url}/metrics`)).text();
      expect(metrics).toMatch(/dokploy_gitops_commit_status_total\{forge="github",result="failed"\} 2/);
    }, WAIT);
    const warning = down.logs.find((l) => String(l.msg).startsWith("commit status for"));
    expect(String(warning?.msg)).toContain("HTTP 502: Bad gateway");
  }, 60_000);
});
