/**
 * Bad input: every file of the invalid-manifest corpus
 * (test/fixtures/manifests/invalid/, loaded with base.yaml as in
 * test/unit/manifest/invalid-corpus.test.ts, which pins each exact
 * FILE:LINE:COLUMN) goes through `plan` and `apply` (in process, against a
 * simulator) and through the daemon (a child process following a git remote).
 * Each time: a clear error naming the file with line and column, no API call
 * at all from plan/apply, no write from the daemon, which keeps the last good
 * state.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import type { SimulatorHandle } from "../../src/simulator/index.ts";
import { spawnDaemon, type SpawnedDaemon } from "../helpers/daemon.ts";
import { eventually } from "../helpers/eventually.ts";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.ts";
import { startTestSimulator } from "../helpers/simulator.ts";
import { CANARY, CANARY_ENV, CanaryScan, writesToAny } from "./support.ts";

const FIXTURES = path.join(import.meta.dirname, "../fixtures/manifests");
const BASE = readFileSync(path.join(FIXTURES, "base.yaml"), "utf8");
const CORPUS = readdirSync(path.join(FIXTURES, "invalid")).filter((f) => f.endsWith(".yaml")).sort();

const scan = new CanaryScan();
const root = mkdtempSync(path.join(tmpdir(), "dg-reliability-bad-"));
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startTestSimulator({ apiKey: CANARY.apiKey });
});
afterAll(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
  scan.expectClean();
});

/** A manifest directory holding base.yaml and one corpus file. */
function caseDir(file: string): string {
  const dir = path.join(root, file.replace(/\.yaml$/, ""));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "base.yaml"), BASE);
  writeFileSync(path.join(dir, file), readFileSync(path.join(FIXTURES, "invalid", file), "utf8"));
  return dir;
}

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  stdout.on("data", (b: Buffer) => (out += b.toString()));
  stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await runCli(argv, { env: { DOKPLOY_API_KEY: CANARY.apiKey, [CANARY_ENV]: CANARY.fromEnv }, stdout, stderr });
  return { code, out };
}

/** The error must point into the corpus file (or base.yaml for cross-document rules) with line and column. */
const located = (file: string): RegExp => new RegExp(`(${file.replace(/[.]/g, "\\.")}|base\\.yaml):\\d+:\\d+`);

describe(`reliability: the invalid-manifest corpus (${CORPUS.length} files) through plan, apply and the daemon`, () => {
  it("the corpus is there", () => {
    expect(CORPUS.length).toBeGreaterThan(40);
  });

  it.each(CORPUS)("%s: plan and apply fail with a located error and make no API call", async (file) => {
    const dir = caseDir(file);
    sim.control.resetCalls();
    for (const command of ["plan", "apply"]) {
      const r = await cli([command, dir, "--url", sim.url]);
      scan.add(`${command} ${file}`, r.out);
      expect(r.code, r.out).not.toBe(0);
      expect(r.code, r.out).not.toBe(2); // 2 means "changes pending", not "invalid"
      expect(r.out).toMatch(located(file));
    }
    expect(sim.control.calls()).toEqual([]);
  });

  describe("the daemon", () => {
    let repo: TestRepo;
    let d: SpawnedDaemon;
    let good: string;

    beforeAll(async () => {
      repo = createTestRepo();
      good = repo.commit({ "deploy/base.yaml": BASE }, "base");
      d = await spawnDaemon(
        ["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", path.join(repo.dir, "daemon"), "--source", repo.url, "--path", "deploy", "--url", sim.url, "--deploy-timeout", "20s"],
        { env: { DOKPLOY_API_KEY: CANARY.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: CANARY.webhookSecret, DOKPLOY_GITOPS_STATUS_TOKEN: CANARY.statusToken } },
      );
      await eventually(async () => (await d.status()).revision.applied === good, { timeoutMs: 60_000, intervalMs: 100 });
    }, 90_000);

    afterAll(async () => {
      if (d) {
        for (const l of d.logs) scan.add("daemon log", l);
        scan.add("daemon stderr", d.stderr.join(""));
        await d.stop("SIGTERM");
      }
      repo?.cleanup();
    });

    it("refuses every corpus commit with a located error, writes nothing, keeps the last good revision", { timeout: 300_000 }, async () => {
      const managed = new Set(sim.control.state().projects.flatMap((p) => [p.projectId, ...p.environments.map((e) => e.environmentId)]));
      sim.control.resetCalls();
      let previous = "";
      for (const file of CORPUS) {
        const files: Record<string, string | null> = { [`deploy/${file}`]: readFileSync(path.join(FIXTURES, "invalid", file), "utf8") };
        if (previous) files[`deploy/${previous}`] = null;
        const sha = repo.commit(files, `bad: ${file}`);
        previous = file;
        const res = await fetch(`${d.url}/reconcile`, { method: "POST", headers: { authorization: `Bearer ${CANARY.statusToken}` } });
        expect(res.status).toBeLessThan(300);
        const s = await eventually(async () => {
          const st = await d.status();
          expect(st.revision.attempted).toBe(sha);
          expect(st.lastPass?.revision).toBe(sha);
          return st;
        }, { timeoutMs: 30_000, intervalMs: 50 });
        scan.add(`status ${file}`, s);
        expect(s.lastPass?.reason, file).toBe("ValidationFailed");
        expect(s.lastPass?.message, file).toMatch(located(file));
        expect(s.revision.applied).toBe(good);
      }
      const calls = sim.control.calls();
      expect(calls.filter((c) => c.method !== "GET")).toEqual([]);
      expect(writesToAny(calls, managed)).toEqual([]);
    });
  });
});
