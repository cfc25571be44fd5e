/**
 * The assembled daemon (`startDaemon`) with real git repositories, the real
 * HTTP server, the real client and an embedded simulator, but a scripted pass:
 * these tests are about triggers, webhooks and the source, not the engine.
 */
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { startDaemon, type DaemonSettings, type RunningDaemon } from "../../../src/reconcile/daemon.ts";
import type { LoopPassInput } from "../../../src/reconcile/loop.ts";
import type { DaemonStatus } from "../../../src/reconcile/status-store.ts";
import type { PassResult } from "../../../src/reconcile/types.ts";
import { eventually } from "../../helpers/eventually.ts";
import { createTestRepo, tempDir, type TestRepo } from "../../helpers/git-repo.ts";
import { passResult } from "../../helpers/daemon-fakes.ts";

const SECRET = "integration-webhook-secret";

interface Seen {
  revision: string;
  files: string[];
  triggers: string[];
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function settingsFor(source: string, workDir: string, overrides: Partial<DaemonSettings> = {}): DaemonSettings {
  return {
    source,
    sourceKind: "git-remote",
    workDir,
    intervalMs: 3_600_000,
    webhookSecret: SECRET,
    suspend: false,
    listen: { host: "127.0.0.1", port: 0 },
    logLevel: "warn",
    git: {},
    connection: { simulator: true, instance: "default", requestTimeoutMs: 5_000 },
    pass: { instance: "default", mode: "apply", prune: false, allowEmpty: false, maxDeletions: 10, concurrency: 4, deployTimeoutMs: 60_000, waitForDeploys: true },
    ...overrides,
  };
}

async function daemon(
  settings: DaemonSettings,
  script: (input: LoopPassInput) => Promise<PassResult> | PassResult = (input) => passResult({ reconcileId: input.reconcileId, revision: input.revision }),
): Promise<{ d: RunningDaemon; seen: Seen[]; logs: string[] }> {
  const seen: Seen[] = [];
  const logs: string[] = [];
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const d = await startDaemon(settings, {
    io: { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdout, stderr: stdout },
    runPass: async (input) => {
      seen.push({ revision: input.revision, files: readdirSync(input.root).filter((f) => !f.startsWith(".")).sort(), triggers: input.triggers });
      return script(input);
    },
  });
  cleanups.push(() => d.stop());
  return { d, seen, logs };
}

function repo(): TestRepo {
  const r = createTestRepo();
  cleanups.push(r.cleanup);
  return r;
}
function work(): string {
  const dir = tempDir("dg-daemon-");
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let pushes = 0;
/** A signed push, each a distinct delivery (the server answers a replayed one without a pass). */
function githubPush(url: string, ref = "refs/heads/main", secret = SECRET): Promise<Response> {
  const body = JSON.stringify({ ref, delivery: ++pushes });
  const sig = createHmac("sha256", secret).update(body).digest("hex");
  return fetch(`${url}/webhooks/github`, { method: "POST", body, headers: { "x-github-event": "push", "x-hub-signature-256": `sha256=${sig}` } });
}

describe("daemon with a git remote", () => {
  it("reconciles the first commit, then a pushed commit after a signed webhook", async () => {
    const r = repo();
    const first = r.commit({ "manifests/a.yaml": "a\n" });
    const { d, seen } = await daemon(settingsFor(r.url, work(), { path: "manifests" }));
    await eventually(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ revision: first, files: ["a.yaml"], triggers: ["startup"] });

    const second = r.commit({ "manifests/b.yaml": "b\n" });
    const res = await githubPush(d.url);
    expect(res.status).toBe(202);
    // The interval is an hour: only the webhook can have caused this pass.
    await eventually(() => seen.length === 2, { timeoutMs: 5_000 });
    expect(seen[1]).toMatchObject({ revision: second, files: ["a.yaml", "b.yaml"], triggers: ["webhook"] });
    const status = (await (await fetch(`${d.url}/status`)).json()) as DaemonStatus;
    expect(status.revision).toEqual({ applied: second, attempted: second });
    expect(status.source).toEqual({ url: r.url, branch: "main", path: "manifests" });
  });

  it("refuses an unsigned or wrongly signed webhook and runs nothing", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    const { d, seen } = await daemon(settingsFor(r.url, work()));
    await eventually(() => seen.length === 1 && d.loop.idle);
    r.commit({ "b.yaml": "b\n" });
    expect((await fetch(`${d.url}/webhooks/github`, { method: "POST", body: JSON.stringify({ ref: "refs/heads/main" }), headers: { "x-github-event": "push" } })).status).toBe(401);
    expect((await githubPush(d.url, "refs/heads/main", "not-the-secret")).status).toBe(401);
    expect((await githubPush(d.url, "refs/heads/other")).status).toBe(202);
    expect(d.loop.idle).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("coalesces a burst of ten webhooks during a pass into at most one more pass, on the newest commit", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    let release: (() => void) | undefined;
    const { d, seen } = await daemon(settingsFor(r.url, work()), async (input) => {
      if (seen.length === 2) await new Promise<void>((resolve) => (release = resolve));
      return passResult({ reconcileId: input.reconcileId, revision: input.revision });
    });
    await eventually(() => seen.length === 1 && d.loop.idle);
    r.commit({ "b.yaml": "b\n" });
    expect((await githubPush(d.url)).status).toBe(202);
    await eventually(() => release !== undefined); // pass 2 is running and held
    let newest = "";
    for (let i = 0; i < 10; i++) {
      newest = r.commit({ [`c${i}.yaml`]: `${i}\n` });
      expect((await githubPush(d.url)).status).toBe(202);
    }
    release!();
    await eventually(() => d.loop.idle && seen.length >= 3);
    expect(seen).toHaveLength(3);
    expect(seen[2]!.revision).toBe(newest);
  });

  it("gives the heap back after a pass when gc is exposed, but not while another pass waits", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    const g = globalThis as { gc?: unknown };
    const saved = g.gc;
    cleanups.push(() => void (g.gc = saved));
    let begun = 0;
    const releasedAfter: number[] = [];
    g.gc = (options: unknown) => {
      expect(options).toEqual({ type: "major", execution: "sync", flavor: "last-resort" });
      releasedAfter.push(begun);
    };
    let hold: (() => void) | undefined;
    const { d, seen } = await daemon(settingsFor(r.url, work()), async (input) => {
      begun += 1;
      if (begun === 2) await new Promise<void>((resolve) => (hold = resolve));
      return passResult({ reconcileId: input.reconcileId, revision: input.revision });
    });
    await eventually(() => seen.length === 1 && d.loop.idle && releasedAfter.length === 1);
    r.commit({ "b.yaml": "b\n" });
    expect((await githubPush(d.url)).status).toBe(202);
    await eventually(() => hold !== undefined); // pass 2 runs and is held
    expect((await githubPush(d.url)).status).toBe(202); // so pass 3 waits
    hold!();
    await eventually(() => d.loop.idle && seen.length === 3 && releasedAfter.length === 2);
    // After pass 2 another pass was waiting: no collection there; one after pass 3.
    expect(releasedAfter).toEqual([1, 3]);
  });

  it("serves the last pass's failure in /status and keeps running", async () => {
    const r = repo();
    r.commit({ "a.yaml": "a\n" });
    const { d } = await daemon(settingsFor(r.url, work()), (input) =>
      passResult({
        reconcileId: input.reconcileId, revision: input.revision, reason: "ValidationFailed", transient: false, message: "1 error",
        diagnostics: [{ severity: "error", file: "a.yaml", line: 1, column: 1, code: "schema", message: "expected a mapping" }],
      }),
    );
    await eventually(async () => {
      const s = (await (await fetch(`${d.url}/status`)).json()) as DaemonStatus;
      const stalled = s.conditions.find((c) => c.type === "Stalled");
      expect(stalled).toMatchObject({ status: "True", reason: "ValidationFailed" });
      expect(stalled!.message).toContain("a.yaml:1:1");
    });
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  });
});

