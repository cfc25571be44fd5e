/**
 * Webhook abuse against the daemon (a child process following a git remote
 * in a temp dir, Dokploy simulated in process): bad, missing and malformed
 * signatures on every provider, a correctly signed body replayed for another
 * branch, an oversized body, and a flood of 1,000 requests (bounded
 * concurrency, loopback) mixing all of them. Nothing that should not trigger
 * a pass does (passes counted by `project.all` calls at the simulator: every
 * pass reads it exactly once), the valid pushes of the flood coalesce into a
 * few passes, and the daemon keeps answering `/healthz` throughout.
 */
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFleet } from "../../bench/lib/fleet.ts";
import type { SimulatorHandle } from "../../src/simulator/index.ts";
import { spawnDaemon, type SpawnedDaemon } from "../helpers/daemon.ts";
import { delay, eventually } from "../helpers/eventually.ts";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.ts";
import { startTestSimulator } from "../helpers/simulator.ts";
import { CANARY, CANARY_ENV, CanaryScan } from "./support.ts";

const scan = new CanaryScan();
let sim: SimulatorHandle;
let repo: TestRepo;
let d: SpawnedDaemon;

const passes = (): number => sim.control.calls().filter((c) => c.endpoint === "project.all").length;
const sign = (body: string, secret: string = CANARY.webhookSecret): string => createHmac("sha256", secret).update(body).digest("hex");

type Delivery = { provider: "github" | "gitea" | "gitlab"; body: string; headers: Record<string, string> };

function github(body: string, signature: string | undefined): Delivery {
  return { provider: "github", body, headers: { "x-github-event": "push", "content-type": "application/json", ...(signature !== undefined ? { "x-hub-signature-256": signature } : {}) } };
}

