/**
 * Secrets: the canaries (API key, a `fromEnv` value, the webhook secret, a
 * git token) are planted in every run of the reliability suite, and every
 * suite file scans what it captured (logs, status bodies, results, error
 * messages) for them in its afterAll. This file covers the outputs the others
 * do not produce: plan text/Markdown/JSON with a secret that changed, apply
 * output including a Dokploy error in the middle of writing a secret, PR
 * comments (bodies and every request the code host received), and a daemon
 * whose https git source (token in hand) is unreachable, with its /status,
 * /metrics and logs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { writeFleet } from "../../bench/lib/fleet.ts";
import { runCli } from "../../src/cli/index.ts";
import { spawnDaemon } from "../helpers/daemon.ts";
import { eventually } from "../helpers/eventually.ts";
import { startFakeProvider } from "../helpers/fake-git-providers.ts";
import { startTestSimulator } from "../helpers/simulator.ts";
import { CANARY, CANARY_ENV, CanaryScan } from "./support.ts";

const scan = new CanaryScan();
const root = mkdtempSync(path.join(tmpdir(), "dg-reliability-secrets-"));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  scan.expectClean();
});

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  stdout.on("data", (b: Buffer) => (out += b.toString()));
  stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await runCli(argv, { env, stdout, stderr });
  scan.add(`cli ${argv[0]}`, out);
  return { code, out };
}

describe("reliability: canary secrets never leave the process", () => {
  it("plan (text, markdown, json), apply with a failing secret write, and comment bodies carry no canary", { timeout: 120_000 }, async () => {
    const sim = await startTestSimulator({ apiKey: CANARY.apiKey });
    const github = await startFakeProvider("github", { token: CANARY.gitToken });
    try {
      const dir = path.join(root, "fleet");
      await writeFleet(dir, { projects: 1, appsPerEnvironment: 5, secretFromEnv: CANARY_ENV });
      const env = { DOKPLOY_API_KEY: CANARY.apiKey, [CANARY_ENV]: CANARY.fromEnv, GITHUB_TOKEN: CANARY.gitToken };
      const applied = await cli(["apply", dir, "--url", sim.url, "--deploy-timeout", "20s"], env);
      expect(applied.code, applied.out).toBe(0);

      // The secret changes: every renderer must say "changed" without the value (old or new).
      const changed = { ...env, [CANARY_ENV]: `${CANARY.fromEnv}-rotated` };
      for (const output of ["text", "markdown", "json"]) {
        const r = await cli(["plan", dir, "--url", sim.url, "--output", output], changed);
        expect(r.code, r.out).toBe(0);
        expect(r.out).not.toContain(`${CANARY.fromEnv}-rotated`);
        expect(r.out).toMatch(/API_TOKEN/);
      }
      // Dokploy fails while the secret is being written (more times than the client retries).
      sim.control.setFaults([{ route: "application.saveEnvironment", errorRate: 1, count: 20 }]);
      const failed = await cli(["apply", dir, "--url", sim.url, "--deploy-timeout", "20s"], changed);
      expect(failed.code).not.toBe(0);
      expect(failed.out).toMatch(/saveEnvironment|failed/);
      expect(failed.out).not.toContain(`${CANARY.fromEnv}-rotated`);
      sim.control.clearFaults();

      // A PR comment of the same plan: its body and every request the code host got.
      const commented = await cli(["comment", dir, "--url", sim.url, "--provider", "github", "--api-url", github.apiUrl, "--repo", "acme/infra", "--pr", "7"], changed);
      expect(commented.code, commented.out).toBe(0);
      const bodies = github.comments.get(7)!.map((c) => c.body);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatch(/API_TOKEN/);
      for (const b of bodies) scan.add("PR comment", b);
      for (const r of github.requests) scan.add(`code host request ${r.method} ${r.path}`, r.body);
      expect(`${CANARY.fromEnv}-rotated`.includes(CANARY.fromEnv)).toBe(true); // the scan covers the rotated value too
    } finally {
      await github.close();
      await sim.close();
    }
  });

  it("a daemon with an https git source it cannot reach: status, metrics and logs carry neither token nor secrets", { timeout: 90_000 }, async () => {
    const sim = await startTestSimulator({ apiKey: CANARY.apiKey });
    try {
      const d = await spawnDaemon(
        ["--listen", "127.0.0.1:0", "--interval", "1h", "--work-dir", path.join(root, "daemon"), "--source", "https://127.0.0.1:9/acme/infra.git", "--url", sim.url],
        { env: { DOKPLOY_API_KEY: CANARY.apiKey, DOKPLOY_GITOPS_WEBHOOK_SECRET: CANARY.webhookSecret, GIT_TOKEN: CANARY.gitToken, [CANARY_ENV]: CANARY.fromEnv } },
      );
      try {
        const s = await eventually(async () => {
          const st = await d.status();
          expect(st.lastPass?.reason).toBe("SourceFailed");
          return st;
        }, { timeoutMs: 60_000, intervalMs: 100 });
        scan.add("status", s);
        scan.add("metrics", await (await fetch(`${d.url}/metrics`)).text());
        scan.add("status text", await (await fetch(`${d.url}/status`, { headers: { accept: "text/plain" } })).text());
      } finally {
        await d.stop("SIGTERM");
        for (const l of d.logs) scan.add("daemon log", l);
        scan.add("daemon stderr", d.stderr.join(""));
      }
      expect(d.logs.length).toBeGreaterThan(2);
    } finally {
      await sim.close();
    }
  });
});