describe("daemon with a local git checkout", () => {
  it("reads the checkout's HEAD and reconciles a new commit without any trigger from outside", async () => {
    const r = repo();
    const first = r.commit({ "a.yaml": "a\n" });
    const { d, seen } = await daemon(settingsFor(r.work, work(), { sourceKind: "git-local" }));
    await eventually(() => seen.length === 1 && d.loop.idle);
    expect(seen[0]!.revision).toBe(first);
    const second = r.commit({ "b.yaml": "b\n" });
    await eventually(() => seen.length === 2, { timeoutMs: 5_000 });
    expect(seen[1]).toMatchObject({ revision: second, files: ["a.yaml", "b.yaml"], triggers: ["watch"] });
  });
});

describe("daemon with a plain directory", () => {
  it("reconciles an edit within a bounded wait, with no trigger from outside", async () => {
    const dir = work();
    writeFileSync(path.join(dir, "a.yaml"), "one\n");
    const contents: string[] = [];
    const { d, seen } = await daemon(settingsFor(dir, work(), { sourceKind: "dir" }), (input) => {
      contents.push(readFileSync(path.join(input.root, "a.yaml"), "utf8"));
      return passResult({ reconcileId: input.reconcileId, revision: input.revision });
    });
    await eventually(() => seen.length === 1 && d.loop.idle);
    writeFileSync(path.join(dir, "a.yaml"), "two\n");
    await eventually(() => seen.length === 2, { timeoutMs: 5_000 });
    expect(seen[1]!.triggers).toEqual(["watch"]);
    expect(contents).toEqual(["one\n", "two\n"]);
  });
});