async function send(x: Delivery): Promise<number> {
  const res = await fetch(`${d.url}/webhooks/${x.provider}`, { method: "POST", body: x.body, headers: x.headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  scan.add(`webhook answer ${res.status}`, text);
  return res.status;
}

/** Waits until the daemon is idle: no pass running, and none started for a while (bounded). */
async function settled(): Promise<number> {
  let last = -1;
  return eventually(async () => {
    const s = await d.status();
    scan.add("status", s);
    // A pass counts when its project.all answer is logged: while one runs, its count may still be coming.
    const reconciling = s.conditions.some((c) => c.type === "Reconciling" && c.status === "True");
    const now = passes();
    if (reconciling || now !== last) {
      last = now;
      throw new Error("passes still changing");
    }
    return now;
  }, { timeoutMs: 30_000, intervalMs: 400 });
}

/** The least a pass takes while the flood runs. */
const PASS_FLOOR_MS = 1000;

const PUSH_MAIN = JSON.stringify({ ref: "refs/heads/main" });
const PUSH_OTHER = JSON.stringify({ ref: "refs/heads/feature-x" });

const ABUSE: Array<[string, Delivery]> = [
  ["github: wrong secret", github(PUSH_MAIN, `sha256=${sign(PUSH_MAIN, "not-the-secret")}`)],
  ["github: no signature", github(PUSH_MAIN, undefined)],
  ["github: malformed signature", github(PUSH_MAIN, "sha1=deadbeef")],
  ["github: signature of another body", github(PUSH_MAIN, `sha256=${sign(PUSH_OTHER)}`)],
  ["gitea: wrong secret", { provider: "gitea", body: PUSH_MAIN, headers: { "x-gitea-event": "push", "x-gitea-signature": sign(PUSH_MAIN, "nope") } }],
  ["gitlab: wrong token", { provider: "gitlab", body: PUSH_MAIN, headers: { "x-gitlab-event": "Push Hook", "x-gitlab-token": "nope" } }],
];

beforeAll(async () => {
  sim = await startTestSimulator({ apiKey: CANARY.apiKey, deployDurationMs: 5 });
  repo = createTestRepo();
  await writeFleet(repo.work, { projects: 1, appsPerEnvironment: 1, secretFromEnv: CANARY_ENV });
  const sha = repo.commit({}, "fleet");
  d = await spawnDaemon(
    ["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", path.join(repo.dir, "daemon"), "--source", repo.url, "--url", sim.url, "--deploy-timeout", "20s"],
    { env: { DOKPLOY_API_KEY: CANARY.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: CANARY.webhookSecret, GIT_TOKEN: CANARY.gitToken, [CANARY_ENV]: CANARY.fromEnv } },
  );
  await eventually(async () => (await d.status()).revision.applied === sha, { timeoutMs: 60_000, intervalMs: 100 });
  // The daemon follows the deploys it queued with later passes until it sees them end (Healthy); from then on
  // only a trigger starts a pass, which is what the cases below count.
  await eventually(async () => {
    const s = await d.status();
    expect(s.resources.filter((r) => r.kind === "Application").every((r) => r.health === "Healthy")).toBe(true);
  }, { timeoutMs: 60_000, intervalMs: 100 });
}, 120_000);

afterAll(async () => {
  if (d) {
    for (const l of d.logs) scan.add("daemon log", l);
    scan.add("daemon stderr", d.stderr.join(""));
    await d.stop("SIGTERM");
  }
  await sim?.close();
  repo?.cleanup();
  scan.expectClean();
});

describe("reliability: webhook abuse", () => {
  it.each(ABUSE)("%s: refused, no pass", async (_name, delivery) => {
    const before = await settled();
    const status = await send(delivery);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await delay(300); // give a wrongly triggered pass time to show (not an assertion)
    expect(await settled()).toBe(before);
  });

  it("a correctly signed push for another branch is acknowledged and ignored", async () => {
    const before = await settled();
    const status = await send(github(PUSH_OTHER, `sha256=${sign(PUSH_OTHER)}`));
    expect(status).toBeLessThan(300);
    await delay(300);
    expect(await settled()).toBe(before);
  });

  it("an oversized body is refused without a pass, and the daemon still serves", async () => {
    const before = await settled();
    const big = JSON.stringify({ ref: "refs/heads/main", padding: "x".repeat(8 * 1024 * 1024) });
    let status: number;
    try {
      status = await send(github(big, `sha256=${sign(big)}`));
    } catch {
      status = 413; // the server may close the connection mid-upload; that is a refusal too
    }
    expect(status).toBe(413);
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
    expect(await settled()).toBe(before);
  });

  it("a flood of 1,000 requests: invalid ones trigger nothing, valid pushes coalesce, /healthz answers throughout", { timeout: 120_000 }, async () => {
    const before = await settled();
    const kinds = [...ABUSE.map(([, x]) => x), github(PUSH_OTHER, `sha256=${sign(PUSH_OTHER)}`)];
    const valid = github(PUSH_MAIN, `sha256=${sign(PUSH_MAIN)}`);
    const statuses = new Map<number, number>();
    let next = 0;
    const health: Array<number | string> = [];
    const worker = async (): Promise<void> => {
      while (next < 1000) {
        const i = next++;
        // Every 100th request is a valid push to the followed branch: 10 valid in the flood.
        const status = await send(i % 100 === 99 ? valid : kinds[i % kinds.length]!).catch(() => -1);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (i % 50 === 0) health.push(await fetch(`${d.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, (e: Error) => `${e.message} ${String((e as { cause?: unknown }).cause)}`));
      }
    };
    // Every pass takes over a second during the flood (its first read is slowed), so
    // coalescing is visible whatever this machine's speed: the ten valid pushes can
    // start at most one pass per second of flood, plus the one pending at its end.
    sim.control.setFaults([{ route: "project.all", latencyMs: PASS_FLOOR_MS }]);
    const flooding = Date.now();
    await Promise.all(Array.from({ length: 25 }, worker));
    const floodMs = Date.now() - flooding;
    sim.control.clearFaults();
    expect(statuses.get(-1) ?? 0).toBe(0);
    expect(health).toEqual(Array.from({ length: 20 }, () => 200));
    const after = await settled();
    expect(after - before).toBeGreaterThanOrEqual(1);
    expect(after - before).toBeLessThanOrEqual(Math.min(10, Math.ceil(floodMs / PASS_FLOOR_MS) + 1));
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
    const s = await d.status();
    expect(s.lastPass?.outcome).toBe("succeeded");
  });
});
